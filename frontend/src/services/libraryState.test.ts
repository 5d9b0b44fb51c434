import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fakes';
import type { Asset } from './api';
import {
  initialLibraryState,
  libraryReducer,
  requestKey,
  type LibraryAction,
  type LibraryState,
  type PageQuery,
} from './libraryState';

const firstPage: PageQuery = { page: 1, type: '', status: '', q: '', ordering: '-created_at' };

function listed(items: Asset[], query: PageQuery = firstPage, total = items.length): LibraryState {
  return libraryReducer(initialLibraryState(query), {
    type: 'listed',
    key: requestKey(query, 0),
    query,
    response: { items, meta: { page: query.page, page_size: 20, total, pages: Math.max(1, Math.ceil(total / 20)) } },
  });
}

function run(state: LibraryState, ...actions: LibraryAction[]): LibraryState {
  return actions.reduce(libraryReducer, state);
}

const ids = (state: LibraryState) => state.items.map((item) => item.id);

const older = makeAsset({ id: 1, title: 'Old', created_at: '2026-01-01T00:00:00Z' });
const clip = makeAsset({
  id: 2,
  title: 'Clip',
  mime_type: 'video/mp4',
  status: 'processing',
  created_at: '2026-01-02T00:00:00Z',
  processing: { stage: 'metadata', progress: 10, error: null },
  media_metadata: {},
});

describe('libraryReducer: listing', () => {
  it('shows the listed page and settles the request it answers', () => {
    const state = listed([clip, older], firstPage, 2);
    expect(ids(state)).toEqual([2, 1]);
    expect(state.meta?.total).toBe(2);
    expect(state.settledKey).toBe(requestKey(firstPage, 0));
    expect(state.error).toBeNull();
  });

  it('keeps the cards on screen when a list request fails', () => {
    const state = run(
      listed([older]),
      { type: 'reload' },
      { type: 'listFailed', key: requestKey(firstPage, 1), error: 'Could not reach' },
    );
    expect(state.error).toBe('Could not reach');
    expect(ids(state)).toEqual([1]);
    expect(state.settledKey).toBe(requestKey(firstPage, 1));
  });

  it('asks for the page again on reload', () => {
    const state = run(listed([older]), { type: 'reload' });
    expect(requestKey(firstPage, state.generation)).not.toBe(state.settledKey);
  });
});

