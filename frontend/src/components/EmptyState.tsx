/** What an empty library says: how media gets in. */
export function EmptyState({ filtered, onClearFilters }: { filtered: boolean; onClearFilters: () => void }) {
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
          <strong>Import a folder</strong> on the server: <code>python manage.py import_media</code> registers every
          supported file under the media folder.
        </li>
      </ol>
      <p className="muted">Supported: MP4, MOV, AVI videos and JPEG, PNG, GIF images.</p>
    </div>
  );
}
