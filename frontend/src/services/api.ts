/** The typed client of the REST API (CONTRACT.md section 2): every HTTP call the UI makes goes through here. */
import {
  API_PREFIX,
  type AssetStatus,
  type MediaType,
  type Ordering,
} from '../contract';

export interface MediaMetadata {
  width?: number;
  height?: number;
  duration?: number;
  codec?: string;
  fps?: number;
  bitrate?: number;
  thumbnail_url?: string;
  preview_url?: string;
  [key: string]: unknown;
}

export interface ProcessingState {
  stage: string | null;
  progress: number;
  error: string | null;
}

export interface Asset {
  id: number;
  title: string;
  file_path: string;
  mime_type: string;
  /** Sent by the server as a convenience; the UI derives the kind from mime_type either way. */
  media_type?: string;
  file_size: number;
  checksum?: string | null;
  created_at: string;
  updated_at: string;
  status: AssetStatus;
  processing: ProcessingState;
  media_metadata: MediaMetadata;
}

export interface ListMeta {
  page: number;
  page_size: number;
  total: number;
  pages: number;
}

export interface ListResponse {
  items: Asset[];
  meta: ListMeta;
}

export interface ListParams {
  page?: number;
  page_size?: number;
  type?: MediaType | '';
  status?: AssetStatus | '';
  q?: string;
  ordering?: Ordering | '';
}

/** A health endpoint answers 200 or 503, both with a JSON report; the UI needs both. */
export interface HealthReport {
  ok: boolean;
  httpStatus: number;
  body: Record<string, unknown>;
}

/** What went wrong, in the server's own words when it sent some. */
export class ApiError extends Error {
  readonly status: number;
  readonly context: Record<string, unknown>;
  readonly timestamp: string | undefined;

