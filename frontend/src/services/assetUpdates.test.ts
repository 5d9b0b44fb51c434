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
