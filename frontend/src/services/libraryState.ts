/**
 * The library as loaded so far, as one value, and every way it changes: a reducer over the pure
 * update functions. The list is read from its start, then page after page by cursor as the user
 * scrolls, so the items held are always the first ones of the whole ordered list. Fetching stays
 * outside; the state only says what to fetch (`loadingMore`, `toFetch`, `stale`) and what was
 * asked for.
 *
 * Live events never cost a request each: an asset created, renamed or deleted elsewhere is applied
 * from the event itself; what an event cannot settle (an asset not held here, a count that cannot
 * be known here) marks the list `stale`, and the hook lists the first page again once per batch
 * window, however many events said so.
 */
import type { Asset, ListMeta, ListResponse } from './api';
import { applyAssetChange, applyProcessingUpdate, hasAllTags, inCollection, matchesFilter, needsRefetch, placeAsset } from './assetUpdates';
import { hasMediaFilter, type LibraryQuery } from './libraryQuery';
import type { AssetChange, ProcessingUpdate } from './websocket';

/** The parts of the library's place that decide which assets are listed, and in what order. */
export const LIST_KEYS = [
  'type',
  'status',
  'q',
  'tags',
  'duplicates',
  'collection',
  'cameras',
  'takenAfter',
  'takenBefore',
  'minWidth',
  'minHeight',
  'minDuration',
  'maxDuration',
  'orientation',
  'hasAudio',
  'ordering',
] as const satisfies readonly (keyof LibraryQuery)[];

export type ListQuery = Pick<LibraryQuery, (typeof LIST_KEYS)[number]>;

/** A next page being read: its cursor, and the list it continues (a cursor is only valid there). */
export interface MoreRequest {
  cursor: string;
  query: ListQuery;
}

export interface LibraryState {
  /** The query the items were listed under: whether a new asset belongs here is judged against it. */
  listed: ListQuery;
  items: Asset[];
  /** The newest meta the server sent: the total, and whether it is an estimate. */
  meta: ListMeta | null;
  /** The cursor of the page after the items held; null once they reach the end of the list. */
  nextCursor: string | null;
  /** Pages read since the first: past one, a fresh first page is merged in rather than replacing them all. */
  pagesRead: number;
  error: string | null;
  /** The first-page request that last settled, success or failure; loading while another is wanted. */
  settledKey: string | null;
  /** Bumped to list the first page again. */
  generation: number;
  /** The next page in flight: one at a time, so the same cursor is never asked for twice at once. */
  loadingMore: MoreRequest | null;
  /** Why reading the next page failed; no more is read until the user retries. */
  moreError: string | null;
  /** Assets fetched because of an event and found not to belong here: no refetch per progress tick. */
  elsewhere: ReadonlySet<number>;
  /** Held assets to fetch again (finished ones, for their metadata and thumbnail): taken in batches. */
  toFetch: readonly number[];
  /** The first page and the count should be listed again (merged into what is held): once per batch window. */
  stale: boolean;
  /** Assets events spoke of that are not held: the next listing settles whether they belong here. */
  unknown: ReadonlySet<number>;
  /** The unknown assets the first-page request in flight answers for; null when none is. */
  refreshing: ReadonlySet<number> | null;
  /** The next first page of the same list is merged into the items held, not put in their place. */
  mergeNext: boolean;
  /** Assets deleted: later events about them change nothing. */
  gone: ReadonlySet<number>;
}

export type LibraryAction =
  | { type: 'listed'; key: string; query: ListQuery; response: ListResponse }
  | { type: 'listFailed'; key: string; error: string }
  | { type: 'reload' }
  /** The user neared the end of what is loaded: read the next page, unless one is in flight or failed. */
  | { type: 'moreWanted' }
  | { type: 'moreListed'; cursor: string; response: ListResponse }
  | { type: 'moreFailed'; cursor: string; error: string }
  /** The user asks again after a failed next page. */
  | { type: 'moreRetried' }
  /** A new asset (registered, uploaded) or a fresh copy fetched after an event. */
  | { type: 'added'; asset: Asset }
  /** asset_created from the server: the asset as the API shows it, or null when the event had none usable. */
  | { type: 'created'; id: number; asset: Asset | null }
  /** asset_update from the server: some fields of an asset changed (a rename, its tags). */
  | { type: 'changed'; change: AssetChange }
  /** asset_deleted from the server. */
  | { type: 'deleted'; id: number }
  /** The batch window ended with the list stale: list the first page again and merge it in. */
  | { type: 'refresh' }
  /** A fresh copy of an asset (rename, reprocess, tags): replaces the card if shown (drops it when its tags no longer fit), never adds one. */
  | { type: 'replaced'; asset: Asset }
  | { type: 'removed'; id: number }
  | { type: 'processingUpdate'; update: ProcessingUpdate }
  | { type: 'snapshot'; assets: Asset[] }
  | { type: 'fetchesStarted'; ids: readonly number[] };

