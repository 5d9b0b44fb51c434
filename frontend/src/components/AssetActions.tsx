/** The detail view's actions: rename (an inline form), reprocess, and delete (which asks first, elsewhere). */
import { useId, useState, type FormEvent } from 'react';
import type { Asset } from '../services/api';

export type AssetAction = 'rename' | 'reprocess' | 'delete';

interface AssetActionsProps {
  asset: Asset;
  /** The action under way, if any: every button waits for it. */
  busy: AssetAction | null;
  /** Why the last action failed. */
  error: string | null;
  /** Resolves true once the new title is saved, which closes the form. */
  onRename: (title: string) => Promise<boolean>;
  onReprocess: () => void;
  onDelete: () => void;
}

export function AssetActions({ asset, busy, error, onRename, onReprocess, onDelete }: AssetActionsProps) {
  const fieldId = useId();
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState('');

  const submitRename = (event: FormEvent) => {
    event.preventDefault();
    void onRename(title.trim()).then((saved) => {
      if (saved) setEditing(false);
    });
  };

  return (
    <>
      {editing ? (
        <form className="rename" onSubmit={submitRename}>
          <label htmlFor={fieldId}>New title</label>
          <input id={fieldId} value={title} onChange={(event) => setTitle(event.target.value)} required autoFocus />
          <button type="submit" className="primary" disabled={busy !== null || !title.trim()}>
            {busy === 'rename' ? 'Saving…' : 'Save'}
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="detail__actions">
          <button
            type="button"
            onClick={() => {
              setTitle(asset.title);
              setEditing(true);
            }}
            disabled={busy !== null}
          >
            Rename
          </button>
          <button type="button" disabled={busy !== null} onClick={onReprocess}>
            {busy === 'reprocess' ? 'Reprocessing…' : 'Reprocess'}
          </button>
          <button type="button" className="danger" disabled={busy !== null} onClick={onDelete}>
            Delete
          </button>
        </div>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
