/** The typed client of the REST API (CONTRACT.md section 2): every HTTP call the UI makes goes through here. */
import {
  API_PREFIX,
  ROLES,
  type AssetStatus,
  type MediaType,
  type Ordering,
  type Orientation,
  type Role,
  type TokenScope,
} from '../contract';

export interface MediaMetadata {
  width?: number;
  height?: number;
  duration?: number;
  codec?: string;
  fps?: number;
  bitrate?: number;
  /** A video's: whether it has a sound track. */
  has_audio?: boolean;
  /** The EXIF "Make Model". */
  camera?: string;
  /** The EXIF lens model, when the camera wrote one. */
  lens?: string;
  /** When it was taken, as the camera's wall-clock time (EXIF carries no zone) or the video's creation time. */
  captured_at?: string;
  thumbnail_url?: string;
  /** An image's large rendition (long edge 1600 px); absent when the original is no larger, or while it is made. */
  preview_url?: string;
  preview_width?: number;
  preview_height?: number;
  /** A few dozen characters the grid and the viewer paint as a blurred placeholder before any picture arrives. */
  blurhash?: string;
  /** A video's H.264/AAC copy, made when the original cannot be played in a browser. */
  proxy_url?: string;
  /** false when the original video's codec, pixel format or container is one a browser cannot play. */
  browser_playable?: boolean;
  /** A WebVTT thumbnail track: each cue's text is `<sprite url>#xywh=x,y,w,h`, the frame for that time. */
  scrub_vtt_url?: string;
  /** Each rendition that could not be made (preview, proxy, scrub, blurhash...) and why. */
  renditions_missing?: Record<string, string>;
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
  /** When it was taken (EXIF, the video's creation time, else the file's mtime); absent from an older server. */
  captured_at?: string;
  status: AssetStatus;
  processing: ProcessingState;
  media_metadata: MediaMetadata;
  /** Tag names, A-Z; a name keeps the spelling it was first written with. */
  tags: string[];
  /** The first asset with the same bytes (its id), or null; absent from an older server. */
  duplicate_of?: number | null;
  /** The collections it is in, by name; absent from an older server. */
  collections?: CollectionRef[];
  /** When the watcher found its file gone (null while it is there); absent from an older server. */
  missing_since?: string | null;
}

/** A collection as an asset names it. */
export interface CollectionRef {
  id: number;
  name: string;
}

export interface ListMeta {
  /** The page number asked for; null on a page fetched by cursor. */
  page: number | null;
  page_size: number;
  /** Matching assets; the database planner's estimate when `total_estimated` is true. */
  total: number;
  pages: number;
  /** true on a huge library: `total` is an estimate, shown as approximate. */
  total_estimated: boolean;
  /** Asks for the page after this one (`cursor=`, with the same filters and ordering); null at the end. */
  next_cursor: string | null;
}

export interface ListResponse {
  items: Asset[];
  meta: ListMeta;
}

/** What narrows the library: the list, its facets and a bulk action's `filter` all take these. */
export interface FilterParams {
  type?: MediaType | '';
  status?: AssetStatus | '';
  q?: string;
  /** Created at or after / at or before this moment (ISO 8601, as the API writes `created_at`). */
  created_after?: string;
  created_before?: string;
  /** Assets with every one of these tags (any case): sent as `tag=`, once per tag. */
  tags?: readonly string[];
  /** Only assets whose bytes another asset has too. */
  duplicates?: boolean;
  /** Only assets in this collection (its id). */
  collection?: number | null;
  /** From one of these cameras (any case): sent as `camera=`, once per camera. */
  cameras?: readonly string[];
  /** Taken at or after / at or before (ISO 8601). */
  takenAfter?: string;
  takenBefore?: string;
  /** At least this many pixels wide / high. */
  minWidth?: number | null;
  minHeight?: number | null;
  /** Lasting at least / at most this many seconds. */
  minDuration?: number | null;
  maxDuration?: number | null;
  orientation?: Orientation | '';
  /** Videos with sound (true) or without (false). */
  hasAudio?: boolean | null;
}

/**
 * The filters as the API names them, empty ones left out: the list's and the facets' query
 * string and a bulk action's `filter` object are all written from this, so "every asset in this
 * filter" is exactly what the list shows.
 */
export interface AssetFilters {
  type?: MediaType;
  status?: AssetStatus;
  q?: string;
  created_after?: string;
  created_before?: string;
  tag?: string[];
  duplicates?: 'true';
  collection?: string;
  camera?: string[];
  taken_after?: string;
  taken_before?: string;
  min_width?: string;
  min_height?: string;
  min_duration?: string;
  max_duration?: string;
  orientation?: Orientation;
  has_audio?: 'true' | 'false';
}

