/**
 * The library as the server lists it, read page by page by cursor as the user scrolls, and kept
 * current by live events: updates, renames, deletions and new assets patch the cards from the
 * events themselves; finished assets are fetched again and a list events left unsettled is read
 * again, both in batches (at most once per LIVE_BATCH_WINDOW_MS, never one request per asset); a
 * snapshot lists the first page again. The state is one reducer (services/libraryState.ts); this
 * hook only runs the requests it asks for.
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { LIBRARY_PAGE_SIZE } from '../contract';
import { ApiError, listAssets, type Asset, type ListMeta } from '../services/api';
import { fetchAgain, LIVE_BATCH_WINDOW_MS } from '../services/assetBatch';
import type { LibraryQuery } from '../services/libraryQuery';
import { initialLibraryState, libraryReducer, listQueryOf, requestKey, type LibraryState, type ListQuery } from '../services/libraryState';
import type { LiveConnection } from '../services/websocket';

export interface AssetLibrary {
  /** Every asset loaded so far, in the list's order: the first page and those read after it. */
  items: Asset[];
  meta: ListMeta | null;
  /** The first page is being read (at the start, after a filter change or a reload). */
  loading: boolean;
  error: string | null;
  reload: () => void;
  /** More assets follow the ones loaded. */
  hasMore: boolean;
  /** The next page is being read. */
  loadingMore: boolean;
  /** Why the next page could not be read; `retryMore` asks again. */
  moreError: string | null;
  /** Reads the next page if there is one and none is in flight or failed: safe to call on every scroll. */
  loadMore: () => void;
  retryMore: () => void;
  /** A newly registered or uploaded asset: shown at once if it belongs among those loaded. */
  addAsset: (asset: Asset) => void;
  /** A fresh copy of an asset (rename, reprocess): replaces the card if shown. */
  updateAsset: (asset: Asset) => void;
  removeAsset: (id: number) => void;
}

function messageOf(reason: unknown): string {
  return reason instanceof ApiError ? reason.message : String(reason);
}

export function useAssetLibrary(query: LibraryQuery, connection: LiveConnection | null): AssetLibrary {
  // The URL is read again on every change (opening an asset too): the list's query as text,
  // not its arrays, says whether the list changed.
  const listText = JSON.stringify(listQueryOf(query));
  const [state, dispatch] = useReducer(libraryReducer, query, initialLibraryState);
  const { generation, loadingMore: more } = state;

  useEffect(() => {
    const controller = new AbortController();
    const listing = JSON.parse(listText) as ListQuery;
    const key = requestKey(listing, generation);
    listAssets({ ...listing, page_size: LIBRARY_PAGE_SIZE }, controller.signal)
      .then((response) => dispatch({ type: 'listed', key, query: listing, response }))
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        dispatch({ type: 'listFailed', key, error: messageOf(reason) });
      });
    return () => controller.abort();
  }, [listText, generation]);

  // The next page: the reducer lets one cursor out at a time, and a list replaced meanwhile
  // (another filter, the first page read again) clears it, which aborts this request.
  useEffect(() => {
    if (!more) return;
    const controller = new AbortController();
    const { cursor } = more;
    listAssets({ ...more.query, cursor, page_size: LIBRARY_PAGE_SIZE }, controller.signal)
      .then((response) => {
        if (!controller.signal.aborted) dispatch({ type: 'moreListed', cursor, response });
      })
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        dispatch({ type: 'moreFailed', cursor, error: messageOf(reason) });
      });
    return () => controller.abort();
  }, [more]);

  // What events left to do, in batches: the first of a burst at once (a single reprocess shows
  // its thumbnail without delay), the rest gathered until the window since the last batch ends.
  const latest = useRef<LibraryState>(state);
  const batchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastBatchAt = useRef(Number.NEGATIVE_INFINITY);
  const { stale, toFetch } = state;
  const pending = stale || toFetch.length > 0;
  useEffect(() => {
    latest.current = state;
  }, [state]);
  useEffect(() => {
    if (!pending || batchTimer.current !== null) return;
    const wait = Math.max(0, lastBatchAt.current + LIVE_BATCH_WINDOW_MS - Date.now());
    batchTimer.current = setTimeout(() => {
      batchTimer.current = null;
      lastBatchAt.current = Date.now();
      const now = latest.current;
      if (now.stale) dispatch({ type: 'refresh' });
      if (now.toFetch.length === 0) return;
      dispatch({ type: 'fetchesStarted', ids: now.toFetch });
      const wanted = new Set(now.toFetch);
      void fetchAgain(now.items.filter((item) => wanted.has(item.id))).then(({ fresh, gone }) => {
        for (const asset of fresh) dispatch({ type: 'replaced', asset });
        for (const id of gone) dispatch({ type: 'removed', id });
      });
    }, wait);
    // generation and toFetch change with every batch taken: work marked while one was taken is
    // scheduled again even if `pending` never went false in between.
  }, [pending, generation, toFetch]);
  useEffect(
    () => () => {
      if (batchTimer.current !== null) clearTimeout(batchTimer.current);
      batchTimer.current = null;
    },
    [],
  );

  useEffect(() => {
    if (!connection) return;
    return connection.subscribe((message) => {
      switch (message.type) {
        case 'processing_update':
          dispatch({ type: 'processingUpdate', update: message.data });
          break;
        case 'asset_created':
          dispatch({ type: 'created', id: message.data.asset_id, asset: message.data.asset });
          break;
        case 'asset_update':
          dispatch({ type: 'changed', change: message.data });
          break;
        case 'asset_deleted':
          dispatch({ type: 'deleted', id: message.data.asset_id });
          break;
        case 'snapshot':
          dispatch({ type: 'snapshot', assets: message.data.assets });
          break;
      }
    });
  }, [connection]);

  const loading = state.settledKey !== requestKey(query, generation);
  // While another list's first page is on its way, the cursor held belongs to the old one.
  const loadMore = useCallback(() => {
    if (!loading) dispatch({ type: 'moreWanted' });
  }, [loading]);
  const retryMore = useCallback(() => dispatch({ type: 'moreRetried' }), []);
  const reload = useCallback(() => dispatch({ type: 'reload' }), []);
  const addAsset = useCallback((asset: Asset) => dispatch({ type: 'added', asset }), []);
  const updateAsset = useCallback((asset: Asset) => dispatch({ type: 'replaced', asset }), []);
  const removeAsset = useCallback((id: number) => dispatch({ type: 'removed', id }), []);

  const { items, meta, error, moreError } = state;
  return {
    items,
    meta,
    loading,
    error,
    reload,
    hasMore: state.nextCursor !== null,
    loadingMore: more !== null,
    moreError,
    loadMore,
    retryMore,
    addAsset,
    updateAsset,
    removeAsset,
  };
}
