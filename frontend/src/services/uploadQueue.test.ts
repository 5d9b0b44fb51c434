import { describe, expect, it, vi } from 'vitest';
import { makeAsset } from '../test/fakes';
import { ApiError } from './api';
import { UploadQueue, type UploadItem } from './uploadQueue';
import type { RunningUpload, UploadEvents } from './uploads';

interface Started {
  events: UploadEvents;
  handle: RunningUpload & { [K in keyof RunningUpload]: ReturnType<typeof vi.fn> };
}

function harness(parallel = 2) {
  const started = new Map<string, Started>();
  let now = 0;
  const start = vi.fn((file: File, events: UploadEvents) => {
    const handle = { cancel: vi.fn(() => Promise.resolve()), resume: vi.fn(), pause: vi.fn() };
    started.set(file.name, { events, handle });
    return handle;
  });
  const queue = new UploadQueue(start, () => now, parallel);
  const of = (name: string): Started => {
    const entry = started.get(name);
    if (!entry) throw new Error(`${name} has not started`);
    return entry;
  };
  const item = (name: string): UploadItem => {
    const found = queue.getSnapshot().find((i) => i.name === name);
    if (!found) throw new Error(`${name} is not listed`);
    return found;
  };
  return { queue, start, of, item, tick: (ms: number) => (now += ms) };
}

const file = (name: string, size = 100) => new File([new Uint8Array(size)], name);

describe('UploadQueue', () => {
  it('sends two files at a time, newest listed first, and starts the next when one finishes', () => {
    const { queue, start, of, item } = harness();
    const uploaded = vi.fn();
    queue.onUploaded(uploaded);
    queue.add([file('a.jpg'), file('b.jpg'), file('c.jpg')]);
    expect(queue.getSnapshot().map((i) => i.name)).toEqual(['c.jpg', 'b.jpg', 'a.jpg']);
    expect(start.mock.calls.map(([f]) => f.name)).toEqual(['a.jpg', 'b.jpg']);
    expect(item('c.jpg').phase).toBe('queued');

    const asset = makeAsset({ id: 7 });
    of('a.jpg').events.onComplete(asset);
    expect(item('a.jpg')).toMatchObject({ phase: 'done', assetId: 7 });
    expect(uploaded).toHaveBeenCalledWith(asset);
    expect(start.mock.calls.map(([f]) => f.name)).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
  });

  it('tells subscribers about every change', () => {
    const { queue, of } = harness();
    const listener = vi.fn();
    queue.subscribe(listener);
    queue.add([file('a.jpg')]);
    const before = queue.getSnapshot();
    of('a.jpg').events.onProgress(10, 100);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(queue.getSnapshot()).not.toBe(before);
  });

  it('measures a smoothed speed and the time left from progress', () => {
    const { queue, of, item, tick } = harness();
    queue.add([file('a.mp4', 10_000_000)]);
    const { events } = of('a.mp4');
    events.onProgress(0, 10_000_000);
    expect(item('a.mp4').bytesPerSecond).toBeNull();
    tick(1000);
    events.onProgress(1_000_000, 10_000_000);
    expect(item('a.mp4').bytesPerSecond).toBeCloseTo(1_000_000);
    expect(item('a.mp4').secondsLeft).toBeCloseTo(9);
    // A burst moves the average only part of the way.
    tick(1000);
    events.onProgress(4_000_000, 10_000_000);
    const speed = item('a.mp4').bytesPerSecond ?? 0;
    expect(speed).toBeGreaterThan(1_000_000);
    expect(speed).toBeLessThan(3_000_000);
    expect(item('a.mp4').sent).toBe(4_000_000);
  });

  it('cancel stops the upload on the server, and a queued file just leaves the queue', () => {
    const { queue, start, of, item } = harness(1);
    queue.add([file('a.jpg'), file('b.jpg'), file('c.jpg')]);
    const c = item('c.jpg').key;
    queue.cancel(c);
    expect(item('c.jpg').phase).toBe('cancelled');
    queue.cancel(item('a.jpg').key);
    expect(of('a.jpg').handle.cancel).toHaveBeenCalledTimes(1);
    expect(item('a.jpg').phase).toBe('cancelled');
    // Late news from the cancelled upload changes nothing.
    of('a.jpg').events.onProgress(50, 100);
    expect(item('a.jpg')).toMatchObject({ phase: 'cancelled', sent: 0 });
    expect(start.mock.calls.map(([f]) => f.name)).toEqual(['a.jpg', 'b.jpg']);
  });

  it('keeps a refusal’s message, and the next file goes', () => {
    const { queue, start, of, item } = harness(1);
    queue.add([file('a.jpg'), file('b.jpg')]);
    of('a.jpg').events.onError(new ApiError('The file’s content is not a JPEG image.', 415));
    expect(item('a.jpg')).toMatchObject({ phase: 'failed', error: 'The file’s content is not a JPEG image.', canRetry: false });
    expect(start).toHaveBeenCalledTimes(2);
    queue.retry(item('a.jpg').key);
    expect(of('a.jpg').handle.resume).not.toHaveBeenCalled();
  });

  it('an unreachable server can be tried again, from where the upload stopped', () => {
    const { queue, of, item } = harness();
    queue.add([file('a.jpg')]);
    of('a.jpg').events.onError(new ApiError('Could not reach the MAM server.', 0));
    expect(item('a.jpg')).toMatchObject({ phase: 'failed', canRetry: true });
    queue.retry(item('a.jpg').key);
    expect(of('a.jpg').handle.resume).toHaveBeenCalledTimes(1);
    expect(item('a.jpg')).toMatchObject({ phase: 'uploading', error: null });
  });

  it('remembers where an upload resumed from, and waits out a dropped network', () => {
    const { queue, of, item } = harness();
    queue.add([file('a.jpg', 200)]);
    of('a.jpg').events.onResumed(50, 200);
    expect(item('a.jpg')).toMatchObject({ resumedFrom: 0.25, sent: 50 });
    of('a.jpg').events.onWaitingForNetwork();
    expect(item('a.jpg')).toMatchObject({ phase: 'waitingForNetwork', bytesPerSecond: null });
    of('a.jpg').events.onProgress(120, 200);
    expect(item('a.jpg')).toMatchObject({ phase: 'uploading', sent: 120 });
  });

  it('stop pauses every upload without deleting it on the server', () => {
    const { queue, of } = harness();
    queue.add([file('a.jpg'), file('b.jpg')]);
    queue.stop();
    expect(of('a.jpg').handle.pause).toHaveBeenCalled();
    expect(of('b.jpg').handle.pause).toHaveBeenCalled();
    expect(of('a.jpg').handle.cancel).not.toHaveBeenCalled();
  });
});