export function assetFilters(params: FilterParams): AssetFilters {
  const filters: AssetFilters = {};
  if (params.type) filters.type = params.type;
  if (params.status) filters.status = params.status;
  const q = params.q?.trim();
  if (q) filters.q = q;
  if (params.created_after) filters.created_after = params.created_after;
  if (params.created_before) filters.created_before = params.created_before;
  if (params.tags && params.tags.length > 0) filters.tag = [...params.tags];
  if (params.duplicates) filters.duplicates = 'true';
  if (typeof params.collection === 'number') filters.collection = String(params.collection);
  if (params.cameras && params.cameras.length > 0) filters.camera = [...params.cameras];
  if (params.takenAfter) filters.taken_after = params.takenAfter;
  if (params.takenBefore) filters.taken_before = params.takenBefore;
  const numbers = [
    ['min_width', params.minWidth],
    ['min_height', params.minHeight],
    ['min_duration', params.minDuration],
    ['max_duration', params.maxDuration],
  ] as const;
  for (const [name, value] of numbers) if (typeof value === 'number') filters[name] = String(value);
  if (params.orientation) filters.orientation = params.orientation;
  if (typeof params.hasAudio === 'boolean') filters.has_audio = params.hasAudio ? 'true' : 'false';
  return filters;
}

export interface ListParams extends FilterParams {
  /** Page-number paging (OFFSET on the server); never sent together with `cursor`. */
  page?: number;
  /** The `next_cursor` of the page before: keyset paging, as cheap at any depth. */
  cursor?: string;
  page_size?: number;
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
  /** From a 429's Retry-After: how long to wait before trying again. */
  retryAfterSeconds: number | null = null;

  constructor(message: string, status: number, context: Record<string, unknown> = {}, timestamp?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.context = context;
    this.timestamp = timestamp;
  }
}

/** Retry-After in whole seconds (the server sends seconds, never an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined): number | null {
  if (!value || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value.trim());
}

/**
 * A validation error's messages per field (`context.fields` of a 400: a list of messages per
 * field), each joined into one string. A field with a plain value is the server echoing what it
 * refused (`{"role": "viewer"}`), not a message, and is left out: the error's own message says it.
 */
export function fieldErrors(error: ApiError | null): Record<string, string> {
  const fields = error?.context.fields;
  if (!isRecord(fields)) return {};
  const messages: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (Array.isArray(value) && value.length > 0) messages[name] = value.map(String).join(' ');
  }
  return messages;
}

type SessionListener = (error: ApiError) => void;
const sessionListeners = new Set<SessionListener>();

/**
 * Called with the error whenever any request answers 401: the session ended (expired, signed out
 * in another tab, the user was deactivated). The app goes back to the login page.
 */
export function onSessionExpired(listener: SessionListener): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

/** Tells the app the session ended; for requests made outside this module (the resumable uploader). */
export function reportUnauthorized(error: ApiError): void {
  for (const listener of [...sessionListeners]) listener(error);
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

/** The filters as a query string's parameters (`tag` repeated). */
export function filterSearchParams(filters: AssetFilters, search = new URLSearchParams()): URLSearchParams {
  for (const [key, value] of Object.entries(filters) as [string, string | string[] | undefined][]) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(key, one);
  }
  return search;
}

