/**
 * Fetching many assets again in a few list requests instead of one GET each: what a tab does when
 * a large import finishes asset after asset (a 300-file import once cost a tab 1,146 single-asset
 * GETs). The list has no filter by id, so the assets are asked for by their creation time: one
 * `created_after`/`created_before` range per hundred, which an import fills with its own assets.
 */
import { MAX_PAGE_SIZE } from '../contract';
import { ApiError, getAsset, listAssets, type Asset, type ListParams, type ListResponse } from './api';

/** Live events are gathered this long before the list is read again or finished assets fetched. */
export const LIVE_BATCH_WINDOW_MS = 500;

export interface BatchApi {
  list: (params: ListParams, signal?: AbortSignal) => Promise<ListResponse>;
  get: (id: number, signal?: AbortSignal) => Promise<Asset>;
}

export interface Refetched {
  /** Fresh copies: the assets asked for, and others their ranges brought (fresh all the same). */
  fresh: Asset[];
  /** Asked for and no longer on the server. */
  gone: number[];
}

const browserApi: BatchApi = { list: listAssets, get: getAsset };

function byCreation(a: Asset, b: Asset): number {
  // The API writes every created_at in one UTC format, which sorts as text (to the microsecond).
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id - b.id;
}

/**
 * Fresh copies of the assets held here (their created_at is what finds them again), in about one
 * request per hundred when they were created close together, as an import's are. A range that
 * holds more than a page of other assets is split in two until each part fits; one asset alone is
 * one GET. Errors other than "gone" leave an asset as it is: the next event or listing settles it.
 */
export async function fetchAgain(held: readonly Asset[], api: BatchApi = browserApi, signal?: AbortSignal): Promise<Refetched> {
  const result: Refetched = { fresh: [], gone: [] };

  const fetchOne = async (asset: Asset): Promise<void> => {
    try {
      result.fresh.push(await api.get(asset.id, signal));
    } catch (reason) {
      if (reason instanceof ApiError && reason.status === 404) result.gone.push(asset.id);
    }
  };

  const fetchRange = async (group: Asset[]): Promise<void> => {
    const first = group[0];
    const last = group[group.length - 1];
    if (!first || !last) return;
    if (group.length === 1) return fetchOne(first);
    let response: ListResponse;
    try {
      response = await api.list(
        { created_after: first.created_at, created_before: last.created_at, ordering: 'created_at', page_size: MAX_PAGE_SIZE },
        signal,
      );
    } catch {
      return;
    }
    result.fresh.push(...response.items);
    const listed = new Set(response.items.map((asset) => asset.id));
    const missing = group.filter((asset) => !listed.has(asset.id));
    if (missing.length === 0) return;
    if (response.meta.next_cursor === null) {
      // The whole range was listed without them: deleted (most likely), so each is asked for to be sure.
      await Promise.all(missing.map(fetchOne));
      return;
    }
    const half = Math.ceil(missing.length / 2);
    await Promise.all([fetchRange(missing.slice(0, half)), fetchRange(missing.slice(half))]);
  };

  const sorted = [...held].sort(byCreation);
  const groups: Asset[][] = [];
  for (let start = 0; start < sorted.length; start += MAX_PAGE_SIZE) groups.push(sorted.slice(start, start + MAX_PAGE_SIZE));
  await Promise.all(groups.map(fetchRange));
  return result;
}
