/** What an empty library says: how media gets in. */
interface EmptyStateProps {
  filtered: boolean;
  onClearFilters: () => void;
  /** A viewer cannot add media: they are told whom to ask instead of how. */
  canAdd?: boolean;
}

export function EmptyState({ filtered, onClearFilters, canAdd = true }: EmptyStateProps) {
  if (filtered) {
    return (
      <div className="empty">
        <h2>Nothing matches these filters</h2>
        <p>Try another search or type, or show everything.</p>
        <button type="button" onClick={onClearFilters}>
          Clear filters
        </button>
      </div>
    );
  }
  if (!canAdd) {
    return (
      <div className="empty">
        <h2>The library is empty</h2>
        <p>Nothing has been added yet. Editors and admins add media; ask one of them.</p>
      </div>
    );
  }
  return (
    <div className="empty">
      <h2>The library is empty</h2>
      <p>Add media in any of three ways:</p>
      <ol>
        <li>
          <strong>Register a path</strong> under “Add media”: a file that already sits in the server’s media folder,
          written relative to it, e.g. <code>holiday/beach.jpg</code>.
        </li>
        <li>
          <strong>Upload</strong> files by dropping them on the upload area or choosing them with the file picker.
        </li>
        <li>
          <strong>Import a folder</strong> under “Add media”: choose a folder of the server’s media folder and every
          supported file in it is registered as it is found (on the server, <code>python manage.py import_media</code>{' '}
          does the same).
        </li>
      </ol>
      <p className="muted">Supported: MP4, MOV, AVI videos and JPEG, PNG, GIF images.</p>
    </div>
  );
}
