import { renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
      return Promise.resolve(jsonResponse({ items: [clip], meta: { page: 1, page_size: 20, total: 1, pages: 1 } }));
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
});
