/**
 * Duplicates as the review page and the detail view ask for them (issue 12): groups of the same
 * bytes or of pictures that look alike (`GET /duplicates`), an asset's near-duplicates
 * (`GET /assets/<id>/similar`), and resolving a group by deleting all but the asset kept, in one
 * bulk request so a group of five is one audited change rather than four. The GETs are made here,
 * with the same error handling as services/api.ts, whose own request helper is private.
 */
import { API_PREFIX } from '../contract';
import {
  ApiError,
  UNREACHABLE,
  bulkAction,
  errorFromResponse,
  parseRetryAfter,
  reportUnauthorized,
  type Asset,
  type BulkResult,
} from './api';

/** "exact": the same bytes (sha256); "similar": pictures a few bits of their dHash apart. */
export type DuplicateKind = 'exact' | 'similar';

export interface DuplicateGroup {
  kind: DuplicateKind;
  /** Oldest first: the first is the original. */
  assets: Asset[];
}

export interface DuplicatePageMeta {
  page: number;
  page_size: number;
  /** Groups, not assets. */
  total: number;
  pages: number;
}

export interface DuplicatePage {
  items: DuplicateGroup[];
  meta: DuplicatePageMeta;
}

export interface SimilarItem {
  /** Bits of the 64-bit picture hash that differ: 0 looks the same. */
  distance: number;
  asset: Asset;
}

export interface SimilarAssets {
  asset_id: number;
  /** false until the asset is processed (or when its picture could not be hashed). */
  hashed: boolean;
  max_distance: number;
  /** Nearest first. */
  items: SimilarItem[];
}

/**
 * How strict "Look alike" is, as the page offers it: each level is a `max_distance` for the
 * groups (the server takes 0-8; wider is slower and groups pictures that merely share a layout).
 */
export const STRICTNESS_LEVELS = [
  { value: 1, label: 'Strict: nearly identical' },
  { value: 3, label: 'Normal: resized or recompressed' },
  { value: 6, label: 'Loose: lightly edited too' },
] as const;

/** The server's default for the groups, and this page's. */
export const DEFAULT_GROUP_DISTANCE = 3;

/**
 * Up to this many differing bits a near-duplicate is "almost the same" (a resize or a new JPEG
 * quality moves a dHash a bit or two); beyond it, up to the server's 10 by default, "similar".
 */
export const ALMOST_SAME_MAX_DISTANCE = 4;

/** The distance in words, for people who do not count hash bits. */
export function similarityWording(distance: number): string {
  return distance <= ALMOST_SAME_MAX_DISTANCE ? 'almost the same' : 'similar';
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${API_PREFIX}${path}`, {
      method: 'GET',
      headers: { Accept: 'application/json' },
      signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(UNREACHABLE, 0);
  }
  const text = await response.text();
  if (!response.ok) {
    const error = errorFromResponse(response.status, response.statusText, text);
    error.retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
    // A 401 means the session ended: the app goes back to the login page, as for any other call.
    if (response.status === 401) reportUnauthorized(error);
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(`The server sent a response that is not JSON (HTTP ${response.status}).`, response.status);
  }
}

export interface DuplicateQuery {
  kind: DuplicateKind;
  /** Only for similar: bits that may differ (0-8). */
  maxDistance?: number;
  page?: number;
}

/** The query string of `GET /duplicates`: max_distance only with similar, page only past the first. */
export function duplicatesQuery({ kind, maxDistance, page }: DuplicateQuery): string {
  const search = new URLSearchParams({ kind });
  if (kind === 'similar' && maxDistance !== undefined) search.set('max_distance', String(maxDistance));
  if (page !== undefined && page > 1) search.set('page', String(page));
  return `?${search.toString()}`;
}

export function listDuplicateGroups(query: DuplicateQuery, signal?: AbortSignal): Promise<DuplicatePage> {
  return getJson<DuplicatePage>(`/duplicates${duplicatesQuery(query)}`, signal);
}

export function getSimilarAssets(id: number, signal?: AbortSignal): Promise<SimilarAssets> {
  return getJson<SimilarAssets>(`/assets/${id}/similar`, signal);
}

/** The ids "Delete the others" removes: every asset of the group but the one kept. */
export function othersThan(group: DuplicateGroup, keepId: number): number[] {
  return group.assets.filter((asset) => asset.id !== keepId).map((asset) => asset.id);
}

/** Deletes every asset of the group but the one kept, in one bulk request. */
export function deleteOthers(group: DuplicateGroup, keepId: number): Promise<BulkResult> {
  return bulkAction({ ids: othersThan(group, keepId), action: 'delete' });
}
