/** The library's filter bar: type, status, a debounced search box and the ordering. */
import { useState } from 'react';
import { ASSET_STATUSES, ORDERINGS, SEARCH_DEBOUNCE_MS, type Ordering } from '../contract';
import { useDebouncedCallback } from '../hooks/useDebouncedCallback';
import type { HistoryMode } from '../hooks/useLibraryQuery';
import type { LibraryQuery } from '../services/libraryQuery';

const ORDERING_LABELS: Record<Ordering, string> = {
  '-created_at': 'Newest first',
  created_at: 'Oldest first',
  title: 'Title A–Z',
  '-title': 'Title Z–A',
  file_size: 'Smallest first',
  '-file_size': 'Largest first',
};

interface FiltersProps {
  query: LibraryQuery;
  onChange: (change: Partial<LibraryQuery>, mode?: HistoryMode) => void;
  debounceMs?: number;
}

export function Filters({ query, onChange, debounceMs = SEARCH_DEBOUNCE_MS }: FiltersProps) {
  const [search, setSearch] = useState(query.q);
  const [lastQ, setLastQ] = useState(query.q);
  // Back/forward or a reset changes q from outside: show it in the box.
  if (query.q !== lastQ) {
    setLastQ(query.q);
    setSearch(query.q);
  }
  // Typing replaces the history entry rather than pushing one per keystroke.
  const debounced = useDebouncedCallback((q: string) => onChange({ q, page: 1 }, 'replace'), debounceMs);

  return (
    <form className="filters" role="search" aria-label="Filter the library" onSubmit={(event) => {
      event.preventDefault();
      debounced.cancel();
      onChange({ q: search, page: 1 }, 'replace');
    }}>
      <div className="field">
        <label htmlFor="filter-type">Type</label>
        <select
          id="filter-type"
          value={query.type}
          onChange={(event) => onChange({ type: event.target.value as LibraryQuery['type'], page: 1 })}
        >
          <option value="">All</option>
          <option value="image">Images</option>
          <option value="video">Videos</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-status">Status</label>
        <select
          id="filter-status"
          value={query.status}
          onChange={(event) => onChange({ status: event.target.value as LibraryQuery['status'], page: 1 })}
        >
          <option value="">Any</option>
          {ASSET_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status[0]?.toUpperCase()}
              {status.slice(1)}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--grow">
        <label htmlFor="filter-q">Search</label>
        <input
          id="filter-q"
          type="search"
          placeholder="Title or path"
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
          onChange={(event) => onChange({ ordering: event.target.value as Ordering, page: 1 })}
        >
          {ORDERINGS.map((ordering) => (
            <option key={ordering} value={ordering}>
              {ORDERING_LABELS[ordering]}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
