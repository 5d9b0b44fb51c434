import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AssetFilters } from '../services/api';
import { jsonResponse, openFakeLiveConnection, routeFetch, serverSends, type RecordedCall } from '../test/fakes';
import { useTimeline } from './useTimeline';

const MONTHS = [{ month: '2024-07', count: 3 }];
const timelineCalls = (calls: RecordedCall[]) => calls.filter(({ url }) => url.startsWith('/api/v1/assets/timeline'));
const tick = async (ms: number) => {
  await act(() => vi.advanceTimersByTimeAsync(ms));
  // A timer that fired may have set state whose effect starts the request's own (0 ms) timer.
  await act(() => vi.advanceTimersByTimeAsync(0));
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('useTimeline', () => {
  it('reads the months once the filters are still, with the filters, and again when they change', async () => {
    const calls = routeFetch({ 'GET /api/v1/assets/timeline': () => jsonResponse({ months: MONTHS }) });
    const { result, rerender } = renderHook(({ filters }: { filters: AssetFilters }) => useTimeline(filters, { delayMs: 250 }), {
      initialProps: { filters: { type: 'image' } },
    });
    rerender({ filters: { type: 'video' } });
    await tick(249);
    expect(timelineCalls(calls)).toHaveLength(0);
    await tick(1);
    expect(timelineCalls(calls).map(({ url }) => url)).toEqual(['/api/v1/assets/timeline?type=video']);
    expect(result.current).toEqual(MONTHS);
    // Another filter's months are not shown as this one's.
    rerender({ filters: { type: 'image' } });
    expect(result.current).toBeNull();
  });

  it('reads nothing while disabled (the library sorted otherwise)', async () => {
    const calls = routeFetch({ 'GET /api/v1/assets/timeline': () => jsonResponse({ months: MONTHS }) });
    const { result } = renderHook(() => useTimeline({}, { enabled: false, delayMs: 0 }));
    await tick(1000);
    expect(timelineCalls(calls)).toHaveLength(0);
    expect(result.current).toBeNull();
  });

  it('reads again on live events that move counts, at most once per window', async () => {
    const calls = routeFetch({ 'GET /api/v1/assets/timeline': () => jsonResponse({ months: MONTHS }) });
    const connection = openFakeLiveConnection();
    renderHook(() => useTimeline({}, { connection, delayMs: 0, liveMs: 5000 }));
    await tick(0);
    expect(timelineCalls(calls)).toHaveLength(1);

    // A progress step moves no count.
    serverSends({ type: 'processing_update', seq: 1, data: { asset_id: 7, progress: 30, stage: 'metadata', status: 'processing' } });
    await tick(10_000);
    expect(timelineCalls(calls)).toHaveLength(1);

    // The first event after a quiet spell reads at once; a burst after it waits out the window.
    serverSends({ type: 'asset_created', seq: 2, data: { asset_id: 8 } });
    await tick(0);
    expect(timelineCalls(calls)).toHaveLength(2);
    for (let seq = 3; seq < 50; seq += 1) serverSends({ type: 'asset_deleted', seq, data: { asset_id: seq } });
    serverSends({ type: 'processing_update', seq: 50, data: { asset_id: 7, progress: 100, stage: null, status: 'ready' } });
    await tick(4999);
    expect(timelineCalls(calls)).toHaveLength(2);
    await tick(1);
    expect(timelineCalls(calls)).toHaveLength(3);
    await tick(20_000);
    expect(timelineCalls(calls)).toHaveLength(3);
  });
});
