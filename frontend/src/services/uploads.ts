/**
 * One file's resumable upload: tus 1.0 to /api/v1/uploads through tus-js-client, signed like every
 * other request (session cookie, the CSRF cookie's current value), resumed after a dropped
 * connection or a reload, and turned into the library asset the server registered.
 */
import { Upload, type DetailedError, type HttpRequest, type HttpResponse, type PreviousUpload } from 'tus-js-client';
import { UPLOAD_CHUNK_BYTES, UPLOAD_RETRY_DELAYS_MS, UPLOADS_ENDPOINT } from '../contract';
import {
  ApiError,
  UNREACHABLE,
  csrfToken,
  errorFromResponse,
  getAsset,
  getUploadStatus,
  reportUnauthorized,
  type Asset,
} from './api';

export interface UploadEvents {
  /** Bytes the server has, plus those of the chunk on the way, out of the file's size. */
  onProgress: (sent: number, total: number) => void;
  /** The server already had `offset` bytes of this file (a previous upload found, or a dropped connection picked up). */
  onResumed: (offset: number, total: number) => void;
  /** The browser is offline: the upload goes on by itself when the network is back. */
  onWaitingForNetwork: () => void;
  /** Every byte landed and the server registered the file as this asset (it processes live from here). */
  onComplete: (asset: Asset) => void;
  /** Refused (the server's own message), or the server could not be reached after every retry (status 0). */
  onError: (error: ApiError) => void;
}

export interface RunningUpload {
  /** Stops sending and asks the server to delete what it has of the file. */
  cancel: () => Promise<void>;
  /** Goes on from what the server has, after onError for an unreachable server. */
  resume: () => void;
  /** Stops sending but keeps the server's copy, so the same file picked again later resumes. */
  pause: () => void;
}

export interface UploadOptions {
  title?: string;
}

/** What the server says about the upload in the response to a request, when it answered at all. */
function responseOf(error: Error): HttpResponse | null {
  return (error as Partial<DetailedError>).originalResponse ?? null;
}

function isNetworkFailure(error: Error): boolean {
  return (error as Partial<DetailedError>).originalRequest != null && responseOf(error) === null;
}

function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/** The server's refusal in its own words (`{error, timestamp, context}`), announcing a 401 like every other call. */
function apiErrorOf(error: Error): ApiError {
  const response = responseOf(error);
  if (response === null) {
    return isNetworkFailure(error)
      ? new ApiError(UNREACHABLE, 0)
      : new ApiError(`The upload did not finish: ${error.message}`, 0);
  }
  const underlying: unknown = response.getUnderlyingObject();
  const statusText = underlying instanceof XMLHttpRequest ? underlying.statusText : '';
  const refusal = errorFromResponse(response.getStatus(), statusText, response.getBody());
  if (refusal.status === 401) reportUnauthorized(refusal);
  return refusal;
}

/** The most recent of the uploads tus-js-client remembers for this file. */
function newestOf(previous: PreviousUpload[]): PreviousUpload | null {
  let newest: PreviousUpload | null = null;
  for (const upload of previous) {
    if (newest === null || upload.creationTime > newest.creationTime) newest = upload;
  }
  return newest;
}

export function startUpload(file: File, events: UploadEvents, options: UploadOptions = {}): RunningUpload {
  let stopped = false;
  let waitingForNetwork = false;

  const metadata: Record<string, string> = { filename: file.name };
  const title = options.title?.trim();
  if (title) metadata.title = title;

  const upload = new Upload(file, {
    endpoint: UPLOADS_ENDPOINT,
    chunkSize: UPLOAD_CHUNK_BYTES,
    retryDelays: [...UPLOAD_RETRY_DELAYS_MS],
    removeFingerprintOnSuccess: true,
    metadata,
    // The CSRF token is set here only, not in `headers` as well: XMLHttpRequest joins a header set
    // twice into "a, b", which Django refuses. Read for every request, never a copy: Django
    // rotates the token at sign-in.
    onBeforeRequest(request: HttpRequest) {
      const current = csrfToken();
      if (current) request.setHeader('X-CSRFToken', current);
      const xhr: unknown = request.getUnderlyingObject();
      if (xhr instanceof XMLHttpRequest) xhr.withCredentials = true;
    },
    // A HEAD is only ever sent to pick up an upload the server already has: its offset is where it resumes.
    onAfterResponse(request: HttpRequest, response: HttpResponse) {
      if (request.getMethod() !== 'HEAD' || response.getStatus() !== 200) return;
      const offset = Number(response.getHeader('Upload-Offset'));
      const length = Number(response.getHeader('Upload-Length') ?? file.size);
      if (Number.isFinite(offset) && Number.isFinite(length)) events.onResumed(offset, length);
    },
    onProgress(sent: number, total: number) {
      events.onProgress(sent, total);
    },
    onSuccess() {
      void registered();
    },
    onError(error: Error) {
      if (stopped) return;
      // tus-js-client does not retry while the browser says it is offline; rather than fail,
      // wait for the network and go on from the server's offset.
      if (isNetworkFailure(error) && isOffline()) {
        waitingForNetwork = true;
        window.addEventListener('online', onOnline, { once: true });
        events.onWaitingForNetwork();
        return;
      }
      events.onError(apiErrorOf(error));
    },
  });

  function onOnline() {
    waitingForNetwork = false;
    if (!stopped) upload.start();
  }

  async function registered() {
    try {
      if (upload.url === null) throw new ApiError('The server did not say where the upload went.', 0);
      const status = await getUploadStatus(upload.url);
      if (status.asset_id === null) {
        throw new ApiError('The upload finished, but the server has not registered it as an asset.', 0);
      }
      const asset = await getAsset(status.asset_id);
      if (!stopped) events.onComplete(asset);
    } catch (error) {
      if (!stopped) {
        events.onError(error instanceof ApiError ? error : new ApiError('The upload finished, but its asset could not be read.', 0));
      }
    }
  }

  function stopWaiting() {
    stopped = true;
    if (waitingForNetwork) window.removeEventListener('online', onOnline);
    waitingForNetwork = false;
  }

  // A file picked again after a reload or a failure goes on from what the server has.
  upload
    .findPreviousUploads()
    .then((previous) => {
      const newest = newestOf(previous);
      if (newest) upload.resumeFromPreviousUpload(newest);
    })
    .catch(() => undefined)
    .finally(() => {
      if (!stopped) upload.start();
    });

  return {
    cancel() {
      stopWaiting();
      // abort(true) also sends DELETE (termination), so the server drops the partial file.
      return upload.abort(true).catch(() => undefined);
    },
    resume() {
      if (stopped) return;
      upload.start();
    },
    pause() {
      stopWaiting();
      void upload.abort(false);
    },
  };
}
