import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Asset } from '../services/api';
import { jsonResponse, makeAsset, openFakeLiveConnection, serverSends } from '../test/fakes';
import { DELETED_ELSEWHERE, useLiveAsset } from './useLiveAsset';

/** What GET /api/v1/assets/<id> answers now; a test changes it to stand for work done on the server. */
let stored: Map<number, Asset>;
let fetched: string[];

beforeEach(() => {
  stored = new Map();
  fetched = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : input.toString();
      fetched.push(url);
      const asset = stored.get(Number(/\/assets\/(\d+)$/.exec(url)?.[1]));
      return Promise.resolve(
        asset ? jsonResponse(asset) : jsonResponse({ error: 'Asset not found', timestamp: 't', context: {} }, 404, 'Not Found'),
      );
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
});


const processing = makeAsset({
  id: 7,
  title: 'Clip',
  mime_type: 'video/mp4',
  status: 'processing',
  processing: { stage: 'metadata', progress: 10, error: null },
  media_metadata: {},
});

describe('useLiveAsset', () => {
  it('loads the asset and follows its progress without fetching it again', async () => {
    stored.set(7, processing);
    const connection = openFakeLiveConnection();
    const { result } = renderHook(() => useLiveAsset(7, connection));
    expect(result.current.asset).toBeNull();
    await waitFor(() => expect(result.current.asset?.title).toBe('Clip'));

    serverSends({ type: 'processing_update', seq: 1, data: { asset_id: 7, progress: 40, stage: 'thumbnail', status: 'processing' } });
    expect(result.current.asset?.processing).toEqual({ stage: 'thumbnail', progress: 40, error: null });
    serverSends({ type: 'processing_update', seq: 2, data: { asset_id: 8, progress: 90, status: 'processing' } });
    expect(result.current.asset?.processing.progress).toBe(40);
    expect(fetched).toEqual(['/api/v1/assets/7']);
  });

  it('shows ready at once, then the metadata and thumbnail the finished asset has on the server', async () => {
    stored.set(7, processing);
    const connection = openFakeLiveConnection();
    const { result } = renderHook(() => useLiveAsset(7, connection));
    await waitFor(() => expect(result.current.asset).not.toBeNull());

    stored.set(7, { ...processing, status: 'ready', media_metadata: { duration: 12.5, thumbnail_url: '/thumbnails/7.jpg' } });
    serverSends({ type: 'processing_update', seq: 3, data: { asset_id: 7, progress: 100, stage: 'done', status: 'ready' } });
    expect(result.current.asset?.status).toBe('ready');
    await waitFor(() => expect(result.current.asset?.media_metadata.duration).toBe(12.5));
    expect(result.current.asset?.media_metadata.thumbnail_url).toBe('/thumbnails/7.jpg');
  });

  it('fetches the asset again after a snapshot, since updates may have been missed', async () => {
    stored.set(7, processing);
    const connection = openFakeLiveConnection();
    const { result } = renderHook(() => useLiveAsset(7, connection));
    await waitFor(() => expect(result.current.asset).not.toBeNull());

    stored.set(7, { ...processing, status: 'failed', processing: { stage: 'metadata', progress: 10, error: 'ffprobe timed out' } });
    serverSends({ type: 'snapshot', seq: 40, data: { assets: [] } });
    await waitFor(() => expect(result.current.asset?.processing.error).toBe('ffprobe timed out'));
  });

  it("says why an asset cannot be shown, in the server's words", async () => {
    const connection = openFakeLiveConnection();
    const { result } = renderHook(() => useLiveAsset(404, connection));
    await waitFor(() => expect(result.current.loadError).toBe('Asset not found'));
    expect(result.current.asset).toBeNull();
  });

  it('takes a fresh copy from an action here, and shows nothing of the previous asset for a new id', async () => {
    stored.set(7, processing);
    stored.set(8, makeAsset({ id: 8, title: 'Harbour' }));
    const connection = openFakeLiveConnection();
    const { result, rerender } = renderHook(({ id }) => useLiveAsset(id, connection), { initialProps: { id: 7 } });
    await waitFor(() => expect(result.current.asset).not.toBeNull());

    act(() => result.current.replaceAsset({ ...processing, title: 'Clip at dusk' }));
    expect(result.current.asset?.title).toBe('Clip at dusk');

    rerender({ id: 8 });
    expect(result.current.asset).toBeNull();
    await waitFor(() => expect(result.current.asset?.title).toBe('Harbour'));
  });

  it('takes a rename made in another tab, and says so when another tab deletes the asset', async () => {
    stored.set(7, processing);
    const connection = openFakeLiveConnection();
    const { result } = renderHook(() => useLiveAsset(7, connection));
    await waitFor(() => expect(result.current.asset).not.toBeNull());

    serverSends({ type: 'asset_update', seq: 1, data: { asset_id: 8, title: 'Not this one' } });
    serverSends({ type: 'asset_update', seq: 2, data: { asset_id: 7, title: 'Clip at dusk' } });
    expect(result.current.asset?.title).toBe('Clip at dusk');
    serverSends({ type: 'asset_deleted', seq: 3, data: { asset_id: 7 } });
    expect(result.current.asset).toBeNull();
    expect(result.current.loadError).toBe(DELETED_ELSEWHERE);
    expect(fetched).toEqual(['/api/v1/assets/7']);
  });
});
