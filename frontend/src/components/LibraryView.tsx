/**
 * The library: filters with their counts, the selection's bulk bar (editors), the virtualized
 * grid of every card loaded so far (with a heading per month when sorted by date taken) and the
 * timeline scrubber beside it, the row that says the next page is loading (or failed, with a
 * retry), and the empty state.
 */
import { useRef, useState, type ReactNode } from 'react';
import type { HistoryMode } from '../hooks/useLibraryQuery';
import type { AssetLibrary } from '../hooks/useAssetLibrary';
import type { Collection, Facets, TimelineMonth } from '../services/api';
import { formatAssetCount } from '../services/format';
import { cleanCameraFilter, isFiltered, NO_FILTERS, yearRange, type LibraryQuery } from '../services/libraryQuery';
import type { Selection } from '../services/selection';
import { isDateOrdering, jumpedMonth, jumpTo } from '../services/timeline';
import { EmptyState } from './EmptyState';
import { FacetSummary } from './FacetSummary';
import { Filters } from './Filters';
import { LibraryGrid } from './LibraryGrid';
import { TimelineScrubber } from './TimelineScrubber';

interface LibraryViewProps {
  query: LibraryQuery;
  library: AssetLibrary;
  onQueryChange: (change: Partial<LibraryQuery>, mode?: HistoryMode) => void;
  onOpen: (id: number) => void;
  /** A card's tag chip was clicked: filter the library by that tag. */
  onFilterTag?: (tag: string) => void;
  /** Whether the user may add media (the empty library explains how, or whom to ask). */
  canAdd?: boolean;
  /** Counts for the current filters (type, status, top tags, cameras, years), once known. */
  facets?: Facets | null;
  /** The cards selected for a bulk action, and the checkbox's handler: editors only. */
  selection?: Selection;
  onSelect?: (id: number, range: boolean) => void;
  /** The bar acting on the selection, shown while anything is selected. */
  bulkBar?: ReactNode;
  /** What the last bulk action did ("12 tagged"), announced politely. */
  notice?: string | null;
  /** The collection filtered by (`query.collection`), once read: its name and description show. */
  collection?: Collection | null;
  /** Why that collection could not be read. */
  collectionError?: string | null;
  /** The months taken for the scrubber (`GET /assets/timeline`), once read; undefined: no scrubber. */
  timeline?: TimelineMonth[] | null;
}

export function LibraryView({
  query,
  library,
  onQueryChange,
  onOpen,
  onFilterTag,
  canAdd = true,
  facets = null,
  selection,
  onSelect,
  bulkBar,
  notice = null,
  collection = null,
  collectionError = null,
  timeline,
}: LibraryViewProps) {
  const { items, meta, loading, error } = library;
  const filtered = isFiltered(query);
  const jumped = jumpedMonth(query);
  // The scrubber stays beside the grid as it scrolls: a jump from far down brings the grid's
  // top, where the chosen month now starts, back into view.
  const bodyRef = useRef<HTMLDivElement>(null);
  const [inView, setInView] = useState<string | null>(null);
  const jump = (month: string) => {
    onQueryChange({ ...jumpTo(month, query.ordering), asset: null });
    const body = bodyRef.current;
    if (body && body.getBoundingClientRect().top < 0) body.scrollIntoView?.({ block: 'start' });
  };
  return (
    <section className="library" aria-labelledby="library-heading">
      <div className="library__head">
        <h2 id="library-heading">Library</h2>
        {meta && <span className="muted">{formatAssetCount(meta.total, meta.total_estimated)}</span>}
      </div>
      {query.collection !== null && (collection || collectionError) && (
        <div className="library__collection">
          {collection ? (
            <>
              <h3>{collection.name}</h3>
              {collection.description && <p className="muted">{collection.description}</p>}
            </>
          ) : (
            <p className="notice notice--error" role="alert">
              {collectionError}
            </p>
          )}
        </div>
      )}
      <Filters query={query} onChange={onQueryChange} facets={facets} collectionName={collection?.name ?? null} />
      {facets && onFilterTag && (
        <FacetSummary
          facets={facets}
          filteredTags={query.tags}
          onFilterTag={onFilterTag}
          filteredCameras={query.cameras}
          onFilterCamera={(camera) => onQueryChange({ cameras: cleanCameraFilter([...query.cameras, camera]), asset: null })}
          onFilterYear={(year) => onQueryChange({ ...yearRange(year), asset: null })}
        />
      )}
      <p className="bulk-notice" aria-live="polite">
        {notice}
      </p>
      {bulkBar}
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
      {!loading && !error && items.length === 0 && (
        <EmptyState
          filtered={filtered}
          canAdd={canAdd}
          onClearFilters={() => onQueryChange(NO_FILTERS)}
        />
      )}
      <div className="library__body" ref={bodyRef}>
        {/* Before the grid in the page's order, so Tab reaches it before the endless cards; shown beside them. */}
        {timeline !== undefined && (items.length > 0 || jumped !== null) && (
          <TimelineScrubber
            months={timeline}
            ordering={query.ordering}
            current={jumped}
            inView={inView}
            onJump={jump}
            onSortByDate={() => onQueryChange({ ordering: '-captured_at' })}
          />
        )}
        <div className="library__main">
          {items.length > 0 && (
            <LibraryGrid
              items={items}
              onOpen={onOpen}
              onFilterTag={onFilterTag}
              onNearEnd={library.loadMore}
              selection={selection}
              onSelect={onSelect}
              groupByMonth={isDateOrdering(query.ordering)}
              onMonthInView={setInView}
            />
          )}
          <div aria-busy={library.loadingMore} aria-live="polite" className="library__more">
            {library.loadingMore && <p className="muted">Loading more assets…</p>}
            {library.moreError !== null && (
              <div className="notice notice--error" role="alert">
                <p>Could not load more assets: {library.moreError}</p>
                <button type="button" onClick={library.retryMore}>
                  Try again
                </button>
              </div>
            )}
          </div>
        </div>
      </div>
    </section>
  );
}
