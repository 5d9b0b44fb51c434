import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryAfterMs } from '../services/thumbnailRetry';
import { Thumbnail } from './Thumbnail';

// Made by the server's encoder from a picture blue on the left and red on the right.
const BLUE_THEN_RED = 'L^G;#w6;Ws$0o3a~fQjsfQfQfQfQ';
const PAINTED = 'data:image/png;base64,BLURHASH';

/** jsdom has no 2D canvas: one that records what was drawn, and a fixed data URL. */
function fakeCanvas() {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(
    () =>
      ({
        createImageData: (width: number, height: number) => ({ data: new Uint8ClampedArray(width * height * 4) }),
        putImageData: vi.fn(),
      }) as unknown as CanvasRenderingContext2D,
  );
  vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockReturnValue(PAINTED);
}

const frame = () => screen.getByTestId('thumbnail-placeholder').parentElement as HTMLElement;

function answer(status: number, headers: Record<string, string> = {}): Response {
  return new Response(status === 200 ? new Uint8Array([0xff, 0xd8, 0xff]) : '{"error":"Too many requests"}', { status, headers });
}

beforeEach(() => {
  fakeCanvas();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('Thumbnail', () => {
  it('paints the blurhash until the picture has loaded, then shows the picture', () => {
    render(<Thumbnail src="/thumbnails/ab/1.jpg" alt="Thumbnail of Dunes" kind="image" blurhash={BLUE_THEN_RED} aspectRatio={0.75} />);
    expect(frame().style.backgroundImage).toBe(`url("${PAINTED}")`);
    // The blurhash stands in for the picture: no type icon over it.
    expect(screen.getByTestId('thumbnail-placeholder').querySelector('.media-icon')).toBeNull();
    const img = screen.getByRole('img', { name: 'Thumbnail of Dunes' });
    expect(img).not.toHaveClass('thumb__img--loaded');
    // It keeps its own shape, whatever the frame's.
    expect(img).toHaveClass('thumb__img--fit');
    expect(img.style.aspectRatio).toBe('0.75');
    fireEvent.load(img);
    expect(img).toHaveClass('thumb__img--loaded');
    expect(screen.queryByTestId('thumbnail-placeholder')).not.toBeInTheDocument();
  });

  it('shows the type icon when there is neither a picture nor a readable blurhash', () => {
    render(<Thumbnail src={null} alt="" kind="video" blurhash="not a blurhash" />);
    expect(screen.getByTestId('thumbnail-placeholder').querySelector('.media-icon')).not.toBeNull();
    expect(frame().style.backgroundImage).toBe('');
  });

  it('asks again after Retry-After when the server rate limited the picture, the blurhash staying meanwhile', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn().mockResolvedValueOnce(answer(429, { 'Retry-After': '3' })).mockResolvedValueOnce(answer(200));
    vi.stubGlobal('fetch', fetchMock);
    render(<Thumbnail src="/thumbnails/ab/2.jpg" alt="Thumbnail of Pier" kind="image" blurhash={BLUE_THEN_RED} />);
    const first = screen.getByRole('img', { name: 'Thumbnail of Pier' });
    await act(async () => {
      fireEvent.error(first);
      await vi.advanceTimersByTimeAsync(0);
    });
    // The server said why: 429, come back in 3 s. Until then, the blurhash and no broken picture.
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/thumbnails/ab/2.jpg');
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(frame().style.backgroundImage).toBe(`url("${PAINTED}")`);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2_900);
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(200);
    });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    // Served this time: a new <img> asks for it again (from the HTTP cache) and fades in.
    const second = screen.getByRole('img', { name: 'Thumbnail of Pier' });
    expect(second).not.toBe(first);
    expect(second).toHaveAttribute('src', '/thumbnails/ab/2.jpg');
    fireEvent.load(second);
    expect(second).toHaveClass('thumb__img--loaded');
    expect(screen.queryByTestId('thumbnail-placeholder')).not.toBeInTheDocument();
  });

  it('gives up after a bounded number of rate-limited attempts and shows the type icon', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn().mockImplementation(() => Promise.resolve(answer(429, { 'Retry-After': '1' })));
    vi.stubGlobal('fetch', fetchMock);
    render(<Thumbnail src="/thumbnails/ab/3.jpg" alt="Thumbnail of Quay" kind="image" blurhash={BLUE_THEN_RED} />);
    fireEvent.error(screen.getByRole('img', { name: 'Thumbnail of Quay' }));
    for (let second = 0; second < 10; second += 1) {
      await act(async () => {
        await vi.advanceTimersByTimeAsync(1_000);
      });
    }
    expect(fetchMock).toHaveBeenCalledTimes(5);
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.getByTestId('thumbnail-placeholder').querySelector('.media-icon')).not.toBeNull();
    expect(frame().style.backgroundImage).toBe('');
  });

  it('gives up on a picture the server serves but the browser cannot show, after a bounded number of tries', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn().mockImplementation(() => Promise.resolve(answer(200)));
    vi.stubGlobal('fetch', fetchMock);
    render(<Thumbnail src="/thumbnails/ab/5.jpg" alt="Thumbnail of Mill" kind="image" />);
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const img = screen.queryByRole('img', { name: 'Thumbnail of Mill' });
      if (img === null) break;
      await act(async () => {
        fireEvent.error(img);
        await vi.advanceTimersByTimeAsync(0);
      });
    }
    expect(fetchMock).toHaveBeenCalledTimes(5);
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.getByTestId('thumbnail-placeholder').querySelector('.media-icon')).not.toBeNull();
  });

  it('shows the type icon at once for a picture that is gone (404), without asking again', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn().mockResolvedValue(answer(404));
    vi.stubGlobal('fetch', fetchMock);
    render(<Thumbnail src="/thumbnails/ab/4.jpg" alt="Thumbnail of Lock" kind="image" blurhash={BLUE_THEN_RED} />);
    await act(async () => {
      fireEvent.error(screen.getByRole('img', { name: 'Thumbnail of Lock' }));
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.getByTestId('thumbnail-placeholder').querySelector('.media-icon')).not.toBeNull();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(120_000);
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds or an HTTP date, and waits at least a second and at most a minute', () => {
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs('0')).toBe(1_000);
    expect(retryAfterMs(null)).toBe(1_000);
    expect(retryAfterMs('3600')).toBe(60_000);
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(retryAfterMs('Thu, 01 Jan 2026 10:00:05 GMT', now)).toBe(5_000);
    expect(retryAfterMs('soon')).toBe(1_000);
  });
});
