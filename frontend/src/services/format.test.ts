import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fakes';
import { assetFacts, formatAssetCount, formatDuration, formatFileSize, formatSpeed, formatTimeLeft, percentOf, stageLabel } from './format';

describe('formatting', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KB'],
    [5_242_880, '5.0 MB'],
    [150 * 1024 ** 3, '150 GB'],
  ])('writes %i bytes as %s', (bytes, text) => {
    expect(formatFileSize(bytes)).toBe(text);
  });

  it('names the rendition stages in words', () => {
    expect(stageLabel('scrub_strip')).toBe('scrub strip');
    expect(stageLabel('proxy')).toBe('playable copy');
    expect(stageLabel('not_queued')).toBe('Not queued');
  });

  it('writes durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(12.5)).toBe('0:13');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('lists duration for videos and dimensions for images', () => {
    expect(assetFacts(makeAsset({ mime_type: 'video/mp4', file_size: 2048, media_metadata: { duration: 65, width: 1920, height: 1080 } }))).toEqual([
      'video',
      '2.0 KB',
      '1:05',
    ]);
    expect(assetFacts(makeAsset())).toEqual(['image', '5.0 MB', '6000×4000']);
  });

  it.each([
    [null, '—'],
    [512 * 1024, '512 KB/s'],
    [3.2 * 1024 * 1024, '3.2 MB/s'],
    [-1, '—'],
  ])('writes an upload speed of %s bytes/s as %s', (rate, text) => {
    expect(formatSpeed(rate)).toBe(text);
  });

  it.each([
    [null, ''],
    [0.2, '1 s left'],
    [8, '8 s left'],
    [185, '3 min 5 s left'],
    [4800, '1 h 20 min left'],
    [Number.POSITIVE_INFINITY, ''],
  ])('writes %s seconds to go as “%s”', (seconds, text) => {
    expect(formatTimeLeft(seconds)).toBe(text);
  });

  it('writes whole percents that reach 100 only when everything is there', () => {
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(999, 1000)).toBe(99);
    expect(percentOf(1000, 1000)).toBe(100);
  });

  it.each([
    [0, false, '0 assets'],
    [1, false, '1 asset'],
    [431, false, '431 assets'],
    [12_345, false, '12,345 assets'],
    [1_000_000, true, 'about 1,000,000 assets'],
    [998_734, true, 'about 1,000,000 assets'],
    [123_456, true, 'about 120,000 assets'],
    [47, true, 'about 47 assets'],
  ])('counts %i assets (estimated: %s) as %s', (total, estimated, text) => {
    expect(formatAssetCount(total, estimated)).toBe(text);
  });
});
