/**
 * The collection the library is filtered by (`collection=<id>`): its name for the filter bar, its
 * description and cover. Read when the id changes and again when `version` changes (after a
 * bulk action or a new cover); `replace` takes a fresh copy from an answer already at hand.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, getCollection, type Collection } from '../services/api';

export interface ViewedCollection {
  /** null while loading, when none is viewed, or when it could not be read. */
  collection: Collection | null;
  /** Why it could not be read (deleted meanwhile, the server unreachable). */
  error: string | null;
  replace: (collection: Collection) => void;
}

interface Held {
  id: number | null;
  collection: Collection | null;
  error: string | null;
}

export function useCollection(id: number | null, version = 0): ViewedCollection {
  const [held, setHeld] = useState<Held>({ id, collection: null, error: null });

  useEffect(() => {
    if (id === null) return;
    const controller = new AbortController();
    getCollection(id, controller.signal)
      .then((collection) => setHeld({ id, collection, error: null }))
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        const error = reason instanceof ApiError ? reason.message : String(reason);
        setHeld({ id, collection: null, error });
      });
    return () => controller.abort();
  }, [id, version]);

  const replace = useCallback(
    (collection: Collection) => setHeld((current) => (current.id === collection.id ? { ...current, collection } : current)),
    [],
  );

  const current = held.id === id && id !== null ? held : null;
  return { collection: current?.collection ?? null, error: current?.error ?? null, replace };
}
