/**
 * One page of the library as the server lists it, kept current by live events: updates patch the
 * cards, finished or unknown assets are fetched again, a snapshot triggers a full refetch. The
 * page is one reducer state (services/libraryState.ts); this hook only runs the requests.
 */
import { useCallback, useEffect, useReducer } from 'react';
import { PAGE_SIZE } from '../contract';
import { ApiError, getAsset, listAssets, type Asset, type ListMeta } from '../services/api';
import type { LibraryQuery } from '../services/libraryQuery';
import { initialLibraryState, libraryReducer, requestKey } from '../services/libraryState';
import type { LiveConnection } from '../services/websocket';

export interface AssetLibrary {
  items: Asset[];
  meta: ListMeta | null;
  loading: boolean;
  error: string | null;
  reload: () => void;
  /** A newly registered or uploaded asset: shown at once if it belongs on this page. */
  addAsset: (asset: Asset) => void;
  /** A fresh copy of an asset (rename, reprocess): replaces the card if shown. */
  updateAsset: (asset: Asset) => void;
  removeAsset: (id: number) => void;
}

export function useAssetLibrary(query: LibraryQuery, connection: LiveConnection | null): AssetLibrary {
  const { page, type, status, q, ordering } = query;
  const [state, dispatch] = useReducer(libraryReducer, query, initialLibraryState);
  const { generation, toFetch } = state;

  useEffect(() => {
    const controller = new AbortController();
    const listing = { page, type, status, q, ordering };
    const key = requestKey(listing, generation);
    listAssets({ ...listing, page_size: PAGE_SIZE }, controller.signal)
      .then((response) => dispatch({ type: 'listed', key, query: listing, response }))
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        dispatch({ type: 'listFailed', key, error: reason instanceof ApiError ? reason.message : String(reason) });
      });
    return () => controller.abort();
  }, [page, type, status, q, ordering, generation]);

  useEffect(() => {
    if (toFetch.length === 0) return;
    dispatch({ type: 'fetchesStarted', ids: toFetch });
    for (const id of toFetch) {
      getAsset(id)
        .then((asset) => dispatch({ type: 'added', asset }))
        .catch(() => {
          // Deleted meanwhile, or the server is briefly away: the next list fetch settles it.
        });
    }
  }, [toFetch]);

  useEffect(() => {
    if (!connection) return;
    return connection.subscribe((message) => {
      if (message.type === 'processing_update') dispatch({ type: 'processingUpdate', update: message.data });
      if (message.type === 'snapshot') dispatch({ type: 'snapshot', assets: message.data.assets });
    });
  }, [connection]);

  const reload = useCallback(() => dispatch({ type: 'reload' }), []);
  const addAsset = useCallback((asset: Asset) => dispatch({ type: 'added', asset }), []);
  const updateAsset = useCallback((asset: Asset) => dispatch({ type: 'replaced', asset }), []);
  const removeAsset = useCallback((id: number) => dispatch({ type: 'removed', id }), []);

  const loading = state.settledKey !== requestKey(query, generation);
  const { items, meta, error } = state;
  return { items, meta, loading, error, reload, addAsset, updateAsset, removeAsset };
}
