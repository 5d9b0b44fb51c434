import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fakes';
import type { Asset, ListMeta } from './api';
import type { AssetChange } from './websocket';
import { DEFAULT_QUERY } from './libraryQuery';
import {
  initialLibraryState,
  libraryReducer,
  listQueryOf,
  requestKey,
  type LibraryAction,
  type LibraryState,
  type ListQuery,
} from './libraryState';

const newestFirst: ListQuery = listQueryOf(DEFAULT_QUERY);

function meta(total: number, nextCursor: string | null = null, page: number | null = 1): ListMeta {
  return { page, page_size: 20, total, pages: Math.max(1, Math.ceil(total / 20)), total_estimated: false, next_cursor: nextCursor };
}

/** The first page listed; `nextCursor` says more pages follow. */
function listed(items: Asset[], query: ListQuery = newestFirst, total = items.length, nextCursor: string | null = null): LibraryState {
  return libraryReducer(initialLibraryState(query), {
    type: 'listed',
    key: requestKey(query, 0),
    query,
    response: { items, meta: meta(total, nextCursor) },
  });
}

function run(state: LibraryState, ...actions: LibraryAction[]): LibraryState {
  return actions.reduce(libraryReducer, state);
}

/** The next page arrives for the cursor in flight. */
function nextPage(state: LibraryState, items: Asset[], nextCursor: string | null = null): LibraryState {
  const asked = run(state, { type: 'moreWanted' });
  const cursor = asked.loadingMore?.cursor;
  if (!cursor) throw new Error('no next page was asked for');
  return run(asked, { type: 'moreListed', cursor, response: { items, meta: meta(state.meta?.total ?? 0, nextCursor, null) } });
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
/** Older than both: what a second page holds. */
const oldest = makeAsset({ id: 0, title: 'Oldest', status: 'pending', created_at: '2025-06-01T00:00:00Z', media_metadata: {} });

describe('libraryReducer: listing', () => {
  it('shows the listed page and settles the request it answers', () => {
    const state = listed([clip, older], newestFirst, 2);
    expect(ids(state)).toEqual([2, 1]);
    expect(state.meta?.total).toBe(2);
    expect(state.settledKey).toBe(requestKey(newestFirst, 0));
    expect(state.error).toBeNull();
  });

  it('keeps the cards on screen when a list request fails', () => {
    const state = run(
      listed([older]),
      { type: 'reload' },
      { type: 'listFailed', key: requestKey(newestFirst, 1), error: 'Could not reach' },
    );
    expect(state.error).toBe('Could not reach');
    expect(ids(state)).toEqual([1]);
    expect(state.settledKey).toBe(requestKey(newestFirst, 1));
  });

  it('asks for the page again on reload', () => {
    const state = run(listed([older]), { type: 'reload' });
    expect(requestKey(newestFirst, state.generation)).not.toBe(state.settledKey);
  });
});

describe('libraryReducer: the next pages', () => {
  it('asks for the next cursor once, however often the end comes near, and appends its page', () => {
    const shown = listed([clip, older], newestFirst, 3, 'c2');
    const asked = run(shown, { type: 'moreWanted' });
    expect(asked.loadingMore).toEqual({ cursor: 'c2', query: newestFirst });
    expect(run(asked, { type: 'moreWanted' }, { type: 'moreWanted' })).toBe(asked);

    const state = run(asked, { type: 'moreListed', cursor: 'c2', response: { items: [oldest], meta: meta(3, null, null) } });
    expect(ids(state)).toEqual([2, 1, 0]);
    expect(state.loadingMore).toBeNull();
    expect(state.nextCursor).toBeNull();
    expect(run(state, { type: 'moreWanted' })).toBe(state);
  });

  it('asks for nothing before the first page or at the end of the list', () => {
    const before = initialLibraryState(newestFirst);
    expect(run(before, { type: 'moreWanted' })).toBe(before);
    const whole = listed([clip, older]);
    expect(run(whole, { type: 'moreWanted' })).toBe(whole);
  });

  it('keeps the copy it holds of an asset that its page brings again', () => {
    const shown = listed([clip, older], newestFirst, 3, 'c2');
    const moved = { ...older, title: 'Live copy' };
    const state = nextPage(run(shown, { type: 'replaced', asset: moved }), [older, oldest]);
    expect(ids(state)).toEqual([2, 1, 0]);
    expect(state.items[1]?.title).toBe('Live copy');
  });

  it('drops a page that answers for a list replaced meanwhile', () => {
    const asked = run(listed([clip, older], newestFirst, 3, 'c2'), { type: 'moreWanted' });
    const images: ListQuery = { ...newestFirst, type: 'image' };
    const replaced = run(asked, { type: 'listed', key: requestKey(images, 0), query: images, response: { items: [older], meta: meta(1) } });
    expect(replaced.loadingMore).toBeNull();
    const late = run(replaced, { type: 'moreListed', cursor: 'c2', response: { items: [oldest], meta: meta(3, null, null) } });
    expect(ids(late)).toEqual([1]);
  });

  it('waits for a retry after a failed page, then asks for the same cursor again', () => {
    const asked = run(listed([clip, older], newestFirst, 3, 'c2'), { type: 'moreWanted' });
    const failed = run(asked, { type: 'moreFailed', cursor: 'c2', error: 'Could not reach' });
    expect(failed.moreError).toBe('Could not reach');
    expect(failed.loadingMore).toBeNull();
    expect(run(failed, { type: 'moreWanted' })).toBe(failed);
    const retried = run(failed, { type: 'moreRetried' });
    expect(retried.moreError).toBeNull();
    expect(retried.loadingMore?.cursor).toBe('c2');
  });

  it('merges a fresh first page into the pages held after a snapshot, keeping their cursor', () => {
    const twoPages = nextPage(listed([clip, older], newestFirst, 3, 'c2'), [oldest], 'c3');
    const fresh = makeAsset({ id: 9, title: 'New', created_at: '2026-03-01T00:00:00Z' });
    const snapshot = run(twoPages, { type: 'snapshot', assets: [] });
    // Clip (first page) and Oldest (second page) are unfinished and missing from the snapshot.
    expect(snapshot.toFetch).toEqual([2, 0]);
    const state = run(snapshot, {
      type: 'listed',
      key: requestKey(newestFirst, snapshot.generation),
      query: newestFirst,
      response: { items: [fresh, { ...clip, status: 'ready' }], meta: meta(4, 'c2-fresh') },
    });
    expect(ids(state)).toEqual([9, 2, 1, 0]);
    expect(state.items[1]?.status).toBe('ready');
    expect(state.nextCursor).toBe('c3');
    expect(state.meta?.total).toBe(4);
    expect(state.settledKey).toBe(requestKey(newestFirst, snapshot.generation));
  });

  it('replaces a first page held alone with the fresh one, and its cursor', () => {
    const shown = listed([clip, older], newestFirst, 3, 'c2');
    const state = run(shown, {
      type: 'listed',
      key: requestKey(newestFirst, 1),
      query: newestFirst,
      response: { items: [older], meta: meta(2, 'c1') },
    });
    expect(ids(state)).toEqual([1]);
    expect(state.nextCursor).toBe('c1');
  });
});

describe('libraryReducer: live updates', () => {
  it('moves the progress of a card loaded from a later page', () => {
    const twoPages = nextPage(listed([clip, older], newestFirst, 3, 'c2'), [oldest]);
    const state = run(twoPages, { type: 'processingUpdate', update: { asset_id: 0, progress: 30, stage: 'thumbnail', status: 'processing' } });
    expect(state.items[2]?.processing).toEqual({ stage: 'thumbnail', progress: 30, error: null });
    expect(state.items[2]?.status).toBe('processing');
    expect(state.toFetch).toEqual([]);
  });

  it('removes a deleted card loaded from a later page and counts one less', () => {
    const twoPages = nextPage(listed([clip, older], newestFirst, 3, 'c2'), [oldest]);
    const state = run(twoPages, { type: 'removed', id: 0 });
    expect(ids(state)).toEqual([2, 1]);
    expect(state.meta?.total).toBe(2);
  });


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

  it('lists the first page again for assets it has not seen, never fetching them one by one', () => {
    const update = (id: number, progress: number): LibraryAction => ({
      type: 'processingUpdate',
      update: { asset_id: id, progress, status: 'processing' },
    });
    const state = run(listed([older]), update(9, 10), update(9, 20), update(10, 5));
    expect(ids(state)).toEqual([1]);
    expect(state.toFetch).toEqual([]);
    expect(state.stale).toBe(true);
    expect([...state.unknown]).toEqual([9, 10]);
    const refreshing = run(state, { type: 'refresh' });
    expect(refreshing.stale).toBe(false);
    expect(requestKey(newestFirst, refreshing.generation)).not.toBe(refreshing.settledKey);
    // While that listing is on its way, more news of the same assets asks for nothing more.
    expect(run(refreshing, update(9, 30)).stale).toBe(false);
  });

  it('shows a fetched new asset where it belongs and counts it', () => {
    const fresh = makeAsset({ id: 9, title: 'Imported', created_at: '2026-03-01T00:00:00Z' });
    const state = run(listed([clip, older], newestFirst, 2), { type: 'added', asset: fresh });
    expect(ids(state)).toEqual([9, 2, 1]);
    expect(state.meta?.total).toBe(3);
  });

  it('leaves out an asset that sorts past the last one loaded while more follow, and stops fetching it on every tick', () => {
    const shown = listed([clip, older], newestFirst, 22, 'c2');
    const state = run(
      shown,
      { type: 'added', asset: oldest },
      { type: 'processingUpdate', update: { asset_id: 0, progress: 50, status: 'processing' } },
      { type: 'processingUpdate', update: { asset_id: 0, progress: 100, status: 'ready' } },
    );
    expect(ids(state)).toEqual([2, 1]);
    expect(state.meta?.total).toBe(22);
    expect(state.toFetch).toEqual([]);
  });

  it('puts a new asset last when everything is loaded', () => {
    const state = run(listed([clip, older], newestFirst, 2), { type: 'added', asset: oldest });
    expect(ids(state)).toEqual([2, 1, 0]);
    expect(state.meta?.total).toBe(3);
  });

  it('forgets where assets were once another list is read', () => {
    const away = run(listed([older], newestFirst, 21, 'c1'), { type: 'added', asset: oldest });
    const images: ListQuery = { ...newestFirst, type: 'image' };
    const relisted = run(away, {
      type: 'listed',
      key: requestKey(images, 0),
      query: images,
      response: { items: [older], meta: meta(1) },
    });
    const state = run(relisted, { type: 'processingUpdate', update: { asset_id: 0, status: 'ready' } });
    expect(state.stale).toBe(true);
    expect([...state.unknown]).toEqual([0]);
  });

  it('does not show an asset the filters exclude', () => {
    const images: ListQuery = { ...newestFirst, type: 'image' };
    const state = run(listed([older], images), { type: 'added', asset: { ...clip, id: 7 } });
    expect(ids(state)).toEqual([1]);
    expect(state.meta?.total).toBe(1);
  });

  it('replaces the whole page copy of an asset from a snapshot and lists the page again', () => {
    const shown = listed([clip, older]);
    const failed = { ...clip, status: 'failed' as const, processing: { stage: 'metadata', progress: 10, error: 'gone' } };
    const state = run(shown, { type: 'snapshot', assets: [failed, makeAsset({ id: 50 })] });
    expect(state.items).toEqual([failed, older]);
    expect(requestKey(newestFirst, state.generation)).not.toBe(state.settledKey);
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
    expect(run(listed([older], newestFirst, 0), { type: 'removed', id: 1 }).meta?.total).toBe(0);
  });
});

describe('libraryReducer: changes made in other tabs', () => {
  const imported = (id: number, created_at = '2026-03-01T00:00:00Z') =>
    makeAsset({ id, title: `Imported ${id}`, status: 'pending', created_at, media_metadata: {} });

  it('shows and counts a new asset from its asset_created event alone', () => {
    const state = run(listed([clip, older], newestFirst, 2), { type: 'created', id: 9, asset: imported(9) });
    expect(ids(state)).toEqual([9, 2, 1]);
    expect(state.meta?.total).toBe(3);
    expect(state.stale).toBe(false);
    expect(state.toFetch).toEqual([]);
  });

  it('counts a new asset once when the upload here and the event both bring it', () => {
    const state = run(
      listed([older], newestFirst, 1),
      { type: 'created', id: 9, asset: imported(9) },
      { type: 'added', asset: imported(9) },
      { type: 'created', id: 9, asset: imported(9) },
    );
    expect(ids(state)).toEqual([9, 1]);
    expect(state.meta?.total).toBe(2);
  });

  it('counts a new asset that sorts past the pages loaded without showing it or listing again', () => {
    const oldestFirst: ListQuery = { ...newestFirst, ordering: 'created_at' };
    const state = run(
      listed([older, clip], oldestFirst, 30, 'c2'),
      { type: 'created', id: 9, asset: imported(9) },
      { type: 'processingUpdate', update: { asset_id: 9, progress: 50, status: 'processing' } },
    );
    expect(ids(state)).toEqual([1, 2]);
    expect(state.meta?.total).toBe(31);
    expect(state.stale).toBe(false);
  });

  it('neither shows nor counts a new asset the type filter excludes', () => {
    const videos: ListQuery = { ...newestFirst, type: 'video' };
    const state = run(listed([clip], videos, 1), { type: 'created', id: 9, asset: imported(9) });
    expect(ids(state)).toEqual([2]);
    expect(state.meta?.total).toBe(1);
    expect(state.stale).toBe(false);
  });

  it('leaves a new asset to the server while searching, and to a listing when the event carried no asset', () => {
    const search: ListQuery = { ...newestFirst, q: 'belem' };
    const searching = run(listed([older], search, 1), { type: 'created', id: 9, asset: imported(9) });
    expect(ids(searching)).toEqual([1]);
    expect(searching.meta?.total).toBe(1);
    expect(searching.stale).toBe(true);
    expect(run(listed([older]), { type: 'created', id: 9, asset: null }).stale).toBe(true);
  });

  it('renames a card from asset_update without a request, and ignores fields it does not know', () => {
    const state = run(listed([clip, older], newestFirst, 2), {
      type: 'changed',
      change: { asset_id: 1, title: 'Harbour at dusk', bogus: 1, id: 5 },
    });
    expect(state.items[1]).toEqual({ ...older, title: 'Harbour at dusk' });
    expect(state.meta?.total).toBe(2);
    expect(state.stale).toBe(false);
    const shown = listed([clip, older]);
    expect(run(shown, { type: 'changed', change: { asset_id: 99, title: 'Elsewhere' } })).toBe(shown);
    // A value of another kind than the field's is not taken (the server never sends one).
    const odd = { asset_id: 1, title: 123 } as unknown as AssetChange;
    expect(run(shown, { type: 'changed', change: odd })).toBe(shown);
  });

  it('moves a renamed card to its new place when the list is in title order', () => {
    const byTitle: ListQuery = { ...newestFirst, ordering: 'title' };
    const state = run(listed([clip, older], byTitle, 2), { type: 'changed', change: { asset_id: 2, title: 'Zebra' } });
    expect(state.items.map((item) => item.title)).toEqual(['Old', 'Zebra']);
  });

  it('asks the server whether an asset renamed elsewhere now matches the search', () => {
    const search: ListQuery = { ...newestFirst, q: 'dusk' };
    expect(run(listed([older], search), { type: 'changed', change: { asset_id: 9, title: 'Dusk' } }).stale).toBe(true);
  });

  it('takes new tags from asset_update, and drops a card whose tags no longer hold the tag filtered by', () => {
    const beach: ListQuery = { ...newestFirst, tags: ['Beach'] };
    const tagged = { ...older, tags: ['beach', 'sunset'] };
    const state = listed([tagged], beach, 1);
    const kept = run(state, { type: 'changed', change: { asset_id: 1, tags: ['BEACH'] } });
    expect(kept.items[0]?.tags).toEqual(['BEACH']);
    const untagged = run(state, { type: 'changed', change: { asset_id: 1, tags: ['sunset'] } });
    expect(ids(untagged)).toEqual([]);
    expect(untagged.meta?.total).toBe(0);
    expect(untagged.stale).toBe(false);
    // The answer to this tab's own PATCH does the same, before the event comes.
    expect(ids(run(state, { type: 'replaced', asset: { ...tagged, tags: [] } }))).toEqual([]);
    expect(ids(run(listed([tagged]), { type: 'replaced', asset: { ...tagged, tags: [] } }))).toEqual([1]);
  });

  it('asks the server about an asset tagged elsewhere only when its new tags hold the filter', () => {
    const beach: ListQuery = { ...newestFirst, tags: ['beach'] };
    expect(run(listed([], beach), { type: 'changed', change: { asset_id: 9, tags: ['Beach', 'rome'] } }).stale).toBe(true);
    expect(run(listed([], beach), { type: 'changed', change: { asset_id: 9, tags: ['rome'] } }).stale).toBe(false);
    expect(run(listed([]), { type: 'changed', change: { asset_id: 9, tags: ['beach'] } }).stale).toBe(false);
  });

  it('takes new collections from asset_update, and drops a card taken out of the collection viewed', () => {
    const lisbon: ListQuery = { ...newestFirst, collection: 4 };
    const member = { ...older, collections: [{ id: 4, name: 'Lisbon' }] };
    const state = listed([member, { ...clip, collections: [{ id: 4, name: 'Lisbon' }] }], lisbon, 2);
    const added = run(state, { type: 'changed', change: { asset_id: 1, collections: [{ id: 2, name: 'Best' }, { id: 4, name: 'Lisbon' }] } });
    expect(added.items.find((item) => item.id === 1)?.collections).toEqual([{ id: 2, name: 'Best' }, { id: 4, name: 'Lisbon' }]);
    const removed = run(state, { type: 'changed', change: { asset_id: 1, collections: [] } });
    expect(ids(removed)).toEqual([2]);
    expect(removed.meta?.total).toBe(1);
    expect(removed.stale).toBe(false);
    // Outside a collection the card stays, with its new list.
    const plain = run(listed([member]), { type: 'changed', change: { asset_id: 1, collections: [] } });
    expect(ids(plain)).toEqual([1]);
    expect(plain.items[0]?.collections).toEqual([]);
    // The answer to this tab's own request does the same.
    expect(ids(run(state, { type: 'replaced', asset: { ...member, collections: [] } }))).toEqual([2]);
  });

  it('asks the server about an asset added elsewhere to the collection viewed, and only then', () => {
    const lisbon: ListQuery = { ...newestFirst, collection: 4 };
    expect(run(listed([], lisbon), { type: 'changed', change: { asset_id: 9, collections: [{ id: 4, name: 'Lisbon' }] } }).stale).toBe(true);
    expect(run(listed([], lisbon), { type: 'changed', change: { asset_id: 9, collections: [{ id: 5, name: 'Rome' }] } }).stale).toBe(false);
    expect(run(listed([]), { type: 'changed', change: { asset_id: 9, collections: [{ id: 4, name: 'Lisbon' }] } }).stale).toBe(false);
    // A new asset is in no collection yet.
    const created = makeAsset({ id: 5, created_at: '2026-02-01T00:00:00Z', collections: [] });
    expect(ids(run(listed([], lisbon), { type: 'created', id: 5, asset: created }))).toEqual([]);
  });

  it('neither shows nor counts a new asset without the tag filtered by', () => {
    const beach: ListQuery = { ...newestFirst, tags: ['beach'] };
    const created = makeAsset({ id: 5, created_at: '2026-02-01T00:00:00Z' });
    const state = run(listed([older], beach, 1), { type: 'created', id: 5, asset: created });
    expect(ids(state)).toEqual([1]);
    expect(state.meta?.total).toBe(1);
    const withTag = run(listed([older], beach, 1), { type: 'created', id: 5, asset: { ...created, tags: ['BEACH'] } });
    expect(ids(withTag)).toEqual([5, 1]);
  });

  it('removes a card deleted in another tab and counts one less, once, and forgets its late events', () => {
    const state = run(
      listed([clip, older], newestFirst, 2),
      { type: 'removed', id: 2 },
      { type: 'deleted', id: 2 },
      { type: 'processingUpdate', update: { asset_id: 2, progress: 90, status: 'processing' } },
    );
    expect(ids(state)).toEqual([1]);
    expect(state.meta?.total).toBe(1);
    expect(state.stale).toBe(false);
  });

  it('reads the count again after a deletion of an asset it does not hold', () => {
    const state = run(listed([older], newestFirst, 40, 'c2'), { type: 'deleted', id: 77 });
    expect(ids(state)).toEqual([1]);
    expect(state.stale).toBe(true);
    expect(run(state, { type: 'deleted', id: 77 })).toBe(state);
  });

  it('merges the fresh first page into what events placed meanwhile, and stops asking about assets it did not bring', () => {
    const placedLive = imported(9, '2026-04-01T00:00:00Z');
    const state = run(
      listed([clip, older], newestFirst, 2),
      { type: 'processingUpdate', update: { asset_id: 50, progress: 10, status: 'processing' } },
      { type: 'refresh' },
      { type: 'created', id: 9, asset: placedLive },
    );
    expect(state.mergeNext).toBe(true);
    const settled = run(state, {
      type: 'listed',
      key: requestKey(newestFirst, state.generation),
      query: newestFirst,
      response: { items: [imported(8), clip, older], meta: meta(300) },
    });
    // The page was read before asset 9 existed: it stays, and the server's count is taken.
    expect(ids(settled)).toEqual([9, 8, 2, 1]);
    expect(settled.meta?.total).toBe(300);
    expect(settled.settledKey).toBe(requestKey(newestFirst, state.generation));
    const later = run(settled, { type: 'processingUpdate', update: { asset_id: 50, progress: 60, status: 'processing' } });
    expect(later.stale).toBe(false);
  });

  it('asks again about an asset left out for its status once it takes the status listed', () => {
    const ready: ListQuery = { ...newestFirst, status: 'ready' };
    const state = run(listed([older], ready, 1), { type: 'created', id: 9, asset: imported(9) });
    expect(state.stale).toBe(false);
    const processing = run(state, { type: 'processingUpdate', update: { asset_id: 9, progress: 50, status: 'processing' } });
    expect(processing.stale).toBe(false);
    expect(run(processing, { type: 'processingUpdate', update: { asset_id: 9, progress: 100, status: 'ready' } }).stale).toBe(true);
  });

  it('leaves a new asset out of a filter on what processing finds, and asks again once it is processed', () => {
    const portrait: ListQuery = { ...newestFirst, orientation: 'portrait', cameras: ['Canon EOS R5'] };
    const state = run(listed([older], portrait, 1), { type: 'created', id: 9, asset: imported(9) });
    // Not processed: no size, no camera, so not here, and nothing to ask the server yet.
    expect(ids(state)).toEqual([1]);
    expect(state.stale).toBe(false);
    const processing = run(state, { type: 'processingUpdate', update: { asset_id: 9, progress: 50, status: 'processing' } });
    expect(processing.stale).toBe(false);
    const done = run(processing, { type: 'processingUpdate', update: { asset_id: 9, progress: 100, status: 'ready' } });
    expect(done.stale).toBe(true);
    expect(done.unknown.has(9)).toBe(true);
  });

  it('asks again about an asset once processed when the list is filtered by the time taken', () => {
    const in2024: ListQuery = { ...newestFirst, takenAfter: '2024-01-01T00:00:00Z', takenBefore: '2024-12-31T23:59:59.999999Z' };
    const state = run(listed([older], in2024, 1), { type: 'created', id: 9, asset: imported(9) });
    expect(ids(state)).toEqual([1]);
    expect(run(state, { type: 'processingUpdate', update: { asset_id: 9, progress: 100, status: 'ready' } }).stale).toBe(true);
  });

  it('lists again from the start when a media filter changes', () => {
    const wide: ListQuery = { ...newestFirst, minWidth: 1920 };
    expect(requestKey(wide, 0)).not.toBe(requestKey({ ...wide, minWidth: 1921 }, 0));
    expect(requestKey(wide, 0)).not.toBe(requestKey({ ...wide, cameras: ['x'] }, 0));
    expect(requestKey({ ...wide, cameras: ['x'] }, 0)).toBe(requestKey({ ...wide, cameras: ['x'] }, 0));
  });
});