describe('libraryReducer: live updates', () => {
  it('moves the progress, stage and status of a card on the page, without a fetch', () => {
    const state = run(listed([clip, older]), {
      type: 'processingUpdate',
      update: { asset_id: 2, progress: 40, stage: 'thumbnail', status: 'processing' },
    });
    expect(state.items[0]?.processing).toEqual({ stage: 'thumbnail', progress: 40, error: null });
    expect(state.items[1]).toBe(older);
    expect(state.toFetch).toEqual([]);
  });

  it('marks a card ready at once and fetches it again for its thumbnail and metadata', () => {
    const state = run(listed([clip]), { type: 'processingUpdate', update: { asset_id: 2, progress: 100, status: 'ready' } });
    expect(state.items[0]?.status).toBe('ready');
    expect(state.toFetch).toEqual([2]);
  });

  it('shows a failure reason at once and fetches the failed asset again', () => {
    const state = run(listed([clip]), {
      type: 'processingUpdate',
      update: { asset_id: 2, status: 'failed', error: 'ffprobe timed out' },
    });
    expect(state.items[0]?.processing.error).toBe('ffprobe timed out');
    expect(state.toFetch).toEqual([2]);
  });

  it('fetches an asset it has not seen once, however many updates arrive before the fetch starts', () => {
    const update = (progress: number): LibraryAction => ({
      type: 'processingUpdate',
      update: { asset_id: 9, progress, status: 'processing' },
    });
    const state = run(listed([older]), update(10), update(20));
    expect(ids(state)).toEqual([1]);
    expect(state.toFetch).toEqual([9]);
    expect(run(state, { type: 'fetchesStarted', ids: [9] }).toFetch).toEqual([]);
  });

  it('shows a fetched new asset where it belongs and counts it', () => {
    const fresh = makeAsset({ id: 9, title: 'Imported', created_at: '2026-03-01T00:00:00Z' });
    const state = run(listed([clip, older], firstPage, 2), { type: 'added', asset: fresh });
    expect(ids(state)).toEqual([9, 2, 1]);
    expect(state.meta?.total).toBe(3);
  });

  it('leaves out an asset that belongs on another page, and stops fetching it on every progress tick', () => {
    const laterPage: PageQuery = { ...firstPage, page: 2 };
    const fresh = makeAsset({ id: 9, status: 'processing', created_at: '2026-03-01T00:00:00Z' });
    const shown = listed([clip, older], laterPage, 22);
    const state = run(
      shown,
      { type: 'added', asset: fresh },
      { type: 'processingUpdate', update: { asset_id: 9, progress: 50, status: 'processing' } },
      { type: 'processingUpdate', update: { asset_id: 9, progress: 100, status: 'ready' } },
    );
    expect(ids(state)).toEqual([2, 1]);
    expect(state.meta?.total).toBe(22);
    expect(state.toFetch).toEqual([]);
  });

  it('forgets where assets were once the page is listed again', () => {
    const laterPage: PageQuery = { ...firstPage, page: 2 };
    const fresh = makeAsset({ id: 9, created_at: '2026-03-01T00:00:00Z' });
    const away = run(listed([older], laterPage, 21), { type: 'added', asset: fresh });
    const relisted = run(away, {
      type: 'listed',
      key: requestKey(firstPage, 0),
      query: firstPage,
      response: { items: [older], meta: { page: 1, page_size: 20, total: 1, pages: 1 } },
    });
    const state = run(relisted, { type: 'processingUpdate', update: { asset_id: 9, status: 'ready' } });
    expect(state.toFetch).toEqual([9]);
  });

  it('does not show an asset the filters exclude', () => {
    const images: PageQuery = { ...firstPage, type: 'image' };
    const state = run(listed([older], images), { type: 'added', asset: { ...clip, id: 7 } });
    expect(ids(state)).toEqual([1]);
    expect(state.meta?.total).toBe(1);
  });

  it('replaces the whole page copy of an asset from a snapshot and lists the page again', () => {
    const shown = listed([clip, older]);
    const failed = { ...clip, status: 'failed' as const, processing: { stage: 'metadata', progress: 10, error: 'gone' } };
    const state = run(shown, { type: 'snapshot', assets: [failed, makeAsset({ id: 50 })] });
    expect(state.items).toEqual([failed, older]);
    expect(requestKey(firstPage, state.generation)).not.toBe(state.settledKey);
  });
});

describe('libraryReducer: changes made here', () => {
  it('replaces a renamed card without counting it again, and never adds one that is not shown', () => {
    const shown = listed([clip, older]);
    const renamed = run(shown, { type: 'replaced', asset: { ...older, title: 'Renamed' } });
    expect(renamed.items[1]?.title).toBe('Renamed');
    expect(renamed.meta?.total).toBe(2);
    const elsewhere = run(shown, { type: 'replaced', asset: makeAsset({ id: 77 }) });
    expect(ids(elsewhere)).toEqual([2, 1]);
  });

  it('takes a re-added asset that is already shown as a fresh copy', () => {
    const state = run(listed([clip, older]), { type: 'added', asset: { ...older, title: 'Again' } });
    expect(state.items.map((item) => item.title)).toEqual(['Clip', 'Again']);
    expect(state.meta?.total).toBe(2);
  });

  it('removes a deleted card and counts one less, but not below zero or for a card not shown', () => {
    const shown = listed([clip, older]);
    const state = run(shown, { type: 'removed', id: 2 });
    expect(ids(state)).toEqual([1]);
    expect(state.meta?.total).toBe(1);
    expect(run(shown, { type: 'removed', id: 99 })).toBe(shown);
    expect(run(listed([older], firstPage, 0), { type: 'removed', id: 1 }).meta?.total).toBe(0);
  });
});