export function buildQuery(params: ListParams): string {
  const search = new URLSearchParams();
  const entries: [string, string | number | undefined][] = [
    // A cursor names its own position: sending a page with it is a 400.
    ['page', params.cursor === undefined ? params.page : undefined],
    ['cursor', params.cursor],
    ['page_size', params.page_size],
  ];
  for (const [key, value] of entries) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  filterSearchParams(assetFilters(params), search);
  if (params.ordering) search.set('ordering', params.ordering);
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

export const UNREACHABLE = 'Could not reach the MAM server. Check that it is running and try again.';

interface RequestOptions {
  method?: string;
  json?: unknown;
  signal?: AbortSignal;
  /** A 401 is this call's own answer (wrong password, not signed in yet), not an ended session. */
  unauthorizedIsAnswer?: boolean;
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

/** The ApiError for a failed response, announcing a 401 unless the caller expects one. */
function failure(response: Response, text: string, options: RequestOptions): ApiError {
  const error = errorFromResponse(response.status, response.statusText, text);
  error.retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
  if (response.status === 401 && !options.unauthorizedIsAnswer) reportUnauthorized(error);
  return error;
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  const text = await response.text();
  if (!response.ok) throw failure(response, text, options);
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

/** Replaces the asset's tags with `tags` (the whole list): the answer is the asset with them, A-Z. */
export function setAssetTags(id: number, tags: readonly string[]): Promise<Asset> {
  return request<Asset>(`/assets/${id}`, { method: 'PATCH', json: { tags } });
}

/** A tag as suggested: its name and how many assets carry it. */
export interface TagSuggestion {
  name: string;
  asset_count: number;
}

/** Tags beginning with `q` (any case), the most used first. */
export async function suggestTags(q: string, pageSize: number, signal?: AbortSignal): Promise<TagSuggestion[]> {
  const search = new URLSearchParams({ q, page_size: String(pageSize) });
  const answer = await request<{ items: TagSuggestion[] }>(`/tags?${search.toString()}`, { signal });
  return answer.items;
}

export async function deleteAsset(id: number): Promise<void> {
  await request<undefined>(`/assets/${id}`, { method: 'DELETE' });
}

export function reprocessAsset(id: number): Promise<Asset> {
  return request<Asset>(`/assets/${id}/reprocess`, { method: 'POST' });
}

/** A count of the filtered assets per value of one facet. */
export interface FacetCount<T = string> {
  value: T;
  count: number;
}

/** `GET /assets/facets`: how the assets a filter finds fall per type, status, tag, camera and year. */
export interface Facets {
  total: number;
  media_type: FacetCount[];
  status: FacetCount[];
  /** The 20 most frequent, the most used first. */
  tag: FacetCount[];
  camera: FacetCount[];
  /** Of captured_at (the year taken, UTC), the newest first. */
  year: FacetCount<number>[];
}

export function getFacets(filters: AssetFilters, signal?: AbortSignal): Promise<Facets> {
  const query = filterSearchParams(filters).toString();
  return request<Facets>(`/assets/facets${query ? `?${query}` : ''}`, { signal });
}

/** A month of `GET /assets/timeline`: "2024-07" (UTC, of captured_at) and how many assets were taken in it. */
export interface TimelineMonth {
  month: string;
  count: number;
}

/** `GET /assets/timeline`: the months the filtered assets were taken in, newest first, empty months left out. */
export async function getTimeline(filters: AssetFilters, signal?: AbortSignal): Promise<TimelineMonth[]> {
  const query = filterSearchParams(filters).toString();
  const body = await request<{ months: TimelineMonth[] }>(`/assets/timeline${query ? `?${query}` : ''}`, { signal });
  return body.months;
}

export type BulkAction = 'tag' | 'untag' | 'add_to_collection' | 'remove_from_collection' | 'reprocess' | 'delete';

/** Which assets a bulk action is for: these ids, or every asset the list's filters find. */
export type BulkTarget = { ids: number[] } | { filter: AssetFilters };

/** `POST /assets/bulk`'s body: the target, the action, for tag and untag the tags, for the collection actions the collection's id. */
export type BulkRequest = BulkTarget & { action: BulkAction; tags?: string[]; collection?: number };

export interface BulkResult {
  /** Assets the ids or the filter named. */
  matched: number;
  /** Assets the action changed (those that had the tag already are matched, not changed). */
  changed: number;
}

export function bulkAction(body: BulkRequest): Promise<BulkResult> {
  return request<BulkResult>('/assets/bulk', { method: 'POST', json: body });
}

/** A collection (album): assets gathered by hand; its cover is the asset chosen, else the first added. */
export interface Collection {
  id: number;
  name: string;
  description: string;
  asset_count: number;
  cover: { asset_id: number; thumbnail_url: string | null; chosen: boolean } | null;
  created_at: string;
  updated_at: string;
}

export type CollectionOrdering = 'name' | '-updated_at';

export interface CollectionListParams {
  /** Part of the name, any case. */
  q?: string;
  ordering?: CollectionOrdering;
  page_size?: number;
  cursor?: string;
}

export interface CollectionList {
  items: Collection[];
  meta: ListMeta;
}

export function listCollections(params: CollectionListParams = {}, signal?: AbortSignal): Promise<CollectionList> {
  const search = new URLSearchParams();
  const q = params.q?.trim();
  if (q) search.set('q', q);
  if (params.ordering) search.set('ordering', params.ordering);
  if (params.page_size !== undefined) search.set('page_size', String(params.page_size));
  if (params.cursor) search.set('cursor', params.cursor);
  const query = search.toString();
  return request<CollectionList>(`/collections${query ? `?${query}` : ''}`, { signal });
}

export function getCollection(id: number, signal?: AbortSignal): Promise<Collection> {
  return request<Collection>(`/collections/${id}`, { signal });
}

export function createCollection(name: string, description = ''): Promise<Collection> {
  return request<Collection>('/collections', { method: 'POST', json: { name, description } });
}

/** Renames, describes, or chooses the cover (an asset of the collection; null: the first added). */
export type CollectionChange = Partial<{ name: string; description: string; cover: number | null }>;

export function updateCollection(id: number, change: CollectionChange): Promise<Collection> {
  return request<Collection>(`/collections/${id}`, { method: 'PATCH', json: change });
}

/** Deletes the collection; its assets stay in the library. */
export async function deleteCollection(id: number): Promise<void> {
  await request<undefined>(`/collections/${id}`, { method: 'DELETE' });
}

/** What adding to or taking out of a collection did: the assets changed, and the collection now. */
export interface MembershipResult {
  changed: number[];
  collection: Collection;
}

export function addToCollection(id: number, assetIds: readonly number[]): Promise<MembershipResult> {
  return request<MembershipResult>(`/collections/${id}/assets`, { method: 'POST', json: { asset_ids: [...assetIds] } });
}

export function removeFromCollection(id: number, assetIds: readonly number[]): Promise<MembershipResult> {
  return request<MembershipResult>(`/collections/${id}/assets`, { method: 'DELETE', json: { asset_ids: [...assetIds] } });
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
  throw failure(response, text, {});
}

/** What the server knows of a resumable upload (`GET /uploads/<id>`); asset_id is set once it completed. */
export interface UploadStatus {
  offset: number;
  length: number;
  asset_id: number | null;
}

/**
 * A resumable upload's state, by the upload URL the server gave (`Location` of its creation:
 * `/api/v1/uploads/<id>`, made absolute by tus-js-client). The bytes themselves go through
 * services/uploads.ts; this is the JSON view of the same resource.
 */
export function getUploadStatus(uploadUrl: string, signal?: AbortSignal): Promise<UploadStatus> {
  const { pathname } = new URL(uploadUrl, window.location.href);
  if (!pathname.startsWith(`${API_PREFIX}/`)) {
    return Promise.reject(new ApiError(`The server named an upload outside the API: ${pathname}`, 0));
  }
  return request<UploadStatus>(pathname.slice(API_PREFIX.length), { signal });
}

// Accounts (issue 9): the signed-in user, sign in and out, API tokens, and users for admins.

export interface CurrentUser {
  /** null when the server runs without accounts (MAM_AUTH=off). */
  id: number | null;
  username: string;
  role: Role;
  /** false: the server runs without accounts; everyone may do everything and there is no sign-in. */
  auth_enabled: boolean;
}

/** The user a server without accounts stands for: the one local operator. */
export const LOCAL_USER: CurrentUser = { id: null, username: 'local', role: 'admin', auth_enabled: false };

/** An unknown role from a newer server is read as the least one: the UI never offers more than it knows. */
function knownRole(value: unknown): Role {
  return ROLES.find((role) => role === value) ?? 'viewer';
}

function readCurrentUser(body: unknown): CurrentUser {
  const user = isRecord(body) ? body : {};
  return {
    id: typeof user.id === 'number' ? user.id : null,
    username: typeof user.username === 'string' ? user.username : '',
    role: knownRole(user.role),
    auth_enabled: user.auth_enabled !== false,
  };
}

/** 200 with the user; a 401 (not signed in) rejects with an ApiError without counting as an ended session. */
export async function getCurrentUser(signal?: AbortSignal): Promise<CurrentUser> {
  return readCurrentUser(await request<unknown>('/auth/me', { signal, unauthorizedIsAnswer: true }));
}

/** /auth/me where a 401 means the session ended (announced like any other 401). */
export async function checkSession(signal?: AbortSignal): Promise<CurrentUser> {
  return readCurrentUser(await request<unknown>('/auth/me', { signal }));
}

/** Starts a session; Django rotates the CSRF cookie here, which is why the token is read per request. */
export async function signIn(username: string, password: string): Promise<CurrentUser> {
  const body = await request<unknown>('/auth/login', {
    method: 'POST',
    json: { username, password },
    unauthorizedIsAnswer: true,
  });
  return readCurrentUser(body);
}

export async function signOut(): Promise<void> {
  await request<undefined>('/auth/logout', { method: 'POST', unauthorizedIsAnswer: true });
}

export interface ApiToken {
  id: number;
  name: string;
  scope: TokenScope;
  created_at: string;
  last_used_at: string | null;
  /** The token's first characters, enough to recognise it; the secret itself is never listed. */
  prefix: string;
}

/** A token just made: the only time the secret is sent. */
export interface CreatedToken extends ApiToken {
  token: string;
}

export function listTokens(signal?: AbortSignal): Promise<{ items: ApiToken[] }> {
  return request<{ items: ApiToken[] }>('/auth/tokens', { signal });
}

export function createToken(name: string, scope: TokenScope): Promise<CreatedToken> {
  return request<CreatedToken>('/auth/tokens', { method: 'POST', json: { name, scope } });
}

export async function revokeToken(id: number): Promise<void> {
  await request<undefined>(`/auth/tokens/${id}`, { method: 'DELETE' });
}

export interface UserAccount {
  id: number;
  username: string;
  role: Role;
  is_active: boolean;
  date_joined: string;
  last_login: string | null;
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
}

export type UserChange = Partial<{ role: Role; is_active: boolean; password: string }>;

export function listUsers(signal?: AbortSignal): Promise<{ items: UserAccount[] }> {
  return request<{ items: UserAccount[] }>('/auth/users', { signal });
}

export function createUser(user: NewUser): Promise<UserAccount> {
  return request<UserAccount>('/auth/users', { method: 'POST', json: user });
}

export function updateUser(id: number, change: UserChange): Promise<UserAccount> {
  return request<UserAccount>(`/auth/users/${id}`, { method: 'PATCH', json: change });
}

// Folder imports (issue 12): browse the media folder's folders, start an import, follow it.

/** One folder inside the folder listed; `path` is relative to the media folder. */
export interface FolderEntry {
  name: string;
  path: string;
}

/** `GET /folders?path=`: a folder of the media folder and the folders in it, by name. */
export interface FolderListing {
  /** Relative to the media folder; '' is the media folder itself. */
  path: string;
  /** The folder above; null for the media folder itself. */
  parent: string | null;
  folders: FolderEntry[];
  /** More folders than the server lists at once (1,000): the rest are not shown. */
  truncated: boolean;
}

export function listFolders(path: string, signal?: AbortSignal): Promise<FolderListing> {
  const query = path ? `?${new URLSearchParams({ path }).toString()}` : '';
  return request<FolderListing>(`/folders${query}`, { signal });
}

export const IMPORT_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** What an import did with the files it looked at: `seen` is the sum of the rest. */
export interface ImportCounts {
  seen: number;
  /** Registered as new assets. */
  added: number;
  /** Already in the library. */
  skipped: number;
  /** Not media (an unsupported extension). */
  ignored: number;
  /** Looked like media but could not be registered: `rejections` says why. */
  rejected: number;
  /** Matched one of the job's exclude patterns. */
  excluded: number;
}

export interface ImportRejection {
  path: string;
  reason: string;
}

/** A folder import as the API shows it; an `import_update` carries the same without `rejections`. */
export interface ImportJob {
  id: number;
  path: string;
  exclude: string[];
  process: boolean;
  status: ImportStatus;
  /** Files to look at; null until they are counted. */
  total: number | null;
  counts: ImportCounts;
  /** The first rejected files (the server keeps a bounded number); absent from a live update. */
  rejections?: ImportRejection[];
  error: string | null;
  /** Someone asked it to stop (from this tab or another): it stops at its next batch. */
  cancel_requested?: boolean;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface NewImport {
  /** Relative to the media folder; '' imports all of it. */
  path: string;
  exclude?: string[];
  /** false: registered only, processed on a later reprocess. */
  process?: boolean;
}

export interface ImportList {
  items: ImportJob[];
  meta: ListMeta;
}

export function startImport(body: NewImport): Promise<ImportJob> {
  return request<ImportJob>('/imports', { method: 'POST', json: body });
}

/** The newest imports first. */
export function listImports(pageSize: number, signal?: AbortSignal): Promise<ImportList> {
  return request<ImportList>(`/imports?${new URLSearchParams({ page_size: String(pageSize) }).toString()}`, { signal });
}

export function getImport(id: number, signal?: AbortSignal): Promise<ImportJob> {
  return request<ImportJob>(`/imports/${id}`, { signal });
}

/** Asks a queued or running import to stop; the answer is the job (its status follows live). */
export function cancelImport(id: number): Promise<ImportJob> {
  return request<ImportJob>(`/imports/${id}/cancel`, { method: 'POST' });
}
