/**
 * The library's filter bar: type and status (with how many assets each holds, from the facet
 * counts), a debounced search box, the ordering, "duplicates only", orientation, sound, the
 * smallest size and the length (MediaFilters), and the collection, tags, cameras and time taken
 * filtered by (each removable).
 */
import { useState } from 'react';
import { ASSET_STATUSES, ORDERINGS, SEARCH_DEBOUNCE_MS, type Ordering } from '../contract';
import { useDebouncedCallback } from '../hooks/useDebouncedCallback';
import type { HistoryMode } from '../hooks/useLibraryQuery';
import type { FacetCount, Facets } from '../services/api';
import type { LibraryQuery } from '../services/libraryQuery';
import { MediaFilterChips, MediaFilterFields } from './MediaFilters';
import { TagChips } from './TagChips';

const COUNT = new Intl.NumberFormat('en-US');

/**
 * An option's label with its count. The counts are of the current filter: once a type (or
 * status) is chosen the others count nothing in it, so only the one chosen says its count.
 */
function counted(label: string, value: string, chosen: string, counts: FacetCount[] | undefined): string {
  if (!counts || (chosen !== '' && value !== chosen)) return label;
  const count = counts.find((entry) => entry.value === value)?.count ?? 0;
  return `${label} (${COUNT.format(count)})`;
}

const ORDERING_LABELS: Record<Ordering, string> = {
  relevance: 'Best match',
  '-created_at': 'Newest first',
  created_at: 'Oldest first',
  '-captured_at': 'Taken, newest first',
  captured_at: 'Taken, oldest first',
  title: 'Title A–Z',
  '-title': 'Title Z–A',
  file_size: 'Smallest first',
  '-file_size': 'Largest first',
};

interface FiltersProps {
  query: LibraryQuery;
  onChange: (change: Partial<LibraryQuery>, mode?: HistoryMode) => void;
  debounceMs?: number;
  /** Counts for the current filters, once known. */
  facets?: Facets | null;
  /** The name of the collection filtered by, once known. */
  collectionName?: string | null;
}

export function Filters({
  query,
  onChange,
  debounceMs = SEARCH_DEBOUNCE_MS,
  facets = null,
  collectionName = null,
}: FiltersProps) {
  const [search, setSearch] = useState(query.q);
  const [lastQ, setLastQ] = useState(query.q);
  // Back/forward or a reset changes q from outside: show it in the box.
  if (query.q !== lastQ) {
    setLastQ(query.q);
    setSearch(query.q);
  }
  // Typing replaces the history entry rather than pushing one per keystroke.
  const debounced = useDebouncedCallback((q: string) => onChange({ q }, 'replace'), debounceMs);

  return (
    <form className="filters" role="search" aria-label="Filter the library" onSubmit={(event) => {
      event.preventDefault();
      debounced.cancel();
      onChange({ q: search }, 'replace');
    }}>
      <div className="field">
        <label htmlFor="filter-type">Type</label>
        <select
          id="filter-type"
          value={query.type}
          onChange={(event) => onChange({ type: event.target.value as LibraryQuery['type'] })}
        >
          <option value="">All</option>
          <option value="image">{counted('Images', 'image', query.type, facets?.media_type)}</option>
          <option value="video">{counted('Videos', 'video', query.type, facets?.media_type)}</option>
          <option value="audio">{counted('Audio', 'audio', query.type, facets?.media_type)}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-status">Status</label>
        <select
          id="filter-status"
          value={query.status}
          onChange={(event) => onChange({ status: event.target.value as LibraryQuery['status'] })}
        >
          <option value="">Any</option>
          {ASSET_STATUSES.map((status) => (
            <option key={status} value={status}>
              {counted(`${status[0]?.toUpperCase() ?? ''}${status.slice(1)}`, status, query.status, facets?.status)}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--grow">
        <label htmlFor="filter-q">Search</label>
        <input
          id="filter-q"
          type="search"
          placeholder="Title, file, tag, camera, codec…"
          value={search}
          onChange={(event) => {
            setSearch(event.target.value);
            debounced.call(event.target.value);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="filter-ordering">Sort by</label>
        <select
          id="filter-ordering"
          value={query.ordering}
          onChange={(event) => onChange({ ordering: event.target.value as Ordering })}
        >
          {ORDERINGS.filter((ordering) => ordering !== 'relevance' || query.q.trim()).map((ordering) => (
            <option key={ordering} value={ordering}>
              {ORDERING_LABELS[ordering]}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--check">
        <label>
          <input
            type="checkbox"
            checked={query.duplicates}
            onChange={(event) => onChange({ duplicates: event.target.checked })}
          />
          Duplicates only
        </label>
      </div>
      <MediaFilterFields query={query} onChange={onChange} debounceMs={debounceMs} />
      {query.collection !== null && (
        <div className="filters__tags">
          <span className="filters__tags-label" aria-hidden="true">
            In collection
          </span>
          <ul className="chips" aria-label="Collection filter">
            <li className="chip chip--collection">
              <span className="chip__name">{collectionName ?? `Collection ${query.collection}`}</span>
              <button
                type="button"
                className="chip__remove"
                aria-label={`Stop filtering by collection ${collectionName ?? query.collection}`}
                title="Show the whole library"
                onClick={() => onChange({ collection: null })}
              >
                ×
              </button>
            </li>
          </ul>
        </div>
      )}
      {query.tags.length > 0 && (
        <div className="filters__tags">
          <span className="filters__tags-label" aria-hidden="true">
            Tagged
          </span>
          <TagChips
            tags={query.tags}
            label="Tag filters"
            onRemove={(tag) => onChange({ tags: query.tags.filter((held) => held !== tag) })}
            removeLabel={(tag) => `Stop filtering by tag ${tag}`}
          />
        </div>
      )}
      <MediaFilterChips query={query} onChange={onChange} />
    </form>
  );
}