  constructor(message: string, status: number, context: Record<string, unknown> = {}, timestamp?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.context = context;
    this.timestamp = timestamp;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns an error response into an ApiError: the contract's `{error, timestamp, context}` body when
 * the server sent one, otherwise a sentence naming the HTTP status (a proxy's HTML page, an empty
 * body), never the raw markup.
 */
export function errorFromResponse(status: number, statusText: string, bodyText: string): ApiError {
  let parsed: unknown;
  try {
    parsed = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed) && typeof parsed.error === 'string' && parsed.error.trim() !== '') {
    const context = isRecord(parsed.context) ? parsed.context : {};
    const timestamp = typeof parsed.timestamp === 'string' ? parsed.timestamp : undefined;
    return new ApiError(parsed.error, status, context, timestamp);
  }
  const label = statusText ? `${status} ${statusText}` : String(status);
  return new ApiError(`The server answered ${label} without an explanation.`, status);
}

export function buildQuery(params: ListParams): string {
  const search = new URLSearchParams();
  const entries: [string, string | number | undefined][] = [
    ['page', params.page],
    ['page_size', params.page_size],
    ['type', params.type],
    ['status', params.status],
    ['q', params.q?.trim()],
    ['ordering', params.ordering],
  ];
  for (const [key, value] of entries) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const query = search.toString();
  return query ? `?${query}` : '';
}

/**
 * Django's CSRF token from its cookie, when there is one: a browser that is also logged in to the
 * admin sends a session cookie, and then Django requires the token on every unsafe request.
 */
export function csrfToken(cookies: string = typeof document === 'undefined' ? '' : document.cookie): string | null {
  for (const part of cookies.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'csrftoken') return decodeURIComponent(rest.join('='));
  }
  return null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const UNREACHABLE = 'Could not reach the MAM server. Check that it is running and try again.';

interface RequestOptions {
  method?: string;
  json?: unknown;
  signal?: AbortSignal;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = SAFE_METHODS.has(method) ? null : csrfToken();
  if (token) headers['X-CSRFToken'] = token;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  try {
    return await fetch(`${API_PREFIX}${path}`, {
      method,
      headers,
      body,
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(UNREACHABLE, 0);
  }
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  const text = await response.text();
  if (!response.ok) throw errorFromResponse(response.status, response.statusText, text);
  if (response.status === 204 || text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(`The server sent a response that is not JSON (HTTP ${response.status}).`, response.status);
  }
}

export function listAssets(params: ListParams, signal?: AbortSignal): Promise<ListResponse> {
  return request<ListResponse>(`/assets${buildQuery(params)}`, { signal });
}

export function getAsset(id: number, signal?: AbortSignal): Promise<Asset> {
  return request<Asset>(`/assets/${id}`, { signal });
}

/** Registers a file that already sits under the media folder; `filePath` is relative to it. */
export function registerPath(filePath: string, title?: string): Promise<Asset> {
  const json: { file_path: string; title?: string } = { file_path: filePath };
  if (title && title.trim() !== '') json.title = title.trim();
  return request<Asset>('/assets', { method: 'POST', json });
}

export function renameAsset(id: number, title: string): Promise<Asset> {
  return request<Asset>(`/assets/${id}`, { method: 'PATCH', json: { title } });
}

export async function deleteAsset(id: number): Promise<void> {
  await request<undefined>(`/assets/${id}`, { method: 'DELETE' });
}

export function reprocessAsset(id: number): Promise<Asset> {
  return request<Asset>(`/assets/${id}/reprocess`, { method: 'POST' });
}

export function assetContentUrl(id: number): string {
  return `${API_PREFIX}/assets/${id}/content`;
}

/** /health/processing: 503 (work queued, no worker alive) is a report like 200, not an exception. */
export async function healthProcessing(signal?: AbortSignal): Promise<HealthReport> {
  const response = await send('/health/processing', { signal });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok || response.status === 503) {
    return { ok: response.ok, httpStatus: response.status, body: isRecord(body) ? body : {} };
  }
  throw errorFromResponse(response.status, response.statusText, text);
}

export interface UploadProgress {
  loaded: number;
  total: number;
  /** 0..1, or null when the browser cannot tell the total. */
  fraction: number | null;
}

export interface UploadOptions {
  signal?: AbortSignal;
  /** For tests: how to make the request object. */
  createRequest?: () => XMLHttpRequest;
}

/**
 * Uploads one file as multipart (`file`, optional `title`). XMLHttpRequest rather than fetch
 * because only it reports upload progress.
 */
export function uploadFile(
  file: File,
  title?: string,
  onProgress?: (progress: UploadProgress) => void,
  options: UploadOptions = {},
): Promise<Asset> {
  const { signal } = options;
  const xhr = options.createRequest ? options.createRequest() : new XMLHttpRequest();
  return new Promise<Asset>((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, file.name);
    if (title && title.trim() !== '') form.append('title', title.trim());

    xhr.open('POST', `${API_PREFIX}/assets`);
    xhr.setRequestHeader('Accept', 'application/json');
    const token = csrfToken();
    if (token) xhr.setRequestHeader('X-CSRFToken', token);
    xhr.upload.onprogress = (event: ProgressEvent) => {
      onProgress?.({
        loaded: event.loaded,
        total: event.total,
        fraction: event.lengthComputable && event.total > 0 ? event.loaded / event.total : null,
      });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as Asset);
        } catch {
          reject(new ApiError(`The server sent a response that is not JSON (HTTP ${xhr.status}).`, xhr.status));
        }
      } else {
        reject(errorFromResponse(xhr.status, xhr.statusText, xhr.responseText));
      }
    };
    xhr.onerror = () => {
      reject(new ApiError(UNREACHABLE, 0));
    };
    xhr.onabort = () => {
      reject(new DOMException('Upload cancelled', 'AbortError'));
    };
    if (signal) {
      if (signal.aborted) {
        xhr.abort();
        return;
      }
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(form);
  });
}
