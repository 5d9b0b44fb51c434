/**
 * The library page: the add-media panel (for those who may add), the library with its facet
 * counts, the collection opened (`?collection=<id>`), the selection and its bulk actions
 * (editors), and the detail view named by `?asset=<id>`.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { HistoryMode } from '../hooks/useLibraryQuery';
import { useAssetLibrary } from '../hooks/useAssetLibrary';
import { useCollection } from '../hooks/useCollection';
import { useFacets } from '../hooks/useFacets';
import { useTimeline } from '../hooks/useTimeline';
import { assetFilters, type AssetFilters, type BulkAction, type BulkResult } from '../services/api';
import { bulkResultText, type BulkSubject } from '../services/bulkActions';
import { isFiltered, NO_FILTERS, withTag, type LibraryQuery } from '../services/libraryQuery';
import { isEmpty, NO_SELECTION, selectionReducer } from '../services/selection';
import { isDateOrdering, jumpedMonth } from '../services/timeline';
import type { UploadQueue } from '../services/uploadQueue';
import type { LiveConnection } from '../services/websocket';
import { AddMediaPanel } from './AddMediaPanel';
import { AssetDetail } from './AssetDetail';
import { BulkBar } from './BulkBar';
import { LibraryView } from './LibraryView';

interface LibraryPageProps {
  query: LibraryQuery;
  updateQuery: (change: Partial<LibraryQuery>, mode?: HistoryMode) => void;
  connection: LiveConnection;
  /** Register, upload, rename, reprocess, delete: left out entirely for a viewer. */
  canEdit: boolean;
  /** The app's uploads: they outlive this page and the add-media panel, and land in the library as they finish. */
  uploads: UploadQueue;
}

