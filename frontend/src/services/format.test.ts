import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fakes';
import { assetFacts, formatDuration, formatFileSize } from './format';

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
});
