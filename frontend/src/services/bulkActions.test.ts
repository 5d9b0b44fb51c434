import { describe, expect, it } from 'vitest';
import { assetFilters, buildQuery, filterSearchParams } from './api';
import { bulkRequest, bulkResultText } from './bulkActions';
import { DEFAULT_QUERY, parseLibraryQuery } from './libraryQuery';
import { NO_SELECTION, selectionReducer } from './selection';

const chosen = [7, 3, 9].reduce(
  (selection, id) => selectionReducer(selection, { type: 'toggle', id, range: false, order: [] }),
  NO_SELECTION,
);

describe('bulk requests', () => {
  it('names the cards chosen by id, with the tags for tag and untag only', () => {
    expect(bulkRequest(chosen, {}, 'tag', { tags: ['beach'] })).toEqual({ ids: [7, 3, 9], action: 'tag', tags: ['beach'] });
    expect(bulkRequest(chosen, {}, 'untag', { tags: ['beach'] })).toEqual({ ids: [7, 3, 9], action: 'untag', tags: ['beach'] });
    expect(bulkRequest(chosen, {}, 'reprocess')).toEqual({ ids: [7, 3, 9], action: 'reprocess' });
    expect(bulkRequest(chosen, {}, 'delete', { tags: ['ignored'], collection: 4 })).toEqual({ ids: [7, 3, 9], action: 'delete' });
  });

  it('names the collection for add_to_collection and remove_from_collection, and no tags', () => {
    expect(bulkRequest(chosen, {}, 'add_to_collection', { collection: 4, tags: ['x'] })).toEqual({
      ids: [7, 3, 9],
      action: 'add_to_collection',
      collection: 4,
    });
    expect(bulkRequest(chosen, {}, 'remove_from_collection', { collection: 4 })).toEqual({
      ids: [7, 3, 9],
      action: 'remove_from_collection',
      collection: 4,
    });
  });

  it('sends the collection viewed as part of the filter when everything in it is selected', () => {
    const filters = assetFilters(parseLibraryQuery('?collection=4&tag=beach'));
    expect(bulkRequest({ kind: 'all' }, filters, 'remove_from_collection', { collection: 4 })).toEqual({
      filter: { tag: ['beach'], collection: '4' },
      action: 'remove_from_collection',
      collection: 4,
    });
    expect(bulkRequest({ kind: 'all' }, filters, 'add_to_collection', { collection: 9 })).toEqual({
      filter: { tag: ['beach'], collection: '4' },
      action: 'add_to_collection',
      collection: 9,
    });
  });

  it('sends the list’s own filters once everything in the filter is selected, and no ids', () => {
    const query = parseLibraryQuery('?type=image&status=ready&q=%20rome%20&tag=beach&tag=Sunset&duplicates=true&ordering=title');
    const filters = assetFilters(query);
    const body = bulkRequest({ kind: 'all' }, filters, 'tag', { tags: ['trip'] });
    expect(body).toEqual({
      filter: { type: 'image', status: 'ready', q: 'rome', tag: ['beach', 'Sunset'], duplicates: 'true' },
      action: 'tag',
      tags: ['trip'],
    });
    // Exactly what the list asks for, ordering and paging aside.
    const listed = new URLSearchParams(buildQuery({ ...query, page_size: 60 }));
    listed.delete('page_size');
    listed.delete('ordering');
    expect(filterSearchParams(filters).toString()).toBe(listed.toString());
  });

  it('sends an empty filter for an unfiltered library (the whole library), leaving out empty fields', () => {
    expect(assetFilters(DEFAULT_QUERY)).toEqual({});
    expect(bulkRequest({ kind: 'all' }, assetFilters(DEFAULT_QUERY), 'reprocess')).toEqual({ filter: {}, action: 'reprocess' });
  });
});

describe('bulk results', () => {
  it('say how many changed, and why the others did not', () => {
    expect(bulkResultText('tag', { matched: 12, changed: 12 })).toBe('12 tagged');
    expect(bulkResultText('tag', { matched: 12, changed: 10 })).toBe('10 tagged, 2 already had it');
    expect(bulkResultText('untag', { matched: 3, changed: 1 }, { tagCount: 2 })).toBe('1 untagged, 2 did not have them');
    expect(bulkResultText('reprocess', { matched: 1500, changed: 1500 })).toBe('1,500 queued for processing');
    expect(bulkResultText('delete', { matched: 3, changed: 2 })).toBe('2 deleted, 1 already gone');
    const lisbon = { collectionName: 'Lisbon' };
    expect(bulkResultText('add_to_collection', { matched: 3, changed: 3 }, lisbon)).toBe('3 added to “Lisbon”');
    expect(bulkResultText('add_to_collection', { matched: 3, changed: 2 }, lisbon)).toBe('2 added to “Lisbon”, 1 already in it');
    expect(bulkResultText('remove_from_collection', { matched: 5, changed: 3 }, lisbon)).toBe(
      '3 removed from “Lisbon”, 2 were not in it',
    );
  });
});
