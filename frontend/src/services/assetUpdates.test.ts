import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fakes';
import { applyProcessingUpdate, matchesFilter, mediaKindOf, needsRefetch, placeAsset } from './assetUpdates';

describe('applyProcessingUpdate', () => {
  it('takes status, progress and stage from the event and keeps the rest', () => {
    const asset = makeAsset({ status: 'pending', processing: { stage: null, progress: 0, error: null } });
    const next = applyProcessingUpdate(asset, { asset_id: 1, progress: 40, stage: 'thumbnail', status: 'processing' });
    expect(next.status).toBe('processing');
    expect(next.processing).toEqual({ stage: 'thumbnail', progress: 40, error: null });
    expect(next.title).toBe(asset.title);
    expect(asset.status).toBe('pending');
  });

  it('records the failure reason and a new thumbnail url', () => {
    const asset = makeAsset({ media_metadata: {} });
    expect(applyProcessingUpdate(asset, { asset_id: 1, status: 'failed', error: 'ffprobe timed out' }).processing.error).toBe(
      'ffprobe timed out',
    );
    expect(
      applyProcessingUpdate(asset, { asset_id: 1, status: 'ready', thumbnail_url: '/thumbnails/1.jpg' }).media_metadata
        .thumbnail_url,
    ).toBe('/thumbnails/1.jpg');
  });

  it('clears an old failure when processing starts again', () => {
    const failed = makeAsset({ status: 'failed', processing: { stage: 'metadata', progress: 10, error: 'boom' } });
    expect(applyProcessingUpdate(failed, { asset_id: 1, status: 'processing', progress: 5 }).processing.error).toBeNull();
  });
});

describe('needsRefetch', () => {
  it('refetches finished and unknown assets only', () => {
    expect(needsRefetch({ asset_id: 1, status: 'ready' }, true)).toBe(true);
    expect(needsRefetch({ asset_id: 1, status: 'processing' }, false)).toBe(true);
    expect(needsRefetch({ asset_id: 1, status: 'processing' }, true)).toBe(false);
  });
});

describe('matchesFilter', () => {
  it('derives the type from the mime prefix and matches title or path', () => {
    const video = makeAsset({ mime_type: 'video/mp4', title: 'Clip', file_path: 'trips/rome.mp4' });
    expect(mediaKindOf('video/quicktime')).toBe('video');
    expect(matchesFilter(video, { type: 'video', status: '', q: 'ROME', tags: [] })).toBe(true);
    expect(matchesFilter(video, { type: 'image', status: '', q: '', tags: [] })).toBe(false);
    expect(matchesFilter(video, { type: '', status: 'failed', q: '', tags: [] })).toBe(false);
    expect(matchesFilter(video, { type: '', status: '', q: 'paris', tags: [] })).toBe(false);
  });

  it('wants every tag of the filter, whatever its case', () => {
    const tagged = makeAsset({ tags: ['Beach', 'sunset'] });
    const filter = { type: '', status: '', q: '' } as const;
    expect(matchesFilter(tagged, { ...filter, tags: ['beach'] })).toBe(true);
    expect(matchesFilter(tagged, { ...filter, tags: ['SUNSET', 'beach'] })).toBe(true);
    expect(matchesFilter(tagged, { ...filter, tags: ['beach', 'rome'] })).toBe(false);
    expect(matchesFilter(makeAsset(), { ...filter, tags: ['beach'] })).toBe(false);
  });

  it('compares what processing found as the server does, and an unprocessed asset meets none of it', () => {
    const filter = { type: '', status: '', q: '', tags: [] } as const;
    const photo = makeAsset({ media_metadata: { width: 3000, height: 4000, camera: 'Canon EOS R5' }, captured_at: '2024-06-01T12:00:00Z' });
    const clip = makeAsset({ mime_type: 'video/mp4', media_metadata: { width: 1920, height: 1080, duration: 12.5, has_audio: false } });
    const unprocessed = makeAsset({ status: 'pending', media_metadata: {} });
    expect(matchesFilter(photo, { ...filter, cameras: ['canon eos r5'], orientation: 'portrait', minWidth: 3000 })).toBe(true);
    expect(matchesFilter(photo, { ...filter, cameras: ['Canon'] })).toBe(false);
    expect(matchesFilter(photo, { ...filter, minHeight: 4001 })).toBe(false);
    expect(matchesFilter(photo, { ...filter, orientation: 'landscape' })).toBe(false);
    expect(matchesFilter(photo, { ...filter, hasAudio: false })).toBe(false); // a picture has neither
    expect(matchesFilter(photo, { ...filter, minDuration: 0 })).toBe(false);
    expect(matchesFilter(clip, { ...filter, minDuration: 12.5, maxDuration: 12.5, hasAudio: false, orientation: 'landscape' })).toBe(true);
    expect(matchesFilter(clip, { ...filter, maxDuration: 12 })).toBe(false);
    expect(matchesFilter(clip, { ...filter, hasAudio: true })).toBe(false);
    expect(matchesFilter(photo, { ...filter, takenAfter: '2024-01-01T00:00:00Z', takenBefore: '2024-12-31T23:59:59.999999Z' })).toBe(true);
    expect(matchesFilter(photo, { ...filter, takenAfter: '2025-01-01T00:00:00Z' })).toBe(false);
    expect(matchesFilter(clip, { ...filter, takenBefore: '2030-01-01T00:00:00Z' })).toBe(false); // no captured_at said
    for (const media of [{ minWidth: 0 }, { orientation: 'square' as const }, { hasAudio: false }, { cameras: ['x'] }]) {
      expect(matchesFilter(unprocessed, { ...filter, ...media })).toBe(false);
    }
    expect(matchesFilter(unprocessed, { ...filter, minWidth: null, cameras: [], orientation: '', hasAudio: null })).toBe(true);
  });
});

describe('placeAsset', () => {
  const items = [
    makeAsset({ id: 3, created_at: '2026-01-03T00:00:00Z' }),
    makeAsset({ id: 2, created_at: '2026-01-02T00:00:00Z' }),
  ];

  it('puts a new asset first when newest come first', () => {
    const fresh = makeAsset({ id: 9, created_at: '2026-02-01T00:00:00Z' });
    expect(placeAsset(items, fresh, '-created_at', { complete: false })?.map((a) => a.id)).toEqual([9, 3, 2]);
  });

  it('leaves out one that sorts after the last asset loaded while more pages follow', () => {
    const older = makeAsset({ id: 1, created_at: '2025-12-01T00:00:00Z' });
    expect(placeAsset(items, older, '-created_at', { complete: false })).toBeNull();
    expect(placeAsset([], older, '-created_at', { complete: false })).toBeNull();
    expect(placeAsset(items, older, '-created_at', { complete: true })?.map((a) => a.id)).toEqual([3, 2, 1]);
  });

  it('sorts it in by title among however many are loaded', () => {
    const titled = [makeAsset({ id: 1, title: 'Alpha' }), makeAsset({ id: 2, title: 'Gamma' })];
    const fresh = makeAsset({ id: 5, title: 'Beta' });
    expect(placeAsset(titled, fresh, 'title', { complete: false })?.map((a) => a.id)).toEqual([1, 5, 2]);
    expect(placeAsset(titled, makeAsset({ id: 6, title: 'Zeta' }), 'title', { complete: false })).toBeNull();
  });
});
