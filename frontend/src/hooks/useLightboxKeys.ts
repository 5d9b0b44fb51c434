/**
 * The viewer's shortcuts (arrows, Escape, `?`), listened for on the document while it is open,
 * except where a key is being typed or belongs to a control (services/viewerKeys.ts).
 */
import { useEffect, useRef } from 'react';
import { viewerCommandOf, type ViewerCommand } from '../services/viewerKeys';

export interface LightboxKeys {
  /** null: there is nothing before (or after) this asset in the list. */
  onPrevious: (() => void) | null;
  onNext: (() => void) | null;
  onClose: () => void;
  onHelp: () => void;
  /** Another dialog is open on top (the delete confirmation, the shortcuts): its keys are its own. */
  paused?: boolean;
}

/** The shortcuts, listened for on the document while the viewer is open. */
export function useLightboxKeys({ onPrevious, onNext, onClose, onHelp, paused = false }: LightboxKeys): void {
  const handlers = useRef<Record<ViewerCommand, (() => void) | null>>({ previous: null, next: null, close: null, help: null });
  useEffect(() => {
    handlers.current = { previous: onPrevious, next: onNext, close: onClose, help: onHelp };
  }, [onPrevious, onNext, onClose, onHelp]);

  useEffect(() => {
    if (paused) return;
    // On the document: the dialog's own handler has closed it already on an Escape from inside
    // (and stopped it there); this one sees the keys pressed with the focus on the page itself.
    const onKeyDown = (event: KeyboardEvent) => {
      const command = viewerCommandOf(event);
      const handler = command ? handlers.current[command] : null;
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [paused]);
}