export function LibraryPage({ query, updateQuery, connection, canEdit, uploads }: LibraryPageProps) {
  const library = useAssetLibrary(query, connection);
  const { addAsset } = library;
  useEffect(() => uploads.onUploaded(addAsset), [uploads, addAsset]);
  // null until the user chooses: an empty library opens the panel, and it then stays open so
  // uploads in flight stay visible after the first asset arrives.
  const [showAdd, setShowAdd] = useState<boolean | null>(null);
  const libraryIsEmpty = !library.loading && !library.error && library.meta?.total === 0 && !isFiltered(query);
  if (canEdit && showAdd === null && libraryIsEmpty) setShowAdd(true);

  const openAsset = useCallback((id: number) => updateQuery({ asset: id }), [updateQuery]);
  // Walking the list from the detail view replaces the URL: Back returns to the grid, not through every asset.
  const showAsset = useCallback((id: number) => updateQuery({ asset: id }, 'replace'), [updateQuery]);
  const closeAsset = useCallback(() => updateQuery({ asset: null }), [updateQuery]);
  // Closing the viewer puts focus on the card of the asset it showed last, not on the one it
  // was opened from (the dialog's own return): after walking with the arrow keys, Tab and
  // Enter go on from where the user is. This effect runs after the dialog's cleanup.
  const lastShown = useRef<number | null>(null);
  useEffect(() => {
    if (query.asset !== null) {
      lastShown.current = query.asset;
      return;
    }
    const shown = lastShown.current;
    lastShown.current = null;
    if (shown === null) return;
    const card = document.querySelector<HTMLElement>(`.card__button[data-asset-id="${shown}"]`);
    if (!card) return; // scrolled out of the rendered rows: the dialog's return stands
    card.focus({ preventScroll: true });
    card.scrollIntoView?.({ block: 'nearest' });
  }, [query.asset]);
  // A tag chip narrows the library to that tag too (the filters it had stay), and leaves the
  // detail view. Keyed by the tags' text: the cards keep this callback until the tags change.
  const tagText = query.tags.join('\n');
  const filterByTag = useCallback(
    (tag: string) => updateQuery({ tags: withTag(tagText ? tagText.split('\n') : [], tag), asset: null }),
    [updateQuery, tagText],
  );

  // Opening a collection shows all of it: the other filters go.
  const openCollection = useCallback(
    (id: number) => updateQuery({ ...NO_FILTERS, collection: id, asset: null }),
    [updateQuery],
  );

  // The list's filters as the API names them: the facets count them and "select all in this
  // filter" acts on them, written by the same function as the list's own query string.
  const { collection } = query;
  const filterKey = JSON.stringify(assetFilters(query));
  const filters = useMemo(() => JSON.parse(filterKey) as AssetFilters, [filterKey]);
  const [facetsVersion, setFacetsVersion] = useState(0);
  const facets = useFacets(filters, facetsVersion);
  // The scrubber's months: a jump to one is where the list starts, not a narrower library, so
  // they are counted without it (every month stays there to jump to).
  const timelineKey = JSON.stringify(
    jumpedMonth(query) === null ? assetFilters(query) : assetFilters({ ...query, takenAfter: '', takenBefore: '' }),
  );
  const timelineFilters = useMemo(() => JSON.parse(timelineKey) as AssetFilters, [timelineKey]);
  const timeline = useTimeline(timelineFilters, {
    enabled: isDateOrdering(query.ordering),
    connection,
    version: facetsVersion,
  });
  // Read again after a bulk action: its count and cover may have changed.
  const viewed = useCollection(collection, facetsVersion);
  const viewedRef = collection === null ? null : { id: collection, name: viewed.collection?.name ?? `collection ${collection}` };

  // The selection lives here, not in the cards: the grid unmounts the cards scrolled away.
  const [selection, select] = useReducer(selectionReducer, NO_SELECTION);
  const [notice, setNotice] = useState<string | null>(null);
  const itemIds = useRef<number[]>([]);
  const { items } = library;
  useEffect(() => {
    itemIds.current = items.map((item) => item.id);
    // Cards that left the list (deleted, retagged out of the filter) leave the selection too.
    select({ type: 'keepOnly', held: new Set(itemIds.current) });
  }, [items]);
  // Another filter is another set of assets: what was selected in the last one is not carried over.
  const [selectedIn, setSelectedIn] = useState(filterKey);
  if (selectedIn !== filterKey) {
    setSelectedIn(filterKey);
    select({ type: 'clear' });
    setNotice(null);
  }
  const onSelect = useCallback(
    (id: number, range: boolean) => select({ type: 'toggle', id, range, order: itemIds.current }),
    [],
  );
  const selecting = canEdit && !isEmpty(selection);
  const detailOpen = query.asset !== null;
  useEffect(() => {
    if (!selecting || detailOpen) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) select({ type: 'clear' });
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [selecting, detailOpen]);

  // The lightbox walks the list the grid shows (its filter and order), reading the next page
  // through the grid's own infinite scroll as it nears the end of what is loaded.
  const openIndex = query.asset === null ? -1 : items.findIndex((item) => item.id === query.asset);
  const previousAsset = openIndex > 0 ? items[openIndex - 1] : undefined;
  const nextAsset = openIndex >= 0 ? items[openIndex + 1] : undefined;
  const { hasMore, loadMore } = library;
  useEffect(() => {
    if (openIndex >= 0 && openIndex >= items.length - 3 && hasMore) loadMore();
  }, [openIndex, items.length, hasMore, loadMore]);
  const { meta } = library;
  const position =
    openIndex < 0
      ? null
      : `${(openIndex + 1).toLocaleString()} of ${meta?.total_estimated ? 'about ' : ''}${(meta?.total ?? items.length).toLocaleString()}`;

  const onBulkDone = useCallback((action: BulkAction, result: BulkResult, subject: BulkSubject) => {
    setNotice(bulkResultText(action, result, subject));
    setFacetsVersion((version) => version + 1);
    if (action === 'delete') select({ type: 'clear' });
  }, []);

  return (
    <>
      {canEdit && (
        <div className="toolbar">
          <button
            type="button"
            className="primary"
            aria-expanded={showAdd === true}
            aria-controls="add-media"
            onClick={() => setShowAdd((value) => !value)}
          >
            {showAdd ? 'Hide “Add media”' : 'Add media'}
          </button>
        </div>
      )}
      {canEdit && showAdd && (
        <div id="add-media">
          <AddMediaPanel onAdded={library.addAsset} onOpen={openAsset} uploads={uploads} connection={connection} />
        </div>
      )}
      <LibraryView
        query={query}
        library={library}
        onQueryChange={updateQuery}
        onOpen={openAsset}
        onFilterTag={filterByTag}
        canAdd={canEdit}
        facets={facets}
        selection={canEdit ? selection : undefined}
        onSelect={canEdit ? onSelect : undefined}
        notice={notice}
        collection={viewed.collection}
        collectionError={viewed.error}
        timeline={timeline}
        bulkBar={
          selecting && (
            <BulkBar
              selection={selection}
              filters={filters}
              total={library.meta?.total ?? 0}
              totalEstimated={library.meta?.total_estimated}
              canSelectAll={!library.loading}
              onSelectAll={() => select({ type: 'selectAll' })}
              onClear={() => select({ type: 'clear' })}
              collection={viewedRef}
              onDone={onBulkDone}
            />
          )
        }
      />
      {query.asset !== null && (
        <AssetDetail
          assetId={query.asset}
          listed={openIndex >= 0 ? items[openIndex] : null}
          onPrevious={previousAsset ? () => showAsset(previousAsset.id) : null}
          onNext={nextAsset ? () => showAsset(nextAsset.id) : null}
          position={position}
          connection={connection}
          canEdit={canEdit}
          onClose={closeAsset}
          onOpenAsset={openAsset}
          onFilterTag={filterByTag}
          onOpenCollection={openCollection}
          viewedCollection={viewed.collection}
          onCollectionChanged={viewed.replace}
          onChanged={library.updateAsset}
          onDeleted={(id) => {
            library.removeAsset(id);
            closeAsset();
          }}
        />
      )}
    </>
  );
}
