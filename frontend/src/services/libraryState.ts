/**
 * The library page on screen as one value, and every way it changes: a reducer over the pure
 * update functions. Fetching stays outside; the state only says what to fetch again (`toFetch`).
 */
import { PAGE_SIZE } from '../contract';
import type { Asset, ListMeta, ListResponse } from './api';
import { applyProcessingUpdate, matchesFilter, needsRefetch, placeAsset } from './assetUpdates';
import type { LibraryQuery } from './libraryQuery';
import type { ProcessingUpdate } from './websocket';

/** The part of the library's place that decides which assets a page lists. */
export type PageQuery = Pick<LibraryQuery, 'page' | 'type' | 'status' | 'q' | 'ordering'>;

export interface LibraryState {
  /** The query the items were listed under: whether a new asset belongs here is judged against it. */
  listed: PageQuery;
  items: Asset[];
  meta: ListMeta | null;
  error: string | null;
  /** The request that last settled, success or failure; the page is loading while another is wanted. */
  settledKey: string | null;
  /** Bumped to list the same page again. */
  generation: number;
  /** Assets fetched because of an event and found not to belong here: no refetch per progress tick. */
  elsewhere: ReadonlySet<number>;
  /** Assets to fetch again: finished ones, or ones this page has not seen. */
  toFetch: readonly number[];
}

export type LibraryAction =
  | { type: 'listed'; key: string; query: PageQuery; response: ListResponse }
  | { type: 'listFailed'; key: string; error: string }
  | { type: 'reload' }
  /** A new asset (registered, uploaded) or a fresh copy fetched after an event. */
  | { type: 'added'; asset: Asset }
  /** A fresh copy of an asset (rename, reprocess): replaces the card if shown, never adds one. */
  | { type: 'replaced'; asset: Asset }
  | { type: 'removed'; id: number }
  | { type: 'processingUpdate'; update: ProcessingUpdate }
  | { type: 'snapshot'; assets: Asset[] }
  | { type: 'fetchesStarted'; ids: readonly number[] };

/** Names one list request: the page's query and the reload generation. */
export function requestKey(query: PageQuery, generation: number): string {
  return JSON.stringify([query.page, query.type, query.status, query.q, query.ordering, generation]);
}

export function initialLibraryState(query: PageQuery): LibraryState {
  const { page, type, status, q, ordering } = query;
  return {
    listed: { page, type, status, q, ordering },
    items: [],
    meta: null,
    error: null,
    settledKey: null,
    generation: 0,
    elsewhere: new Set(),
    toFetch: [],
  };
}

function replaceItem(items: Asset[], asset: Asset): Asset[] {
  return items.map((item) => (item.id === asset.id ? asset : item));
}

function addAsset(state: LibraryState, asset: Asset): LibraryState {
  if (state.items.some((item) => item.id === asset.id)) return { ...state, items: replaceItem(state.items, asset) };
  const { listed } = state;
  const items = matchesFilter(asset, listed)
    ? placeAsset(state.items, asset, listed.ordering, { pageSize: PAGE_SIZE, isFirstPage: listed.page === 1 })
    : null;
  if (!items) return { ...state, elsewhere: new Set(state.elsewhere).add(asset.id) };
  const meta = state.meta ? { ...state.meta, total: state.meta.total + 1 } : state.meta;
  return { ...state, items, meta };
}

function applyUpdate(state: LibraryState, update: ProcessingUpdate): LibraryState {
  const id = update.asset_id;
  const known = state.items.some((item) => item.id === id);
  if (!known && state.elsewhere.has(id)) return state;
  const items = known
    ? state.items.map((item) => (item.id === id ? applyProcessingUpdate(item, update) : item))
    : state.items;
  const toFetch = needsRefetch(update, known) && !state.toFetch.includes(id) ? [...state.toFetch, id] : state.toFetch;
  return { ...state, items, toFetch };
}

export function libraryReducer(state: LibraryState, action: LibraryAction): LibraryState {
  switch (action.type) {
    case 'listed':
      return {
        ...state,
        listed: action.query,
        items: action.response.items,
        meta: action.response.meta,
        error: null,
        settledKey: action.key,
        elsewhere: new Set(),
      };
    case 'listFailed':
      return { ...state, error: action.error, settledKey: action.key };
    case 'reload':
      return { ...state, generation: state.generation + 1 };
    case 'added':
      return addAsset(state, action.asset);
    case 'replaced':
      return { ...state, items: replaceItem(state.items, action.asset) };
    case 'removed': {
      if (!state.items.some((item) => item.id === action.id)) return state;
      const meta = state.meta ? { ...state.meta, total: Math.max(0, state.meta.total - 1) } : state.meta;
      return { ...state, items: state.items.filter((item) => item.id !== action.id), meta };
    }
    case 'processingUpdate':
      return applyUpdate(state, action.update);
    case 'snapshot': {
      // Patch what is shown at once, then list the page again: the snapshot is only the unfinished assets.
      const fresh = new Map(action.assets.map((asset) => [asset.id, asset]));
      return {
        ...state,
        items: state.items.map((item) => fresh.get(item.id) ?? item),
        generation: state.generation + 1,
      };
    }
    case 'fetchesStarted':
      return { ...state, toFetch: state.toFetch.filter((id) => !action.ids.includes(id)) };
  }
}
