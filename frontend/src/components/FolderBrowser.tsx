/**
 * Browses the folders of the server's media folder (never files: an import takes a folder):
 * breadcrumbs back to any folder above, the folders inside to open, one level up, and "Choose
 * this folder". The arrow keys move between the folders; opening one puts the focus on the list
 * of what it holds, so a keyboard user goes on from there.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { ApiError, listFolders, type FolderListing } from '../services/api';
import { crumbsOf, folderLabel, formatCount } from '../services/imports';

interface FolderBrowserProps {
  /** The folder shown first, relative to the media folder ('' is the media folder itself). */
  initialPath?: string;
  onChoose: (path: string) => void;
  /** Leaves the browser without choosing; no button when absent. */
  onCancel?: () => void;
  list?: typeof listFolders;
}

type Loaded = { path: string; listing: FolderListing | null; error: string | null };

export function FolderBrowser({ initialPath = '', onChoose, onCancel, list = listFolders }: FolderBrowserProps) {
  const id = useId();
  const [path, setPath] = useState(initialPath);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [attempt, setAttempt] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  useEffect(() => {
    const controller = new AbortController();
    list(path, controller.signal)
      .then((listing) => setLoaded({ path, listing, error: null }))
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        setLoaded({ path, listing: null, error: reason instanceof ApiError ? reason.message : String(reason) });
      });
    return () => controller.abort();
  }, [list, path, attempt]);

  const current = loaded?.path === path ? loaded : null;
  const listing = current?.listing ?? null;
  useEffect(() => {
    // After the user moved, the focus goes to the new folder's heading once it is shown: the
    // button pressed is gone with the old folder's list.
    if (current && moved.current) {
      moved.current = false;
      heading.current?.focus();
    }
  }, [current]);

  const go = (next: string) => {
    moved.current = true;
    setPath(next);
  };
  const parent = listing ? listing.parent : path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : path ? '' : null;

  const onListKey = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
    if (buttons.length === 0) return;
    event.preventDefault();
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    let next: number;
    if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = buttons.length - 1;
    else if (event.key === 'ArrowDown') next = Math.min(buttons.length - 1, at + 1);
    else next = Math.max(0, at - 1);
    buttons[next]?.focus();
  };

  const crumbs = crumbsOf(path);
  const name = crumbs[crumbs.length - 1]?.name ?? 'Media folder';
  return (
    <div className="folder-browser">
      <nav aria-label="Folder path">
        <ol className="breadcrumbs">
          {crumbs.map((crumb, index) =>
            index === crumbs.length - 1 ? (
              <li key={crumb.path} aria-current="location">
                {crumb.name}
              </li>
            ) : (
              <li key={crumb.path}>
                <button type="button" className="link" onClick={() => go(crumb.path)}>
                  {crumb.name}
                </button>
              </li>
            ),
          )}
        </ol>
      </nav>
      <div className="folder-browser__bar">
        <button type="button" onClick={() => parent !== null && go(parent)} disabled={parent === null}>
          <span aria-hidden="true">↑</span> Up one folder
        </button>
      </div>
      <h4 id={`${id}-heading`} ref={heading} tabIndex={-1} className="folder-browser__heading">
        Folders in {name === 'Media folder' ? 'the media folder' : `“${name}”`}
      </h4>
      {!current && (
        <p className="muted" aria-live="polite">
          Loading folders…
        </p>
      )}
      {current?.error && (
        <div className="field__error" role="alert">
          {current.error}{' '}
          <button type="button" className="link" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      )}
      {listing && listing.folders.length === 0 && <p className="muted">No folders in here.</p>}
      {listing && listing.folders.length > 0 && (
        <ul className="folder-list" aria-labelledby={`${id}-heading`} onKeyDown={onListKey}>
          {listing.folders.map((folder) => (
            <li key={folder.path}>
              <button type="button" className="folder-list__item" onClick={() => go(folder.path)}>
                <FolderIcon />
                {folder.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      {listing?.truncated && (
        <p className="hint">Only the first {formatCount(listing.folders.length)} folders are listed.</p>
      )}
      <div className="folder-browser__actions">
        <button type="button" className="primary" disabled={!current?.listing} onClick={() => onChoose(path)}>
          Choose this folder
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <span className="muted folder-browser__current">{folderLabel(path)}</span>
      </div>
    </div>
  );
}

function FolderIcon() {
  return (
    <svg className="folder-list__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h4.4l2 2h8.6A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z" fill="currentColor" />
    </svg>
  );
}
