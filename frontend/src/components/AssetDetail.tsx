/** One asset up close: preview or player, every metadata field, and rename / reprocess / delete. */
import { useId, useState, type FormEvent } from 'react';
import { useLiveAsset } from '../hooks/useLiveAsset';
import { ApiError, assetContentUrl, deleteAsset, renameAsset, reprocessAsset, type Asset } from '../services/api';
import { mediaKindOf } from '../services/assetUpdates';
import { formatDateTime, formatDuration, formatFileSize } from '../services/format';
import type { LiveConnection } from '../services/websocket';
import { Dialog } from './Dialog';
import { ProgressBar } from './ProgressBar';
import { StatusBadge } from './StatusBadge';
import { Thumbnail } from './Thumbnail';

interface AssetDetailProps {
  assetId: number;
  connection: LiveConnection | null;
  onClose: () => void;
  onChanged: (asset: Asset) => void;
  onDeleted: (id: number) => void;
}

function describeValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (key === 'duration' && typeof value === 'number') return `${formatDuration(value)} (${value} s)`;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

export function AssetDetail({ assetId, connection, onClose, onChanged, onDeleted }: AssetDetailProps) {
  const headingId = useId();
  const { asset, loadError, replaceAsset } = useLiveAsset(assetId, connection);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<null | 'rename' | 'reprocess' | 'delete'>(null);
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState('');
  const [confirming, setConfirming] = useState(false);

  const run = async (kind: 'rename' | 'reprocess' | 'delete', action: () => Promise<void>) => {
    setBusy(kind);
    setActionError(null);
    try {
      await action();
    } catch (reason) {
      setActionError(reason instanceof ApiError ? reason.message : String(reason));
    } finally {
      setBusy(null);
    }
  };

  const submitRename = (event: FormEvent) => {
    event.preventDefault();
    void run('rename', async () => {
      const renamed = await renameAsset(assetId, title.trim());
      replaceAsset(renamed);
      setEditing(false);
      onChanged(renamed);
    });
  };

  const kind = asset ? mediaKindOf(asset.mime_type) : 'other';
  const metadata = asset ? Object.entries(asset.media_metadata).sort(([a], [b]) => a.localeCompare(b)) : [];
  const busyStatus = asset && (asset.status === 'pending' || asset.status === 'processing');

  return (
    <Dialog labelledBy={headingId} onClose={confirming ? () => setConfirming(false) : onClose} className="detail">
      <header className="detail__head">
        <h2 id={headingId}>{asset ? asset.title : loadError ? 'Asset not available' : 'Loading…'}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close details" data-autofocus>
          ✕
        </button>
      </header>
      {loadError && (
        <p className="notice notice--error" role="alert">
          {loadError}
        </p>
      )}
      {asset && (
        <div className="detail__body">
          <div className="detail__media">
            {kind === 'video' ? (
              <video
                controls
                preload="metadata"
                src={assetContentUrl(asset.id)}
                poster={asset.media_metadata.preview_url ?? asset.media_metadata.thumbnail_url ?? undefined}
                aria-label={`Video: ${asset.title}`}
              />
            ) : (
              <Thumbnail
                src={asset.media_metadata.preview_url ?? asset.media_metadata.thumbnail_url}
                alt={`Preview of ${asset.title}`}
                kind={kind}
                className="thumb--large"
              />
            )}
            <p>
              <a href={assetContentUrl(asset.id)} target="_blank" rel="noreferrer">
                Open the original file
              </a>
            </p>
          </div>
          <div className="detail__info">
            <p className="detail__status">
              <StatusBadge status={asset.status} />
              {busyStatus && asset.processing.stage && <span className="card__stage">{asset.processing.stage}</span>}
            </p>
            {busyStatus && <ProgressBar value={asset.processing.progress} label={`Processing ${asset.title}`} />}
            {asset.status === 'failed' && (
              <p className="card__error">{asset.processing.error ?? 'Processing failed for an unknown reason.'}</p>
            )}

            {editing ? (
              <form className="rename" onSubmit={submitRename}>
                <label htmlFor={`${headingId}-title`}>New title</label>
                <input
                  id={`${headingId}-title`}
                  value={title}
                  onChange={(event) => setTitle(event.target.value)}
                  required
                  autoFocus
                />
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
                <button
                  type="button"
                  disabled={busy !== null}
                  onClick={() =>
                    void run('reprocess', async () => {
                      const fresh = await reprocessAsset(asset.id);
                      replaceAsset(fresh);
                      onChanged(fresh);
                    })
                  }
                >
                  {busy === 'reprocess' ? 'Reprocessing…' : 'Reprocess'}
                </button>
                <button type="button" className="danger" disabled={busy !== null} onClick={() => setConfirming(true)}>
                  Delete
                </button>
              </div>
            )}
            {actionError && !confirming && (
              <p className="field__error" role="alert">
                {actionError}
              </p>
            )}

            <table className="meta">
              <caption className="visually-hidden">Details of {asset.title}</caption>
              <tbody>
                <tr>
                  <th scope="row">File</th>
                  <td className="break">{asset.file_path}</td>
                </tr>
                <tr>
                  <th scope="row">Type</th>
                  <td>{asset.mime_type}</td>
                </tr>
                <tr>
                  <th scope="row">Size</th>
                  <td>
                    {formatFileSize(asset.file_size)} ({asset.file_size.toLocaleString()} bytes)
                  </td>
                </tr>
                {asset.checksum && (
                  <tr>
                    <th scope="row">Checksum</th>
                    <td className="break mono">{asset.checksum}</td>
                  </tr>
                )}
                <tr>
                  <th scope="row">Added</th>
                  <td>
                    <time dateTime={asset.created_at}>{formatDateTime(asset.created_at)}</time>
                  </td>
                </tr>
                <tr>
                  <th scope="row">Updated</th>
                  <td>
                    <time dateTime={asset.updated_at}>{formatDateTime(asset.updated_at)}</time>
                  </td>
                </tr>
                {metadata.map(([key, value]) => (
                  <tr key={key}>
                    <th scope="row">{key}</th>
                    <td className="break">{describeValue(key, value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {confirming && asset && (
        <Dialog labelledBy={`${headingId}-confirm`} onClose={() => setConfirming(false)} role="alertdialog" className="confirm">
          <h3 id={`${headingId}-confirm`}>Delete “{asset.title}”?</h3>
          <p>
            This removes the asset and its thumbnails from the library. The original file stays in the media folder.
          </p>
          {actionError && (
            <p className="field__error" role="alert">
              {actionError}
            </p>
          )}
          <div className="detail__actions">
            <button type="button" onClick={() => setConfirming(false)} data-autofocus>
              Keep it
            </button>
            <button
              type="button"
              className="danger"
              disabled={busy !== null}
              onClick={() =>
                void run('delete', async () => {
                  await deleteAsset(asset.id);
                  setConfirming(false);
                  onDeleted(asset.id);
                })
              }
            >
              {busy === 'delete' ? 'Deleting…' : 'Delete'}
            </button>
          </div>
        </Dialog>
      )}
    </Dialog>
  );
}
