import { renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Asset } from '../services/api';
import { DEFAULT_QUERY } from '../services/libraryQuery';
import { jsonResponse, makeAsset, openFakeLiveConnection, serverSends } from '../test/fakes';
import { useAssetLibrary } from './useAssetLibrary';

const clip = makeAsset({
  id: 7,
  title: 'Clip',
  status: 'processing',
  processing: { stage: 'metadata', progress: 10, error: null },
  media_metadata: {},
});

let calls: string[] = [];

beforeEach(() => {
  calls = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : input.toString();
      calls.push(url);
      const meta = { page: 1, page_size: 60, total: 1, pages: 1, total_estimated: false, next_cursor: null };
      return Promise.resolve(jsonResponse({ items: [clip], meta }));
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
});


describe('useAssetLibrary', () => {
  it('lists the page, then moves a card with live updates and never back with an older one', async () => {
    const connection = openFakeLiveConnection();
    const { result } = renderHook(() => useAssetLibrary(DEFAULT_QUERY, connection));
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.items.map((item) => item.title)).toEqual(['Clip']);

    serverSends({ type: 'processing_update', seq: 5, data: { asset_id: 7, progress: 60, stage: 'thumbnail', status: 'processing' } });
    serverSends({ type: 'processing_update', seq: 4, data: { asset_id: 7, progress: 30, stage: 'metadata', status: 'processing' } });
    serverSends({ type: 'processing_update', seq: 5, data: { asset_id: 7, progress: 30, stage: 'metadata', status: 'processing' } });
    expect(result.current.items[0]?.processing).toMatchObject({ stage: 'thumbnail', progress: 60 });
    connection.stop();
  });

  it('lists the page again after a snapshot', async () => {
    const connection = openFakeLiveConnection();
    const { result } = renderHook(() => useAssetLibrary(DEFAULT_QUERY, connection));
    await waitFor(() => expect(result.current.loading).toBe(false));
    const lists = () => calls.filter((url) => url.startsWith('/api/v1/assets?')).length;
    expect(lists()).toBe(1);

    const failed = { ...clip, status: 'failed', processing: { stage: null, progress: 0, error: 'gone' } };
    serverSends({ type: 'snapshot', seq: 9, data: { assets: [failed] } });
    expect(result.current.items[0]?.processing.error).toBe('gone');
    await waitFor(() => expect(lists()).toBe(2));
    await waitFor(() => expect(result.current.loading).toBe(false));
    connection.stop();
  });

  it('follows a 300-file import in another tab with a few list requests and not one single-asset GET', async () => {
    const library = new Map<number, Asset>([[clip.id, clip]]);
    const at = (n: number) => new Date(Date.UTC(2026, 2, 1) + n).toISOString().replace('Z', '000Z');
    const requests = serveLibrary(library);
    const connection = openFakeLiveConnection();
    const { result } = renderHook(() => useAssetLibrary(DEFAULT_QUERY, connection));
    await waitFor(() => expect(result.current.loading).toBe(false));
    requests.length = 0;

    const imported = Array.from({ length: 300 }, (_, n) =>
      makeAsset({ id: 100 + n, title: `Photo ${n}`, status: 'pending', created_at: at(n), media_metadata: {}, processing: { stage: 'queued', progress: 0, error: null } }),
    );
    let seq = 10;
    for (const asset of imported) {
      library.set(asset.id, asset);
      serverSends({ type: 'asset_created', seq: (seq += 1), data: { ...asset, asset_id: asset.id } });
    }
    expect(result.current.meta?.total).toBe(301);
    expect(result.current.items[0]?.title).toBe('Photo 299');
    for (const asset of imported) {
      serverSends({ type: 'processing_update', seq: (seq += 1), data: { asset_id: asset.id, progress: 50, stage: 'thumbnail', status: 'processing' } });
    }
    for (const asset of imported) {
      library.set(asset.id, { ...asset, status: 'ready', media_metadata: { width: 640, height: 480, thumbnail_url: `/thumbnails/${asset.id}.jpg` } });
      serverSends({ type: 'processing_update', seq: (seq += 1), data: { asset_id: asset.id, progress: 100, stage: 'done', status: 'ready' } });
    }
    // Events for assets this tab never saw (an import started before it opened) settle in one listing.
    for (let id = 900; id < 950; id += 1) {
      serverSends({ type: 'processing_update', seq: (seq += 1), data: { asset_id: id, progress: 10, stage: 'metadata', status: 'processing' } });
    }

    await waitFor(() => expect(result.current.items.filter((item) => item.media_metadata.width === 640)).toHaveLength(300));
    await waitFor(() => expect(requests.filter((url) => !url.includes('created_after'))).toHaveLength(1));
    expect(requests.filter((url) => /\/assets\/\d+$/.test(url))).toEqual([]);
    expect(requests.length).toBeLessThanOrEqual(5);
    connection.stop();
  });

  it('renames and removes cards from other tabs without a request, counting the deletion', async () => {
    const older = makeAsset({ id: 3, title: 'Harbour', created_at: '2025-01-01T00:00:00Z' });
    const requests = serveLibrary(new Map([[clip.id, clip], [older.id, older]]));
    const connection = openFakeLiveConnection();
    const { result } = renderHook(() => useAssetLibrary(DEFAULT_QUERY, connection));
    await waitFor(() => expect(result.current.items).toHaveLength(2));
    requests.length = 0;

    serverSends({ type: 'asset_update', seq: 1, data: { asset_id: 3, title: 'Harbour at dusk' } });
    serverSends({ type: 'asset_deleted', seq: 2, data: { asset_id: 7 } });
    expect(result.current.items.map((item) => item.title)).toEqual(['Harbour at dusk']);
    expect(result.current.meta?.total).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toEqual([]);
    connection.stop();
  });
});

/** The list API (newest first, or a created_at range oldest first) and GET by id over a map the test changes. */
function serveLibrary(library: Map<number, Asset>): string[] {
  const requests: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL) => {
      const raw = input instanceof Request ? input.url : input.toString();
      requests.push(raw);
      const url = new URL(raw, 'http://test');
      const single = /^\/api\/v1\/assets\/(\d+)$/.exec(url.pathname);
      if (single) {
        const asset = library.get(Number(single[1]));
        return Promise.resolve(asset ? jsonResponse(asset) : jsonResponse({ error: 'Asset not found', timestamp: 't', context: {} }, 404));
      }
      const after = url.searchParams.get('created_after');
      const before = url.searchParams.get('created_before');
      const size = Number(url.searchParams.get('page_size') ?? 20);
      const all = [...library.values()]
        .filter((asset) => (!after || asset.created_at >= after) && (!before || asset.created_at <= before))
        .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
      if (!after) all.reverse();
      const meta = { page: 1, page_size: size, total: all.length, pages: 1, total_estimated: false, next_cursor: all.length > size ? 'next' : null };
      return Promise.resolve(jsonResponse({ items: all.slice(0, size), meta }));
    }),
  );
  return requests;
}
