/** The library's place, kept in the URL so reload, back/forward and shared links land in the same spot. */
import { useCallback, useEffect, useState } from 'react';
import { applyChange, parseLibraryQuery, serializeLibraryQuery, type LibraryQuery } from '../services/libraryQuery';

export type HistoryMode = 'push' | 'replace';

export function useLibraryQuery(): [LibraryQuery, (change: Partial<LibraryQuery>, mode?: HistoryMode) => void] {
  const [query, setQuery] = useState<LibraryQuery>(() => parseLibraryQuery(window.location.search));

  useEffect(() => {
    const onPopState = () => setQuery(parseLibraryQuery(window.location.search));
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  const update = useCallback((change: Partial<LibraryQuery>, mode: HistoryMode = 'push') => {
    const next = applyChange(parseLibraryQuery(window.location.search), change);
    const url = `${window.location.pathname}${serializeLibraryQuery(next)}${window.location.hash}`;
    if (mode === 'push') window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
    setQuery(next);
  }, []);

  return [query, update];
}
