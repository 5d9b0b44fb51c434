/** Asks before deleting: "Keep it" has the focus, so Enter or Escape by reflex keeps the asset. */
import { useId } from 'react';
import { Dialog } from './Dialog';

interface DeleteAssetDialogProps {
  title: string;
  /** The delete request is under way. */
  deleting: boolean;
  /** Why the last attempt failed. */
  error: string | null;
  onCancel: () => void;
  onConfirm: () => void;
}

export function DeleteAssetDialog({ title, deleting, error, onCancel, onConfirm }: DeleteAssetDialogProps) {
  const headingId = useId();
  return (
    <Dialog labelledBy={headingId} onClose={onCancel} role="alertdialog" className="confirm">
      <h3 id={headingId}>Delete “{title}”?</h3>
      <p>
        This removes the asset and its thumbnails from the library. The original file stays in the media folder.
      </p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="detail__actions">
        <button type="button" onClick={onCancel} data-autofocus>
          Keep it
        </button>
        <button type="button" className="danger" disabled={deleting} onClick={onConfirm}>
          {deleting ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </Dialog>
  );
}
