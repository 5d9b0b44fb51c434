/**
 * The folder imports the add-media panel shows: the newest few as the server lists them (so a
 * reload finds a running import again), those started here, and any another tab starts, each
 * kept current by `import_update` messages. Live updates carry no rejections: they are read
 * with GET /imports/<id> when more files are rejected or the job ends, at most every
 * REJECTIONS_REFRESH_MS while it runs.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import {
  ApiError,
  cancelImport as cancelImportRequest,
  getImport,
  listImports,
  startImport as startImportRequest,
  type ImportJob,
  type NewImport,
} from '../services/api';
import {
  applyFetched,
  applyLiveUpdate,
  isActive,
  RECENT_IMPORTS,
  RejectionFetcher,
  rejectionsMissing,
  rejectionsWanted,
  upsertJob,
} from '../services/imports';
import type { LiveConnection } from '../services/websocket';

export interface ImportsApi {
  list: typeof listImports;
  get: typeof getImport;
  start: typeof startImportRequest;
  cancel: typeof cancelImportRequest;
}

const SERVER: ImportsApi = { list: listImports, get: getImport, start: startImportRequest, cancel: cancelImportRequest };

export interface Imports {
  /** The newest first. */
  jobs: ImportJob[];
  loading: boolean;
  /** Why the list could not be read. */
  error: string | null;
  /** Starts an import; rejects with the server's ApiError (a 400 names the bad path). */
  start: (body: NewImport) => Promise<ImportJob>;
  /** Asks the server to stop a job; rejects with the server's ApiError. */
  cancel: (id: number) => Promise<void>;
}

interface State {
  jobs: ImportJob[];
  loading: boolean;
  error: string | null;
}

type Action =
  | { type: 'listed'; jobs: ImportJob[] }
  | { type: 'listFailed'; error: string }
  | { type: 'live'; job: ImportJob }
  | { type: 'fetched'; job: ImportJob };

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'listed': {
      // Jobs already known (started here, or updated live while the list was on its way) keep
      // whichever copy is further along.
      let jobs = state.jobs;
      for (const job of action.jobs) jobs = upsertJob(jobs, applyFetched(jobs.find((held) => held.id === job.id), job));
      return { jobs, loading: false, error: null };
    }
    case 'listFailed':
      return { ...state, loading: false, error: action.error };
    case 'live':
      return { ...state, jobs: upsertJob(state.jobs, applyLiveUpdate(state.jobs.find((held) => held.id === action.job.id), action.job)) };
    case 'fetched':
      return { ...state, jobs: upsertJob(state.jobs, applyFetched(state.jobs.find((held) => held.id === action.job.id), action.job)) };
  }
}

export function useImports(connection: LiveConnection | null, api: ImportsApi = SERVER): Imports {
  const [state, dispatch] = useReducer(reducer, { jobs: [], loading: true, error: null });
  const latest = useRef(state.jobs);
  useEffect(() => {
    latest.current = state.jobs;
  }, [state.jobs]);

  const [fetcher] = useState(
    () =>
      new RejectionFetcher(
        (id) => api.get(id),
        (job) => dispatch({ type: 'fetched', job }),
        {
          setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
          clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
          now: () => Date.now(),
        },
      ),
  );
  useEffect(() => () => fetcher.stop(), [fetcher]);

  const [listVersion, setListVersion] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    api
      .list(RECENT_IMPORTS, controller.signal)
      .then((answer) => {
        dispatch({ type: 'listed', jobs: answer.items });
        // A list may leave the rejections out: read them for the jobs that have some.
        for (const job of answer.items) if (rejectionsMissing(job)) fetcher.request(job.id, !isActive(job.status));
      })
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        dispatch({ type: 'listFailed', error: reason instanceof ApiError ? reason.message : String(reason) });
      });
    return () => controller.abort();
  }, [api, fetcher, listVersion]);

  useEffect(() => {
    if (!connection) return;
    return connection.subscribe((message) => {
      if (message.type === 'import_update') {
        const job = message.data;
        const held = latest.current.find((known) => known.id === job.id);
        dispatch({ type: 'live', job });
        if (rejectionsWanted(held, job)) fetcher.request(job.id, !isActive(job.status));
      } else if (message.type === 'snapshot') {
        // Events were missed: what the imports did meanwhile is read again.
        setListVersion((version) => version + 1);
      }
    });
  }, [connection, fetcher]);

  const start = useCallback(
    async (body: NewImport) => {
      const job = await api.start(body);
      dispatch({ type: 'fetched', job });
      return job;
    },
    [api],
  );

  const cancel = useCallback(
    async (id: number) => {
      dispatch({ type: 'fetched', job: await api.cancel(id) });
    },
    [api],
  );

  return { jobs: state.jobs, loading: state.loading, error: state.error, start, cancel };
}
