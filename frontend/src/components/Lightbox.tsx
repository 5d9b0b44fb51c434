/**
 * Walking through the library from the detail view: previous / next buttons (LightboxNav, in the
 * view's header) and a horizontal swipe on the picture (Lightbox); the keys are
 * hooks/useLightboxKeys.ts.
 */
import { useRef, type PointerEvent, type ReactNode } from 'react';
import { swipeCommandOf } from '../services/viewerKeys';

interface LightboxProps {
  children?: ReactNode;
  onPrevious: (() => void) | null;
  onNext: (() => void) | null;
}

/** The previous and next buttons; disabled at either end of the list. */
export function LightboxNav({ onPrevious, onNext }: LightboxProps) {
  return (
    <div className="lightbox__nav">
      <button
        type="button"
        className="icon-button"
        onClick={onPrevious ?? undefined}
        disabled={!onPrevious}
        aria-label="Previous asset"
        aria-keyshortcuts="ArrowLeft"
      >
        ←
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={onNext ?? undefined}
        disabled={!onNext}
        aria-label="Next asset"
        aria-keyshortcuts="ArrowRight"
      >
        →
      </button>
    </div>
  );
}

/** The picture or player, where a swipe goes to the previous or next asset. */
export function Lightbox({ children, onPrevious, onNext }: LightboxProps) {
  const start = useRef<{ id: number; x: number; y: number } | null>(null);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    // A mouse drags to select or, on a zoomed picture, to pan; a swipe is a finger's (or a pen's).
    if (event.pointerType === 'mouse' || !event.isPrimary) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest('button, a, video, [data-no-swipe]')) return;
    start.current = { id: event.pointerId, x: event.clientX, y: event.clientY };
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    const began = start.current;
    start.current = null;
    if (!began || began.id !== event.pointerId) return;
    const command = swipeCommandOf(event.clientX - began.x, event.clientY - began.y);
    if (command === 'previous') onPrevious?.();
    if (command === 'next') onNext?.();
  };

  return (
    <div
      className="lightbox"
      data-testid="lightbox"
      onPointerDown={onPointerDown}
      onPointerUp={onPointerUp}
      onPointerCancel={() => {
        start.current = null;
      }}
    >
      {children}
    </div>
  );
}
