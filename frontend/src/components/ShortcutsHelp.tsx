/** The overlay that `?` opens in the viewer: every shortcut and gesture, and what it does. */
import { useId } from 'react';
import { VIEWER_SHORTCUTS } from '../services/viewerKeys';
import { Dialog } from './Dialog';

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const headingId = useId();
  return (
    <Dialog labelledBy={headingId} onClose={onClose} className="confirm shortcuts">
      <h2 id={headingId}>Keyboard shortcuts</h2>
      <dl className="shortcuts__list">
        {VIEWER_SHORTCUTS.map(({ keys, does }) => (
          <div key={does} className="shortcuts__row">
            <dt>
              {keys.map((key) => (
                <kbd key={key}>{key}</kbd>
              ))}
            </dt>
            <dd>{does}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">Keys typed into a field (a title, a tag) stay in the field.</p>
      <div className="detail__actions">
        <button type="button" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
