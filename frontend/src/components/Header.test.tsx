import { act, render, renderHook, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeHealth, useProcessingHealth } from '../hooks/useProcessingHealth';
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
    ['reconnecting', 'workers-down', 'warn', 'Reconnecting…'],
    ['connecting', 'unknown', 'warn', 'Connecting…'],
    ['offline', 'ok', 'bad', 'Offline'],
  ] as const)('%s socket with %s workers reads %s: %s', (connection, processing, level, text) => {
    expect(describeHealth(connection, processing)).toEqual({ level, text });
  });

  it('announces the state in the header', () => {
    render(<Header connection="connected" processing="workers-down" />);
    expect(screen.getByRole('status')).toHaveTextContent('Server status: Connected · workers down');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('MAM');
  });

  it('polls /health/processing every 15 seconds and reports a 503 as workers down', async () => {
    vi.useFakeTimers();
    const fetchMock = vi
      .fn<typeof fetch>()
      .mockImplementationOnce(() => Promise.resolve(jsonResponse({ workers: 2 })))
      .mockImplementation(() => Promise.resolve(jsonResponse({ queued: 4, workers: 0 }, 503, 'Service Unavailable')));
    vi.stubGlobal('fetch', fetchMock);
    const { result } = renderHook(() => useProcessingHealth());
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(result.current).toBe('ok');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(14_999);
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(result.current).toBe('workers-down');
  });
});
