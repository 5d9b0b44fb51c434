/** Uploads files chosen in the picker or dropped on the zone, each with its own progress and error. */
import { useCallback, useId, useState, type DragEvent } from 'react';
import { UPLOAD_ACCEPT } from '../contract';
import { ApiError, uploadFile, type Asset } from '../services/api';
import { formatFileSize } from '../services/format';
import { ProgressBar } from './ProgressBar';

interface UploadItem {
  key: number;
  name: string;
  size: number;
  progress: number | null;
  state: 'uploading' | 'done' | 'failed';
  error: string | null;
  assetId: number | null;
}

interface UploadZoneProps {
  onUploaded: (asset: Asset) => void;
  onOpen: (id: number) => void;
  upload?: typeof uploadFile;
}

let nextKey = 1;

export function UploadZone({ onUploaded, onOpen, upload = uploadFile }: UploadZoneProps) {
  const id = useId();
  const [dragging, setDragging] = useState(false);
  const [uploads, setUploads] = useState<UploadItem[]>([]);

  const patch = (key: number, change: Partial<UploadItem>) =>
    setUploads((items) => items.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const start = useCallback(
    (files: FileList | File[]) => {
      for (const file of Array.from(files)) {
        const key = nextKey++;
        setUploads((items) => [
          { key, name: file.name, size: file.size, progress: 0, state: 'uploading', error: null, assetId: null },
          ...items,
        ]);
        upload(file, undefined, (progress) =>
          patch(key, { progress: progress.fraction === null ? null : progress.fraction * 100 }),
        )
          .then((asset) => {
            patch(key, { state: 'done', progress: 100, assetId: asset.id });
            onUploaded(asset);
          })
          .catch((reason: unknown) => {
            patch(key, {
              state: 'failed',
              error: reason instanceof ApiError ? reason.message : 'The upload did not finish.',
            });
          });
      }
    },
    [onUploaded, upload],
  );

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length > 0) start(event.dataTransfer.files);
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
            if (event.target.files && event.target.files.length > 0) start(event.target.files);
            event.target.value = '';
          }}
        />
        <p className="hint">MP4, MOV, AVI, JPEG, PNG or GIF.</p>
      </div>
      {uploads.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {uploads.map((item) => (
            <li key={item.key} className={`upload-item upload-item--${item.state}`}>
              <div className="upload-item__head">
                <span className="upload-item__name">{item.name}</span>
                <span className="muted">{formatFileSize(item.size)}</span>
              </div>
              {item.state === 'uploading' && <ProgressBar value={item.progress} label={`Uploading ${item.name}`} />}
              {item.state === 'done' && (
                <p className="upload-item__done">
                  Uploaded.{' '}
                  {item.assetId !== null && (
                    <button type="button" className="link" onClick={() => onOpen(item.assetId ?? 0)}>
                      Open
                    </button>
                  )}
                </p>
              )}
              {item.state === 'failed' && (
                <p className="field__error" role="alert">
                  {item.error}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
