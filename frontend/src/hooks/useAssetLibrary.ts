/**
 * One page of the library as the server lists it, kept current by live events: updates patch the
 * cards, finished or unknown assets are fetched again, a snapshot triggers a full refetch.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { PAGE_SIZE } from '../contract';
import { ApiError, getAsset, listAssets, type Asset, type ListMeta } from '../services/api';
import { applyProcessingUpdate, matchesFilter, needsRefetch, placeAsset } from '../services/assetUpdates';
import type { LibraryQuery } from '../services/libraryQuery';
import type { LiveConnection, ProcessingUpdate } from '../services/websocket';

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
  const [items, setItems] = useState<Asset[]>([]);
  const [meta, setMeta] = useState<ListMeta | null>(null);
  const [loadedKey, setLoadedKey] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  const { page, type, status, q, ordering } = query;
  const view = useRef({ page, type, status, q, ordering });
  const itemsRef = useRef(items);
  useLayoutEffect(() => {
    view.current = { page, type, status, q, ordering };
    itemsRef.current = items;
  });
  // Assets fetched because of an event and found not to belong here: no refetch per progress tick.
  const elsewhere = useRef(new Set<number>());

  const requestKey = JSON.stringify([page, type, status, q, ordering, generation]);
  const loading = loadedKey !== requestKey;

  useEffect(() => {
    const controller = new AbortController();
    const key = JSON.stringify([page, type, status, q, ordering, generation]);
    listAssets({ page, page_size: PAGE_SIZE, type, status, q, ordering }, controller.signal)
      .then((response) => {
        elsewhere.current.clear();
        itemsRef.current = response.items;
        setItems(response.items);
        setMeta(response.meta);
        setError(null);
        setLoadedKey(key);
      })
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(reason instanceof ApiError ? reason.message : String(reason));
        setLoadedKey(key);
      });
    return () => controller.abort();
  }, [page, type, status, q, ordering, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  const commitItems = useCallback((next: Asset[]) => {
    itemsRef.current = next;
    setItems(next);
  }, []);

  const addAsset = useCallback(
    (asset: Asset) => {
      const current = view.current;
      const previous = itemsRef.current;
      if (previous.some((item) => item.id === asset.id)) {
        commitItems(previous.map((item) => (item.id === asset.id ? asset : item)));
        return;
      }
      const next = matchesFilter(asset, current)
        ? placeAsset(previous, asset, current.ordering, { pageSize: PAGE_SIZE, isFirstPage: current.page === 1 })
        : null;
      if (!next) {
        elsewhere.current.add(asset.id);
        return;
      }
      commitItems(next);
      setMeta((meta) => (meta ? { ...meta, total: meta.total + 1 } : meta));
    },
    [commitItems],
  );

  const updateAsset = useCallback(
    (asset: Asset) => commitItems(itemsRef.current.map((item) => (item.id === asset.id ? asset : item))),
    [commitItems],
  );

  const removeAsset = useCallback(
    (id: number) => {
      if (!itemsRef.current.some((item) => item.id === id)) return;
      commitItems(itemsRef.current.filter((item) => item.id !== id));
      setMeta((meta) => (meta ? { ...meta, total: Math.max(0, meta.total - 1) } : meta));
    },
    [commitItems],
  );

  const refetchOne = useCallback(
    (id: number) => {
      getAsset(id)
        .then((asset) => {
          if (itemsRef.current.some((item) => item.id === id)) updateAsset(asset);
          else addAsset(asset);
        })
        .catch(() => {
          // Deleted meanwhile, or the server is briefly away: the next list fetch settles it.
        });
    },
    [addAsset, updateAsset],
  );

  useEffect(() => {
    if (!connection) return;
    const onUpdate = (update: ProcessingUpdate) => {
      const known = itemsRef.current.some((item) => item.id === update.asset_id);
      if (known) {
        commitItems(
          itemsRef.current.map((item) => (item.id === update.asset_id ? applyProcessingUpdate(item, update) : item)),
        );
      }
      if (!known && elsewhere.current.has(update.asset_id)) return;
      if (needsRefetch(update, known)) refetchOne(update.asset_id);
    };
    return connection.subscribe((message) => {
      if (message.type === 'processing_update') onUpdate(message.data);
      if (message.type === 'snapshot') {
        const fresh = new Map(message.data.assets.map((asset) => [asset.id, asset]));
        commitItems(itemsRef.current.map((item) => fresh.get(item.id) ?? item));
        reload();
      }
    });
  }, [connection, commitItems, refetchOne, reload]);

  return { items, meta, loading, error, reload, addAsset, updateAsset, removeAsset };
}