/** Names one first-page request: the list's query and the reload generation. */
export function requestKey(query: ListQuery, generation: number): string {
  return JSON.stringify([...LIST_KEYS.map((key) => query[key]), generation]);
}

/** The list's query alone (the place holds more: the view, the asset open). */
export function listQueryOf(query: ListQuery): ListQuery {
  return Object.fromEntries(LIST_KEYS.map((key) => [key, query[key]])) as unknown as ListQuery;
}

function sameList(a: ListQuery, b: ListQuery): boolean {
  return requestKey(a, 0) === requestKey(b, 0);
}

/** Filters on what processing finds (the camera, the size, when taken...): a new asset meets them only once processed. */
function decidedByProcessing(query: ListQuery): boolean {
  return hasMediaFilter(query) || query.takenAfter !== '' || query.takenBefore !== '';
}

export function initialLibraryState(query: ListQuery): LibraryState {
  return {
    listed: listQueryOf(query),
    items: [],
    meta: null,
    nextCursor: null,
    pagesRead: 0,
    error: null,
    settledKey: null,
    generation: 0,
    loadingMore: null,
    moreError: null,
    elsewhere: new Set(),
    toFetch: [],
    stale: false,
    unknown: new Set(),
    refreshing: null,
    mergeNext: false,
    gone: new Set(),
  };
}

function isUnfinished(asset: Asset): boolean {
  return asset.status === 'pending' || asset.status === 'processing';
}

function replaceItem(items: Asset[], asset: Asset): Asset[] {
  const index = items.findIndex((item) => item.id === asset.id);
  if (index === -1) return items;
  const next = items.slice();
  next[index] = asset;
  return next;
}

function withTotal(meta: ListMeta | null, change: number): ListMeta | null {
  return meta ? { ...meta, total: Math.max(0, meta.total + change) } : meta;
}

function without(set: ReadonlySet<number>, id: number): ReadonlySet<number> {
  if (!set.has(id)) return set;
  const next = new Set(set);
  next.delete(id);
  return next;
}

/** `listed`: the server listed it under this query, so it belongs here whatever the client's guess. */
function addAsset(state: LibraryState, asset: Asset, listed = false): LibraryState {
  if (state.items.some((item) => item.id === asset.id)) return { ...state, items: replaceItem(state.items, asset) };
  const items =
    listed || matchesFilter(asset, state.listed)
      ? placeAsset(state.items, asset, state.listed.ordering, { complete: state.nextCursor === null })
      : null;
  if (!items) return { ...state, elsewhere: new Set(state.elsewhere).add(asset.id) };
  return { ...state, items, meta: withTotal(state.meta, 1) };
}

/** An event about an asset not held: the next first-page listing (one per batch window) settles it. */
function markUnknown(state: LibraryState, id: number): LibraryState {
  if (state.stale && state.unknown.has(id)) return state;
  if (state.refreshing?.has(id)) return state; // the request in flight answers for it
  return { ...state, stale: true, unknown: new Set(state.unknown).add(id) };
}

/** Unknown assets a fresh first page did not bring are elsewhere: their events ask for nothing more. */
function settleUnknown(state: LibraryState, listed: Asset[]): ReadonlySet<number> {
  if (!state.refreshing || state.refreshing.size === 0) return state.elsewhere;
  const shown = new Set(listed.map((asset) => asset.id));
  const elsewhere = new Set(state.elsewhere);
  for (const id of state.refreshing) if (!shown.has(id)) elsewhere.add(id);
  return elsewhere;
}

/**
 * The first page again under the same query, while more is held (later pages, or assets placed by
 * events since): its assets are merged in (fresh copies replace held ones, new ones are placed),
 * and the cursor of the held pages stays, so the user keeps their place.
 */
function mergeFirstPage(state: LibraryState, key: string, response: ListResponse): LibraryState {
  const merged = response.items.reduce((current, asset) => addAsset(current, asset, true), state);
  return {
    ...merged,
    meta: { ...response.meta, next_cursor: state.nextCursor },
    error: null,
    settledKey: key,
    refreshing: null,
    mergeNext: false,
  };
}

