import { act, render, renderHook, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeHealth, readProcessingHealth, useProcessingHealth } from '../hooks/useProcessingHealth';
import { jsonResponse } from '../test/fakes';
import { Header } from './Header';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('health indicator', () => {
  it.each([
    ['connected', 'ok', 'ok', 'Connected'],
    ['connected', 'workers-down', 'bad', 'Connected · workers down'],
    ['connected', 'unavailable', 'bad', 'Connected · processing unavailable'],
    ['connected', 'no-workers', 'warn', 'Connected · no workers'],
    ['reconnecting', 'workers-down', 'warn', 'Reconnecting…'],
    ['connecting', 'unknown', 'warn', 'Connecting…'],
    ['offline', 'ok', 'bad', 'Offline'],
  ] as const)('%s socket with %s workers reads %s: %s', (connection, processing, level, text) => {
    expect(describeHealth(connection, processing)).toEqual({ level, text });
  });

  it('announces the state in the header', () => {
    render(<Header connection="connected" processing={{ level: 'workers-down', detail: 'Work is queued and no worker is alive' }} />);
    expect(screen.getByRole('status')).toHaveTextContent(
      'Server status: Connected · workers down. Work is queued and no worker is alive',
    );
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('MAM');
  });

  it('reads the server report: 503 with no workers, 503 for another reason, idle without workers', () => {
    expect(readProcessingHealth({ ok: false, httpStatus: 503, body: { workers: { count: 0, live: [] }, error: 'stuck' } })).toEqual({
      level: 'workers-down',
      detail: 'stuck',
    });
    expect(readProcessingHealth({ ok: false, httpStatus: 503, body: { workers: { count: 2 }, error: 'Redis unavailable' } }).level).toBe(
      'unavailable',
    );
    expect(readProcessingHealth({ ok: true, httpStatus: 200, body: { workers: { count: 0 } } }).level).toBe('no-workers');
    expect(readProcessingHealth({ ok: true, httpStatus: 200, body: { workers: { count: 1 } } }).level).toBe('ok');
  });

  it('polls /health/processing every 15 seconds and reports a 503 as workers down', async () => {
    vi.useFakeTimers();
    const fetchMock = vi
      .fn<typeof fetch>()
      .mockImplementationOnce(() => Promise.resolve(jsonResponse({ workers: { count: 2 } })))
      .mockImplementation(() =>
        Promise.resolve(jsonResponse({ queued: 4, workers: { count: 0, live: [] } }, 503, 'Service Unavailable')),
      );
    vi.stubGlobal('fetch', fetchMock);
    const { result } = renderHook(() => useProcessingHealth());
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(result.current.level).toBe('ok');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(14_999);
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(result.current.level).toBe('workers-down');
  });
});
