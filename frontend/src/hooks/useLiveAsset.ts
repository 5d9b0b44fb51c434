/**
 * One asset kept current by live events, as the library keeps its page: loaded once, patched by
 * each processing_update and asset_update (a rename in another tab) for it, fetched again when it
 * finishes (ready or failed) or after a snapshot, and shown as deleted when another tab deletes it.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, getAsset, type Asset } from '../services/api';
import { applyAssetChange, applyProcessingUpdate, needsRefetch } from '../services/assetUpdates';
import type { LiveConnection } from '../services/websocket';

export const DELETED_ELSEWHERE = 'This asset has been deleted.';

export interface LiveAsset {
  /** null until the first load answers (or when it failed). */
  asset: Asset | null;
  /** Why the asset could not be loaded, in the server's words. */
  loadError: string | null;
  /** A fresh copy from an action here (rename, reprocess). */
  replaceAsset: (asset: Asset) => void;
}

interface Loaded {
  /** The asset these values belong to: nothing from an earlier id is ever shown for a new one. */
  id: number;
  asset: Asset | null;
  loadError: string | null;
}

export function useLiveAsset(id: number, connection: LiveConnection | null): LiveAsset {
  const [loaded, setLoaded] = useState<Loaded>({ id, asset: null, loadError: null });

  const load = useCallback(
    (signal?: AbortSignal) =>
      getAsset(id, signal)
        .then((fresh) => setLoaded({ id, asset: fresh, loadError: null }))
        .catch((reason: unknown) => {
          if (signal?.aborted) return;
          const loadError = reason instanceof ApiError ? reason.message : String(reason);
          setLoaded((current) => ({ id, asset: current.id === id ? current.asset : null, loadError }));
        }),
    [id],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  useEffect(() => {
    if (!connection) return;
    return connection.subscribe((message) => {
      if (message.type === 'processing_update' && message.data.asset_id === id) {
        const update = message.data;
        setLoaded((current) =>
          current.id === id && current.asset
            ? { ...current, asset: applyProcessingUpdate(current.asset, update) }
            : current,
        );
        if (needsRefetch(update, true)) void load();
      }
      if (message.type === 'asset_update' && message.data.asset_id === id) {
        const change = message.data;
        setLoaded((current) =>
          current.id === id && current.asset ? { ...current, asset: applyAssetChange(current.asset, change) } : current,
        );
      }
      if (message.type === 'asset_deleted' && message.data.asset_id === id) {
        setLoaded({ id, asset: null, loadError: DELETED_ELSEWHERE });
      }
      if (message.type === 'snapshot') void load();
    });
  }, [connection, id, load]);

  const replaceAsset = useCallback(
    (asset: Asset) => setLoaded((current) => (asset.id === current.id ? { ...current, asset } : current)),
    [],
  );

  const current = loaded.id === id ? loaded : null;
  return { asset: current?.asset ?? null, loadError: current?.loadError ?? null, replaceAsset };
}
