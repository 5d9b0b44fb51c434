import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUERY,
  applyChange,
  isFiltered,
  NO_FILTERS,
  parseLibraryQuery,
  rangeYear,
  sameTag,
  serializeLibraryQuery,
  withTag,
  yearRange,
} from './libraryQuery';

describe('library query in the URL', () => {
  it('round-trips every field', () => {
    const query = {
      view: 'library',
      type: 'video',
      status: 'failed',
      q: 'rome trip',
      tags: ['beach', 'Sunset & sea'],
      duplicates: true,
      collection: 4,
      cameras: ['Canon EOS R5', 'Apple iPhone 15 Pro'],
      takenAfter: '2024-01-01T00:00:00Z',
      takenBefore: '2024-12-31T23:59:59.999999Z',
      minWidth: 1920,
      minHeight: 0,
      minDuration: 2.5,
      maxDuration: 600,
      orientation: 'portrait',
      hasAudio: false,
      ordering: 'title',
      asset: 12,
    } as const;
    expect(parseLibraryQuery(serializeLibraryQuery(query))).toEqual(query);
  });

  it('keeps "duplicates only" in the URL as duplicates=true, and reads anything else as off', () => {
    expect(serializeLibraryQuery({ ...DEFAULT_QUERY, duplicates: true })).toBe('?duplicates=true');
    expect(parseLibraryQuery('?duplicates=true&type=image')).toEqual({ ...DEFAULT_QUERY, type: 'image', duplicates: true });
    expect(parseLibraryQuery('?duplicates=yes').duplicates).toBe(false);
    expect(parseLibraryQuery('?duplicates=false')).toEqual(DEFAULT_QUERY);
  });

  it('keeps the collection opened in the URL as collection=<id>, and reads a malformed id as none', () => {
    expect(serializeLibraryQuery({ ...DEFAULT_QUERY, collection: 7 })).toBe('?collection=7');
    expect(parseLibraryQuery('?collection=7&q=tram')).toEqual({ ...parseLibraryQuery('?q=tram'), collection: 7 });
    expect(serializeLibraryQuery(parseLibraryQuery('?collection=7&asset=3'))).toBe('?collection=7&asset=3');
    for (const bad of ['0', '-1', 'abc', '1.5', '']) expect(parseLibraryQuery(`?collection=${bad}`).collection).toBeNull();
  });

  it('names the collections page', () => {
    expect(serializeLibraryQuery({ ...DEFAULT_QUERY, view: 'collections' })).toBe('?view=collections');
    expect(parseLibraryQuery('?view=collections').view).toBe('collections');
  });

  it('orders by the date taken', () => {
    expect(parseLibraryQuery('?ordering=-captured_at').ordering).toBe('-captured_at');
    expect(serializeLibraryQuery({ ...DEFAULT_QUERY, ordering: 'captured_at' })).toBe('?ordering=captured_at');
  });

  it('keeps the media filters in the URL under the API’s names, and reads malformed values as none', () => {
    const query = { ...DEFAULT_QUERY, cameras: ['Canon EOS R5'], minWidth: 1920, maxDuration: 30.5, orientation: 'square', hasAudio: true } as const;
    expect(serializeLibraryQuery(query)).toBe('?camera=Canon+EOS+R5&min_width=1920&max_duration=30.5&orientation=square&has_audio=true');
    expect(
      parseLibraryQuery('?min_width=-1&min_height=1.5&min_duration=abc&max_duration=-2&orientation=round&has_audio=yes&camera=%20'),
    ).toEqual(DEFAULT_QUERY);
    expect(parseLibraryQuery('?min_width=99999999999').minWidth).toBeNull(); // past the server's ceiling
    expect(parseLibraryQuery('?min_duration=.5&max_duration=0').minDuration).toBe(0.5);
    expect(parseLibraryQuery('?max_duration=0').maxDuration).toBe(0);
    expect(parseLibraryQuery('?has_audio=false').hasAudio).toBe(false);
    // Each camera once whatever its case, blanks and overlong names dropped.
    expect(parseLibraryQuery(`?camera=Canon+EOS+R5&camera=canon+eos+r5&camera=${'x'.repeat(121)}&camera=+DJI+`).cameras).toEqual([
      'Canon EOS R5',
      'DJI',
    ]);
  });

  it('keeps the time taken as taken_after / taken_before, a year as its UTC bounds', () => {
    const in2024 = { ...DEFAULT_QUERY, ...yearRange(2024) };
    expect(serializeLibraryQuery(in2024)).toBe('?taken_after=2024-01-01T00%3A00%3A00Z&taken_before=2024-12-31T23%3A59%3A59.999999Z');
    expect(parseLibraryQuery(serializeLibraryQuery(in2024))).toEqual(in2024);
    expect(rangeYear(in2024)).toBe(2024);
    expect(rangeYear({ takenAfter: '2024-01-01T00:00:00Z', takenBefore: '' })).toBeNull();
    expect(parseLibraryQuery('?taken_after=yesterday&taken_before=2024-13-45T00:00:00Z')).toEqual(DEFAULT_QUERY);
    expect(parseLibraryQuery('?taken_after=2024-05-01T10:00:00%2B02:00').takenAfter).toBe('2024-05-01T10:00:00+02:00');
  });

  it('counts the media filters and the time taken as filters, and clears them with the rest', () => {
    expect(isFiltered({ ...DEFAULT_QUERY, orientation: 'portrait' })).toBe(true);
    expect(isFiltered({ ...DEFAULT_QUERY, hasAudio: false })).toBe(true);
    expect(isFiltered({ ...DEFAULT_QUERY, minDuration: 0 })).toBe(true);
    expect(isFiltered({ ...DEFAULT_QUERY, ...yearRange(2020) })).toBe(true);
    const filtered = { ...DEFAULT_QUERY, cameras: ['x'], minWidth: 5, ...yearRange(2020) };
    expect(isFiltered({ ...filtered, ...NO_FILTERS })).toBe(false);
  });

  it('writes nothing for the defaults', () => {
    expect(serializeLibraryQuery(DEFAULT_QUERY)).toBe('');
  });

  it('names the tokens and users pages, and reads an unknown view as the library', () => {
    expect(serializeLibraryQuery({ ...DEFAULT_QUERY, view: 'tokens' })).toBe('?view=tokens');
    expect(parseLibraryQuery('?view=users').view).toBe('users');
    expect(parseLibraryQuery('?view=admin').view).toBe('library');
  });

  it('falls back to defaults for malformed values', () => {
    expect(parseLibraryQuery('?page=-2&type=podcast&status=weird&ordering=id&asset=abc&view=x')).toEqual(DEFAULT_QUERY);
  });

  it('reads each media type the server has, audio among them', () => {
    expect(parseLibraryQuery('?type=audio')).toEqual({ ...DEFAULT_QUERY, type: 'audio' });
  });

  it('reads a page number from an old link as the start of the list, and writes none', () => {
    expect(parseLibraryQuery('?page=3&type=video')).toEqual({ ...DEFAULT_QUERY, type: 'video' });
    expect(serializeLibraryQuery(parseLibraryQuery('?page=3&type=video'))).toBe('?type=video');
  });

  it('orders a search by best match unless an ordering is chosen, and writes only a chosen one', () => {
    expect(parseLibraryQuery('?q=belem').ordering).toBe('relevance');
    expect(serializeLibraryQuery(parseLibraryQuery('?q=belem'))).toBe('?q=belem');
    expect(parseLibraryQuery('?q=belem&ordering=-created_at').ordering).toBe('-created_at');
    expect(serializeLibraryQuery(parseLibraryQuery('?q=belem&ordering=-created_at'))).toBe('?q=belem&ordering=-created_at');
    // Best match without a search is the default order.
    expect(parseLibraryQuery('?ordering=relevance')).toEqual(DEFAULT_QUERY);
  });

  it('lets an ordering left at its default follow the search, and keeps a chosen one', () => {
    const searching = applyChange(DEFAULT_QUERY, { q: 'lisbon' });
    expect(searching.ordering).toBe('relevance');
    expect(applyChange(searching, { q: '' }).ordering).toBe('-created_at');
    const byTitle = applyChange(DEFAULT_QUERY, { ordering: 'title' });
    expect(applyChange(byTitle, { q: 'lisbon' }).ordering).toBe('title');
    expect(applyChange(applyChange(searching, { ordering: 'relevance' }), { q: '  ' }).ordering).toBe('-created_at');
  });

  it('keeps tag filters as repeated tag= parameters, in the order chosen', () => {
    const query = { ...DEFAULT_QUERY, tags: ['sunset', 'beach'] };
    expect(serializeLibraryQuery(query)).toBe('?tag=sunset&tag=beach');
    expect(parseLibraryQuery('?tag=sunset&tag=beach').tags).toEqual(['sunset', 'beach']);
    expect(parseLibraryQuery('?tag=Caf%C3%A9+%26+bar').tags).toEqual(['Café & bar']);
  });

  it('reads each tag once whatever its case, and drops blank or overlong ones', () => {
    const long = 'x'.repeat(65);
    expect(parseLibraryQuery(`?tag=Beach&tag=beach&tag=%20&tag=${long}&tag=  two   words `).tags).toEqual([
      'Beach',
      'two words',
    ]);
    expect(parseLibraryQuery('?tag=').tags).toEqual([]);
  });

  it('adds a tag to the filter once, whatever its case', () => {
    expect(withTag(['beach'], 'Sunset')).toEqual(['beach', 'Sunset']);
    expect(withTag(['beach'], 'BEACH')).toEqual(['beach']);
    expect(sameTag('straße', 'STRASSE')).toBe(true);
    expect(sameTag('beach', 'beaches')).toBe(false);
  });
});