/** asset_created: placed and counted from the event itself when this list's filters can say where. */
function addCreated(state: LibraryState, id: number, asset: Asset | null): LibraryState {
  const current = { ...state, gone: without(state.gone, id) };
  if (!asset) return markUnknown(current, id);
  if (state.items.some((item) => item.id === id)) return addAsset(current, asset);
  // A search is matched by the server's rules (accents, words, metadata), and whether another
  // asset has the same bytes is known there alone: only it can say.
  if (state.listed.q.trim() || state.listed.duplicates) return markUnknown(current, id);
  if (!matchesFilter(asset, state.listed)) return { ...current, elsewhere: new Set(state.elsewhere).add(id) };
  const items = placeAsset(state.items, asset, state.listed.ordering, { complete: state.nextCursor === null });
  // Past the last one loaded: not shown until its page is read, but counted now.
  if (!items) return { ...current, elsewhere: new Set(state.elsewhere).add(id), meta: withTotal(state.meta, 1) };
  return { ...current, items, meta: withTotal(state.meta, 1) };
}

function isTitleOrder(ordering: ListQuery['ordering']): boolean {
  return ordering === 'title' || ordering === '-title';
}

/** Whether a held asset still belongs to the list by what the client can tell: its tags and its collections. */
function stillListed(state: LibraryState, asset: Asset): boolean {
  return hasAllTags(asset.tags, state.listed.tags) && inCollection(asset, state.listed.collection);
}

/** A held asset that no longer belongs to the list (its tags or collections changed): it goes, and the count drops. */
function dropHeld(state: LibraryState, id: number): LibraryState {
  return {
    ...state,
    items: state.items.filter((item) => item.id !== id),
    meta: withTotal(state.meta, -1),
    elsewhere: new Set(state.elsewhere).add(id),
  };
}

/** asset_update: the held card takes the changed fields (and moves, when the list is in title order). */
function applyChange(state: LibraryState, change: AssetChange): LibraryState {
  const id = change.asset_id;
  const index = state.items.findIndex((item) => item.id === id);
  const current = state.items[index];
  if (!current) {
    if (state.gone.has(id)) return state;
    // A renamed or retagged asset may now match the search (or no longer); the server decides.
    if (state.listed.q.trim()) return markUnknown(state, id);
    // New tags that hold the filter's: it may belong here now (its type and status are not in the event).
    const tags = Array.isArray(change.tags) ? change.tags : null;
    const retagged = tags !== null && state.listed.tags.length > 0;
    if (retagged && hasAllTags(tags, state.listed.tags)) return markUnknown(state, id);
    // Added to the collection shown: the server says where it goes (and whether the rest of the filter holds).
    const collections = Array.isArray(change.collections) ? change.collections : undefined;
    const collected = collections !== undefined && state.listed.collection !== null;
    return collected && inCollection({ collections }, state.listed.collection) ? markUnknown(state, id) : state;
  }
  const changed = applyAssetChange(current, change);
  if (changed === current) return state;
  if (!stillListed(state, changed)) return dropHeld(state, id);
  if (isTitleOrder(state.listed.ordering) && changed.title !== current.title) {
    const others = state.items.filter((item) => item.id !== id);
    const items = placeAsset(others, changed, state.listed.ordering, { complete: state.nextCursor === null });
    if (!items) return { ...state, items: others, elsewhere: new Set(state.elsewhere).add(id) };
    return { ...state, items };
  }
  return { ...state, items: replaceItem(state.items, changed) };
}

/** A deletion: the card goes and the count drops; one not held here may have been counted, so the count is read again. */
function removeAsset(state: LibraryState, id: number, fromEvent: boolean): LibraryState {
  if (state.gone.has(id)) return state;
  if (!state.items.some((item) => item.id === id)) {
    if (!fromEvent) return state;
    return {
      ...state,
      gone: new Set(state.gone).add(id),
      elsewhere: without(state.elsewhere, id),
      unknown: without(state.unknown, id),
      stale: true,
    };
  }
  return {
    ...state,
    items: state.items.filter((item) => item.id !== id),
    meta: withTotal(state.meta, -1),
    gone: new Set(state.gone).add(id),
    toFetch: state.toFetch.includes(id) ? state.toFetch.filter((held) => held !== id) : state.toFetch,
  };
}

function applyUpdate(state: LibraryState, update: ProcessingUpdate): LibraryState {
  const id = update.asset_id;
  const index = state.items.findIndex((item) => item.id === id);
  const current = state.items[index];
  if (!current) {
    if (state.gone.has(id)) return state;
    if (state.elsewhere.has(id)) {
      // Left out for its status, it may have just taken the one listed; left out for what
      // processing finds (its camera, size, date taken), it may match now that it is done.
      const nowListed =
        (state.listed.status !== '' && update.status === state.listed.status) ||
        (update.status === 'ready' && decidedByProcessing(state.listed));
      return nowListed ? markUnknown({ ...state, elsewhere: without(state.elsewhere, id) }, id) : state;
    }
    // Never one fetch per asset (a large import is thousands of these): the first page, once per batch window.
    return markUnknown(state, id);
  }
  const items = state.items.slice();
  items[index] = applyProcessingUpdate(current, update);
  const toFetch = needsRefetch(update, true) && !state.toFetch.includes(id) ? [...state.toFetch, id] : state.toFetch;
  return { ...state, items, toFetch };
}

