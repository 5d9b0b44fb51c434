/**
 * The facet counts (`GET /assets/facets`) for the library's current filters: asked for once the
 * filters have been still for a moment, the request before aborted, and asked again when
 * `version` changes (after a bulk action). Counts are a help: a failure leaves none shown.
 */
import { useEffect, useState } from 'react';
import { FACETS_DEBOUNCE_MS } from '../contract';
import { getFacets, type AssetFilters, type Facets } from '../services/api';

export interface FacetsFor {
  facets: Facets;
  /** The filters they count (JSON): counts for other filters are not shown as these. */
  key: string;
}

export function useFacets(filters: AssetFilters, version = 0, delayMs = FACETS_DEBOUNCE_MS): Facets | null {
  const key = JSON.stringify(filters);
  const [held, setHeld] = useState<FacetsFor | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      getFacets(JSON.parse(key) as AssetFilters, controller.signal)
        .then((facets) => {
          if (!controller.signal.aborted) setHeld({ facets, key });
        })
        .catch(() => {
          if (!controller.signal.aborted) setHeld(null);
        });
    }, delayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, version, delayMs]);

  // Counts of other filters would mislead next to these options: none until the new ones come.
  return held !== null && held.key === key ? held.facets : null;
}
