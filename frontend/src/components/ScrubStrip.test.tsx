import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installPointerEvents } from '../test/pointer';
import { ScrubStrip } from './ScrubStrip';

const TRACK = [
  'WEBVTT',
  '',
  '00:00:00.000 --> 00:00:05.000',
  'clip-sprite.jpg#xywh=0,0,160,90',
  '',
  '00:00:05.000 --> 00:00:10.000',
  'clip-sprite.jpg#xywh=160,0,160,90',
  '',
  '00:00:10.000 --> 00:00:15.000',
  'clip-sprite.jpg#xywh=0,90,160,90',
  '',
  '00:00:15.000 --> 00:00:20.000',
  'clip-sprite.jpg#xywh=160,90,160,90',
].join('\n');

let requested: string[];

beforeEach(() => {
  installPointerEvents();
  requested = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : input.toString();
      requested.push(url);
      return Promise.resolve(new Response(url.endsWith('.vtt') ? TRACK : 'gone', { status: url.endsWith('.vtt') ? 200 : 404 }));
    }),
  );
  // The strip is 400 px wide from x = 100.
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
    left: 100, top: 0, right: 500, bottom: 12, width: 400, height: 12, x: 100, y: 0, toJSON: () => ({}),
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ScrubStrip', () => {
  it('shows the frame for the moment under the pointer, cut from the sprite, and seeks there on a press', async () => {
    const video = document.createElement('video');
    const onSeek = vi.fn();
    render(<ScrubStrip trackUrl="/thumbnails/ab/clip.vtt" video={video} duration={20} onSeek={onSeek} />);
    const strip = await screen.findByRole('slider', { name: 'Seek, with a preview of each moment' });
    expect(requested).toEqual(['/thumbnails/ab/clip.vtt']);

    // 3/4 of the way: 15 s, the fourth frame.
    fireEvent.pointerMove(strip, { clientX: 400 });
    const frame = screen.getByTestId('scrub-preview');
    expect(frame.style.backgroundImage).toBe(`url("${window.location.origin}/thumbnails/ab/clip-sprite.jpg")`);
    expect(frame.style.backgroundPosition).toBe('-160px -90px');
    expect(frame.style.width).toBe('160px');
    // Centred on the pointer (300 px into the strip).
    expect(frame.style.left).toBe('220px');
    expect(frame).toHaveTextContent('0:15');

    // Near the left edge: the first frame, kept inside the strip.
    fireEvent.pointerMove(strip, { clientX: 110 });
    expect(screen.getByTestId('scrub-preview').style.backgroundPosition).toBe('0px 0px');
    expect(screen.getByTestId('scrub-preview').style.left).toBe('0px');

    fireEvent.pointerDown(strip, { clientX: 300 });
    expect(onSeek).toHaveBeenCalledWith(10);
    expect(strip).toHaveAttribute('aria-valuetext', '0:10 of 0:20');

    fireEvent.pointerLeave(strip);
    expect(screen.queryByTestId('scrub-preview')).not.toBeInTheDocument();
  });

  it('seeks five seconds with the arrow keys, keeping them from the viewer', async () => {
    const video = document.createElement('video');
    const onSeek = vi.fn();
    const outside = vi.fn();
    document.addEventListener('keydown', outside);
    render(<ScrubStrip trackUrl="/thumbnails/ab/clip.vtt" video={video} duration={20} onSeek={onSeek} />);
    const strip = await screen.findByRole('slider');
    fireEvent.keyDown(strip, { key: 'ArrowRight' });
    fireEvent.keyDown(strip, { key: 'ArrowRight' });
    fireEvent.keyDown(strip, { key: 'ArrowLeft' });
    expect(onSeek.mock.calls.map(([time]) => time as number)).toEqual([5, 10, 5]);
    expect(outside).not.toHaveBeenCalled();
    document.removeEventListener('keydown', outside);
  });

  it('shows no strip when the track cannot be read', async () => {
    const video = document.createElement('video');
    const { container } = render(<ScrubStrip trackUrl="/thumbnails/ab/gone.txt" video={video} duration={20} onSeek={vi.fn()} />);
    await vi.waitFor(() => expect(requested).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(container).toBeEmptyDOMElement();
  });
});
