/**
 * A picture in the viewer: the sharp preview fitted to the space (the thumbnail, or else the
 * blurhash, painted in its place while it loads), and a click or the zoom button for the original
 * at 100%, which scrolls and drags to pan; a click (without a drag) or the button zooms out again.
 */
import { useLayoutEffect, useMemo, useRef, useState, type MouseEvent, type PointerEvent } from 'react';
import { blurhashDataUrl } from '../services/blurhash';

interface ZoomableImageProps {
  /** What fits the viewer: the preview, or the original when it is no larger. */
  src: string;
  /** The file at full size. */
  originalSrc: string;
  /** Shown stretched in the picture's place until `src` has loaded: the (cached) thumbnail. */
  placeholderSrc?: string | null;
  /** Painted when there is no thumbnail yet. */
  blurhash?: string | null;
  /** The original's size, when known: the space is kept for it before anything loads. */
  width?: number;
  height?: number;
  alt: string;
}

/** Pointer travel (CSS px) past which a press on the zoomed picture is a drag, not a click. */
const DRAG_THRESHOLD = 4;

export function ZoomableImage(props: ZoomableImageProps) {
  // Keyed by the picture: another asset (or a new preview after reprocess) starts fitted and unloaded.
  return <ZoomableFrame key={`${props.src}|${props.originalSrc}`} {...props} />;
}

function ZoomableFrame({ src, originalSrc, placeholderSrc, blurhash, width, height, alt }: ZoomableImageProps) {
  const [loaded, setLoaded] = useState(false);
  // Whether the original is larger than it is shown: a picture shown at its own size has nothing to zoom to.
  const [zoomable, setZoomable] = useState(true);
  const [failed, setFailed] = useState(false);
  // Where the picture was clicked, as fractions of its size: that point is centred once zoomed.
  const [zoomedAt, setZoomedAt] = useState<{ x: number; y: number } | null>(null);
  // The fitted picture's height when zoomed in: the zoomed view keeps it, so the page does not jump.
  const [fittedHeight, setFittedHeight] = useState<number | null>(null);
  const picture = useRef<HTMLImageElement>(null);
  const [originalLoaded, setOriginalLoaded] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const drag = useRef<{ id: number; x: number; y: number; left: number; top: number; moved: boolean } | null>(null);
  const known = typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0;
  const blurred = useMemo(
    () => (placeholderSrc ? null : blurhashDataUrl(blurhash, known ? width / height : 1)),
    [placeholderSrc, blurhash, known, width, height],
  );
  const placeholder = placeholderSrc ?? blurred;

  useLayoutEffect(() => {
    const box = scroller.current;
    if (!zoomedAt || !box) return;
    box.scrollLeft = zoomedAt.x * box.scrollWidth - box.clientWidth / 2;
    box.scrollTop = zoomedAt.y * box.scrollHeight - box.clientHeight / 2;
    box.focus({ preventScroll: true });
  }, [zoomedAt]);

  const zoomIn = (event?: MouseEvent<HTMLElement>) => {
    const box = event?.currentTarget.getBoundingClientRect();
    const at =
      event && box && box.width > 0 && box.height > 0
        ? { x: (event.clientX - box.left) / box.width, y: (event.clientY - box.top) / box.height }
        : { x: 0.5, y: 0.5 };
    const height = picture.current?.getBoundingClientRect().height ?? 0;
    setFittedHeight(height > 0 ? height : null);
    setZoomedAt({ x: Math.min(1, Math.max(0, at.x)), y: Math.min(1, Math.max(0, at.y)) });
  };
  const zoomOut = () => setZoomedAt(null);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const box = scroller.current;
    if (!box || event.pointerType !== 'mouse' || event.button !== 0) return;
    drag.current = { id: event.pointerId, x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop, moved: false };
    box.setPointerCapture?.(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const box = scroller.current;
    const pan = drag.current;
    if (!box || !pan || pan.id !== event.pointerId) return;
    const dx = event.clientX - pan.x;
    const dy = event.clientY - pan.y;
    if (Math.abs(dx) + Math.abs(dy) > DRAG_THRESHOLD) pan.moved = true;
    box.scrollLeft = pan.left - dx;
    box.scrollTop = pan.top - dy;
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (drag.current?.id === event.pointerId && !drag.current.moved) zoomOut();
    drag.current = null;
  };

  const zoomed = zoomedAt !== null;
  return (
    <div className={zoomed ? 'viewer viewer--image viewer--zoomed' : 'viewer viewer--image'}>
      {zoomed ? (
        <div
          ref={scroller}
          className="viewer__scroller"
          style={fittedHeight ? { height: `${Math.max(fittedHeight, 200)}px` } : undefined}
          tabIndex={0}
          // The arrow keys and a swipe pan the zoomed picture; they do not move to another asset.
          data-own-keys
          data-no-swipe
          aria-label={`${alt} at 100%: drag or scroll to move around, click to zoom out`}
          role="group"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => {
            drag.current = null;
          }}
          onKeyDown={(event) => {
            // Escape leaves the zoom first, and only then (pressed again) the viewer.
            if (event.key === 'Enter' || event.key === ' ' || event.key === 'Escape') {
              event.preventDefault();
              event.stopPropagation();
              zoomOut();
            }
          }}
        >
          <img
            className="viewer__original"
            src={originalSrc}
            alt={`${alt} at full size`}
            width={known ? width : undefined}
            height={known ? height : undefined}
            draggable={false}
            onLoad={() => setOriginalLoaded(true)}
            // The preview, stretched to the original's size, until the original itself is decoded.
            style={originalLoaded ? undefined : { backgroundImage: `url("${src}")` }}
          />
        </div>
      ) : failed ? (
        <p className="viewer__failed">The picture could not be shown.</p>
      ) : (
        <img
          ref={picture}
          className={zoomable ? 'viewer__picture viewer__picture--zoomable' : 'viewer__picture'}
          src={src}
          alt={alt}
          width={known ? width : undefined}
          height={known ? height : undefined}
          decoding="async"
          onLoad={(event) => {
            const shown = event.currentTarget;
            const full = known ? { width, height } : { width: shown.naturalWidth, height: shown.naturalHeight };
            // jsdom lays nothing out (0 x 0 shown): zoomable, as a picture larger than its box is.
            setZoomable(shown.clientWidth === 0 || full.width > shown.clientWidth + 1 || full.height > shown.clientHeight + 1);
            setLoaded(true);
          }}
          onError={() => setFailed(true)}
          onClick={zoomable ? zoomIn : undefined}
          style={!loaded && placeholder ? { backgroundImage: `url("${placeholder}")` } : undefined}
        />
      )}
      {(zoomable || zoomed) && (
        <div className="viewer__tools">
          <button type="button" aria-pressed={zoomed} onClick={() => (zoomed ? zoomOut() : zoomIn())}>
            {zoomed ? 'Fit to screen' : 'Zoom to 100%'}
          </button>
        </div>
      )}
    </div>
  );
}
