/**
 * Uploads files chosen in the picker or dropped on the zone through the resumable uploader: each
 * file's progress, speed and time left, a way to cancel it, and the server's word when it refuses.
 */
import { useId, useState, useSyncExternalStore, type DragEvent } from 'react';
import { UPLOAD_ACCEPT } from '../contract';
import { formatFileSize, formatSpeed, formatTimeLeft, percentOf } from '../services/format';
import type { UploadItem, UploadQueue } from '../services/uploadQueue';
import { ProgressBar } from './ProgressBar';

interface UploadZoneProps {
  uploads: UploadQueue;
  onOpen: (id: number) => void;
}

export function UploadZone({ uploads, onOpen }: UploadZoneProps) {
  const id = useId();
  const [dragging, setDragging] = useState(false);
  const items = useSyncExternalStore(uploads.subscribe, uploads.getSnapshot);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length > 0) uploads.add(Array.from(event.dataTransfer.files));
  };

  return (
    <div className="upload">
      <h3>Upload files</h3>
      <div
        className={dragging ? 'dropzone dropzone--active' : 'dropzone'}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>Drop images or videos here, or</p>
        <label htmlFor={`${id}-files`} className="button">
          Choose files…
        </label>
        <input
          id={`${id}-files`}
          className="visually-hidden-input"
          type="file"
          multiple
          accept={UPLOAD_ACCEPT}
          onChange={(event) => {
            if (event.target.files && event.target.files.length > 0) uploads.add(Array.from(event.target.files));
            event.target.value = '';
          }}
        />
        <p className="hint">MP4, MOV, AVI, JPEG, PNG or GIF. An interrupted upload goes on where it stopped.</p>
      </div>
      {items.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {items.map((item) => (
            <UploadRow
              key={item.key}
              item={item}
              onCancel={() => uploads.cancel(item.key)}
              onRetry={() => uploads.retry(item.key)}
              onOpen={onOpen}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

interface UploadRowProps {
  item: UploadItem;
  onCancel: () => void;
  onRetry: () => void;
  onOpen: (id: number) => void;
}

function UploadRow({ item, onCancel, onRetry, onOpen }: UploadRowProps) {
  const percent = percentOf(item.sent, item.total);
  const inFlight = item.phase === 'uploading' || item.phase === 'waitingForNetwork';
  const cancellable = inFlight || item.phase === 'queued' || (item.phase === 'failed' && item.canRetry);
  const finishing = item.phase === 'uploading' && item.total > 0 && item.sent >= item.total;

  let stats: string;
  if (item.phase === 'queued') stats = 'Waiting for its turn…';
  else if (item.phase === 'waitingForNetwork') stats = `${percent}% · Waiting for the network…`;
  else if (finishing) stats = '100% · The server is checking the file…';
  else stats = [`${percent}%`, formatSpeed(item.bytesPerSecond), formatTimeLeft(item.secondsLeft)].filter(Boolean).join(' · ');

  return (
    <li className={`upload-item upload-item--${item.phase}`}>
      <div className="upload-item__head">
        <span className="upload-item__name">{item.name}</span>
        <span className="muted">{formatFileSize(item.size)}</span>
      </div>
      {(inFlight || item.phase === 'queued') && (
        <ProgressBar value={item.phase === 'queued' ? 0 : percent} label={`Uploading ${item.name}`} />
      )}
      {(inFlight || item.phase === 'queued') && (
        <p className="upload-item__stats">
          <span className="upload-item__percent">{stats}</span>
        </p>
      )}
      {item.resumedFrom !== null && inFlight && (
        <p className="upload-item__resumed muted" role="status">
          Resumed from {percentOf(item.resumedFrom, 1)}%.
        </p>
      )}
      {item.phase === 'done' && (
        <p className="upload-item__done" role="status">
          Uploaded.{' '}
          {item.assetId !== null && (
            <button type="button" className="link" onClick={() => onOpen(item.assetId ?? 0)}>
              Open
            </button>
          )}
        </p>
      )}
      {item.phase === 'failed' && (
        <p className="field__error" role="alert">
          {item.error}
        </p>
      )}
      {item.phase === 'cancelled' && <p className="upload-item__cancelled muted">Cancelled.</p>}
      {cancellable && (
        <div className="upload-item__actions">
          {item.phase === 'failed' && item.canRetry && (
            <button type="button" onClick={onRetry} aria-label={`Try again: ${item.name}`}>
              Try again
            </button>
          )}
          <button type="button" onClick={onCancel} aria-label={`Cancel ${item.name}`}>
            Cancel
          </button>
        </div>
      )}
    </li>
  );
}
