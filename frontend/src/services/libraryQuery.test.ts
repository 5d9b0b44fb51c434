import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, parseLibraryQuery, serializeLibraryQuery } from './libraryQuery';

describe('library query in the URL', () => {
  it('round-trips every field', () => {
    const query = { page: 3, type: 'video', status: 'failed', q: 'rome trip', ordering: 'title', asset: 12 } as const;
    expect(parseLibraryQuery(serializeLibraryQuery(query))).toEqual(query);
  });

  it('writes nothing for the defaults', () => {
    expect(serializeLibraryQuery(DEFAULT_QUERY)).toBe('');
  });

  it('falls back to defaults for malformed values', () => {
    expect(parseLibraryQuery('?page=-2&type=audio&status=weird&ordering=id&asset=abc')).toEqual(DEFAULT_QUERY);
    expect(parseLibraryQuery('?page=1.5').page).toBe(1);
  });
});
