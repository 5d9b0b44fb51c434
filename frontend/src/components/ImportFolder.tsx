/**
 * "Import a folder": choose a folder of the server's media folder in the browser, optionally
 * leave some files out by pattern, and start an import job that registers every supported file
 * in it (the same walk as `import_media`). The newest imports are listed under it with their
 * live progress, so a reload or another tab finds a running import again; the new assets reach
 * the library by themselves through the live connection.
 */
import { useId, useState, type FormEvent } from 'react';
import { useImports, type ImportsApi } from '../hooks/useImports';
import { ApiError, fieldErrors, listFolders } from '../services/api';
import { folderLabel, parseExcludes } from '../services/imports';
import type { LiveConnection } from '../services/websocket';
import { FolderBrowser } from './FolderBrowser';
import { ImportJobView } from './ImportJobView';

interface ImportFolderProps {
  connection: LiveConnection | null;
  api?: ImportsApi;
  listFolders?: typeof listFolders;
}

export function ImportFolder({ connection, api, listFolders: list = listFolders }: ImportFolderProps) {
  const id = useId();
  const imports = useImports(connection, api);
  // null: no folder chosen yet (the browser is open); '' is the media folder itself.
  const [chosen, setChosen] = useState<string | null>(null);
  const [browsing, setBrowsing] = useState(true);
  const [excludeText, setExcludeText] = useState('');
  const [process, setProcess] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [startedId, setStartedId] = useState<number | null>(null);

  const choose = (path: string) => {
    setChosen(path);
    setBrowsing(false);
    setError(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (chosen === null) {
      setError(new ApiError('Choose a folder first: open it in the list and press “Choose this folder”.', 400));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const exclude = parseExcludes(excludeText);
      const job = await imports.start({ path: chosen, ...(exclude.length > 0 ? { exclude } : {}), process });
      setStartedId(job.id);
    } catch (reason) {
      setError(reason instanceof ApiError ? reason : new ApiError(String(reason), 0));
    } finally {
      setBusy(false);
    }
  };

  const fields = fieldErrors(error);
  const excludeError = fields.exclude;
  const errorId = `${id}-error`;
  return (
    <section className="import-folder" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Import a folder</h3>
      <p className="hint import-folder__intro">
        Registers every image and video in a folder of the server’s media folder, and in the folders inside it.
        Files already in the library are skipped.
      </p>
      <div className="import-folder__columns">
        <form className="import-form" onSubmit={(event) => void submit(event)} noValidate aria-label="Import a folder">
          <fieldset className="import-form__folder">
            <legend>Folder</legend>
            {browsing ? (
              <FolderBrowser
                initialPath={chosen ?? ''}
                onChoose={choose}
                onCancel={chosen === null ? undefined : () => setBrowsing(false)}
                list={list}
              />
            ) : (
              <div className="import-form__chosen">
                <span>
                  <span className="visually-hidden">Chosen folder: </span>
                  <code>{chosen === '' ? 'Media folder (all of it)' : chosen}</code>
                </span>
                <button type="button" onClick={() => setBrowsing(true)}>
                  Change folder
                </button>
              </div>
            )}
          </fieldset>
          <div className="field">
            <label htmlFor={`${id}-exclude`}>Leave out (optional)</label>
            <input
              id={`${id}-exclude`}
              name="exclude"
              value={excludeText}
              onChange={(event) => setExcludeText(event.target.value)}
              placeholder="*.tmp, drafts"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={excludeError ? true : undefined}
              aria-describedby={excludeError ? `${id}-exclude-error` : `${id}-exclude-hint`}
            />
            <p id={`${id}-exclude-hint`} className="hint">
              Patterns separated by commas, matched against each file or folder name and its path.
            </p>
            {excludeError && (
              <p id={`${id}-exclude-error`} className="field__error">
                {excludeError}
              </p>
            )}
          </div>
          <div className="field field--check">
            <label>
              <input type="checkbox" checked={process} onChange={(event) => setProcess(event.target.checked)} />
              Process the files now (thumbnails and metadata)
            </label>
          </div>
          {error && (
            <p id={errorId} className="field__error" role="alert">
              {error.message}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy} aria-describedby={error ? errorId : undefined}>
            {busy ? 'Starting…' : chosen === null ? 'Start import' : `Start import of ${folderLabel(chosen)}`}
          </button>
        </form>
        <RecentImports imports={imports} startedId={startedId} />
      </div>
    </section>
  );
}

function RecentImports({ imports, startedId }: { imports: ReturnType<typeof useImports>; startedId: number | null }) {
  const { jobs, loading, error, cancel } = imports;
  return (
    <section className="imports" aria-label="Recent imports">
      <h4 className="imports__heading">Recent imports</h4>
      {loading && jobs.length === 0 && <p className="muted">Loading imports…</p>}
      {error && jobs.length === 0 && <p className="muted">The imports could not be listed: {error}</p>}
      {!loading && !error && jobs.length === 0 && <p className="muted">No folder imported from here yet.</p>}
      {jobs.length > 0 && (
        <ul className="imports__list">
          {jobs.map((job, index) => (
            <li key={job.id}>
              <ImportJobView job={job} onCancel={cancel} expanded={job.id === startedId || index === 0} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
