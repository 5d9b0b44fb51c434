/** Registers a file that already lies in the server's media folder, by its path relative to that folder. */
import { useId, useState, type FormEvent } from 'react';
import { ApiError, registerPath, type Asset } from '../services/api';

interface RegisterPathFormProps {
  onRegistered: (asset: Asset) => void;
  onOpen: (id: number) => void;
  register?: typeof registerPath;
}

export function RegisterPathForm({ onRegistered, onOpen, register = registerPath }: RegisterPathFormProps) {
  const id = useId();
  const [filePath, setFilePath] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Asset | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!filePath.trim()) {
      setError(new ApiError('Enter a path relative to the media folder, e.g. holiday/beach.jpg.', 400));
      return;
    }
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const asset = await register(filePath.trim(), title);
      setDone(asset);
      setFilePath('');
      setTitle('');
      onRegistered(asset);
    } catch (reason) {
      setError(reason instanceof ApiError ? reason : new ApiError(String(reason), 0));
    } finally {
      setBusy(false);
    }
  };

  const existingId = error?.status === 409 ? error.context.asset_id : undefined;
  const errorId = `${id}-error`;
  return (
    <form className="register" onSubmit={(event) => void submit(event)} noValidate>
      <h3>Register a file on the server</h3>
      <div className="field">
        <label htmlFor={`${id}-path`}>Path in the media folder</label>
        <input
          id={`${id}-path`}
          name="file_path"
          value={filePath}
          onChange={(event) => setFilePath(event.target.value)}
          placeholder="holiday/beach.jpg"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : `${id}-hint`}
        />
        <p id={`${id}-hint`} className="hint">
          Relative to the media folder, with forward slashes.
        </p>
        {error && (
          <p id={errorId} className="field__error" role="alert">
            {error.message}
            {typeof existingId === 'number' && (
              <>
                {' '}
                <button type="button" className="link" onClick={() => onOpen(existingId)}>
                  Open the existing asset
                </button>
              </>
            )}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-title`}>Title (optional)</label>
        <input id={`${id}-title`} name="title" value={title} onChange={(event) => setTitle(event.target.value)} />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Registering…' : 'Register'}
      </button>
      <p className="muted" aria-live="polite">
        {done && `Registered “${done.title}”. Processing has started.`}
      </p>
    </form>
  );
}