/** The unknown assets a first-page request is about to answer for, added to any in flight. */
function refreshingWith(state: LibraryState): ReadonlySet<number> | null {
  if (state.unknown.size === 0) return state.refreshing;
  return new Set([...(state.refreshing ?? []), ...state.unknown]);
}

export function libraryReducer(state: LibraryState, action: LibraryAction): LibraryState {
  switch (action.type) {
    case 'listed': {
      const same = state.meta !== null && sameList(state.listed, action.query);
      const elsewhere = same ? settleUnknown(state, action.response.items) : new Set<number>();
      if (same && (state.pagesRead > 1 || state.mergeNext)) {
        return mergeFirstPage({ ...state, elsewhere }, action.key, action.response);
      }
      return {
        ...state,
        listed: listQueryOf(action.query),
        items: action.response.items,
        meta: action.response.meta,
        nextCursor: action.response.meta.next_cursor ?? null,
        pagesRead: 1,
        error: null,
        settledKey: action.key,
        loadingMore: null,
        moreError: null,
        elsewhere,
        refreshing: null,
        mergeNext: false,
        unknown: same ? state.unknown : new Set(),
      };
    }
    case 'listFailed':
      return { ...state, error: action.error, settledKey: action.key };
    case 'reload':
      return { ...state, generation: state.generation + 1, mergeNext: false };
    case 'refresh':
      return {
        ...state,
        generation: state.generation + 1,
        stale: false,
        unknown: new Set(),
        refreshing: refreshingWith(state),
        mergeNext: state.meta !== null,
      };
    case 'moreWanted':
      if (state.loadingMore || state.moreError !== null || state.nextCursor === null || state.meta === null) return state;
      return { ...state, loadingMore: { cursor: state.nextCursor, query: state.listed } };
    case 'moreListed': {
      // An answer for a list since replaced (filters changed, the first page read again) is dropped.
      if (state.loadingMore?.cursor !== action.cursor) return state;
      const held = new Set(state.items.map((item) => item.id));
      // An asset placed here by a live event may come again in its page: the copy held is kept.
      const fresh = action.response.items.filter((item) => !held.has(item.id));
      const nextCursor = action.response.meta.next_cursor ?? null;
      return {
        ...state,
        items: fresh.length > 0 ? [...state.items, ...fresh] : state.items,
        meta: action.response.meta,
        nextCursor,
        pagesRead: state.pagesRead + 1,
        loadingMore: null,
        moreError: null,
      };
    }
    case 'moreFailed':
      if (state.loadingMore?.cursor !== action.cursor) return state;
      return { ...state, loadingMore: null, moreError: action.error };
    case 'moreRetried':
      return libraryReducer({ ...state, moreError: null }, { type: 'moreWanted' });
    case 'added':
      return addAsset(state, action.asset);
    case 'created':
      return addCreated(state, action.id, action.asset);
    case 'changed':
      return applyChange(state, action.change);
    case 'replaced':
      if (!stillListed(state, action.asset) && state.items.some((item) => item.id === action.asset.id)) {
        return dropHeld(state, action.asset.id);
      }
      return { ...state, items: replaceItem(state.items, action.asset) };
    case 'removed':
      return removeAsset(state, action.id, false);
    case 'deleted':
      return removeAsset(state, action.id, true);
    case 'processingUpdate':
      return applyUpdate(state, action.update);
    case 'snapshot': {
      // Patch what is shown at once, then list the first page again: the snapshot is only the
      // unfinished assets. Held ones it no longer lists finished (or went) while the events were
      // lost; past the first page nothing else would tell, so each is fetched again.
      const fresh = new Map(action.assets.map((asset) => [asset.id, asset]));
      const finished =
        state.pagesRead > 1
          ? state.items
              .filter((item) => isUnfinished(item) && !fresh.has(item.id) && !state.toFetch.includes(item.id))
              .map((item) => item.id)
          : [];
      return {
        ...state,
        items: state.items.map((item) => fresh.get(item.id) ?? item),
        generation: state.generation + 1,
        toFetch: finished.length > 0 ? [...state.toFetch, ...finished] : state.toFetch,
        // The listing it asks for settles what events left unknown, too.
        stale: false,
        unknown: new Set(),
        refreshing: refreshingWith(state),
      };
    }
    case 'fetchesStarted':
      return { ...state, toFetch: state.toFetch.filter((id) => !action.ids.includes(id)) };
  }
}
