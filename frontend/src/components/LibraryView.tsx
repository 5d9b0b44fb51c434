/** The library: filters, the grid of cards for one page, pagination, and the empty state. */
import type { HistoryMode } from '../hooks/useLibraryQuery';
import type { AssetLibrary } from '../hooks/useAssetLibrary';
import { DEFAULT_QUERY, type LibraryQuery } from '../services/libraryQuery';
import { AssetCard } from './AssetCard';
import { EmptyState } from './EmptyState';
import { Filters } from './Filters';
import { Pagination } from './Pagination';

interface LibraryViewProps {
  query: LibraryQuery;
  library: AssetLibrary;
  onQueryChange: (change: Partial<LibraryQuery>, mode?: HistoryMode) => void;
  onOpen: (id: number) => void;
}

export function LibraryView({ query, library, onQueryChange, onOpen }: LibraryViewProps) {
  const { items, meta, loading, error } = library;
  const filtered = Boolean(query.type || query.status || query.q);
  return (
    <section className="library" aria-labelledby="library-heading">
      <div className="library__head">
        <h2 id="library-heading">Library</h2>
        {meta && <span className="muted">{meta.total} {meta.total === 1 ? "asset" : "assets"}</span>}
      </div>
      <Filters query={query} onChange={onQueryChange} />
      {error && (
        <div className="notice notice--error" role="alert">
          <p>{error}</p>
          <button type="button" onClick={library.reload}>
            Try again
          </button>
        </div>
      )}
      <div aria-busy={loading} aria-live="polite" className="library__status">
        {loading && items.length === 0 && !error && <p className="muted">Loading the library…</p>}
      </div>
      {!loading && !error && items.length === 0 && query.page > 1 && meta && meta.total > 0 ? (
        <div className="empty">
          <p>There is no page {query.page}.</p>
          <button type="button" onClick={() => onQueryChange({ page: Math.max(1, meta.pages) })}>
            Go to the last page
          </button>
        </div>
      ) : (
        !loading &&
        !error &&
        items.length === 0 && (
          <EmptyState
            filtered={filtered}
            onClearFilters={() =>
              onQueryChange({ type: DEFAULT_QUERY.type, status: DEFAULT_QUERY.status, q: '', page: 1 })
            }
          />
        )
      )}
      {items.length > 0 && (
        <ul className="grid" aria-label="Assets">
          {items.map((asset) => (
            <AssetCard key={asset.id} asset={asset} onOpen={onOpen} />
          ))}
        </ul>
      )}
      {meta && (
        <Pagination
          page={query.page}
          pages={meta.pages}
          total={meta.total}
          onPage={(page) => {
            onQueryChange({ page });
            document.getElementById('library-heading')?.scrollIntoView?.({ block: 'start' });
          }}
        />
      )}
    </section>
  );
}
