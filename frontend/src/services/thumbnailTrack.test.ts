import { describe, expect, it } from 'vitest';
import { cueAt, parseThumbnailTrack, parseTimestamp } from './thumbnailTrack';

const TRACK = [
  'WEBVTT',
  '',
  'NOTE made by the scrub stage',
  '',
  '1',
  '00:00:00.000 --> 00:00:02.500',
  'scrub-7.jpg#xywh=0,0,160,90',
  '',
  '2',
  '00:00:02.500 --> 00:00:05.000 align:start',
  'scrub-7.jpg#xywh=160,0,160,90',
  '',
  '00:05.000 --> 00:07.500',
  '/thumbnails/other.jpg#xywh=pixel:0,90,160,90',
  '',
].join('\r\n');

describe('thumbnail track', () => {
  it.each([
    ['00:00:02.500', 2.5],
    ['01:02:03.004', 3723.004],
    ['02:03.5', 123.5],
    ['00:10', 10],
    ['10', Number.NaN],
    ['aa:bb:cc', Number.NaN],
  ])('reads the timestamp %s as %d seconds', (text, seconds) => {
    expect(parseTimestamp(text)).toBe(seconds);
  });

  it('reads each cue as a sprite region, resolving the sprite against the track', () => {
    const cues = parseThumbnailTrack(TRACK, 'http://mam.test/thumbnails/ab/scrub-7.vtt');
    expect(cues).toEqual([
      { start: 0, end: 2.5, url: 'http://mam.test/thumbnails/ab/scrub-7.jpg', x: 0, y: 0, width: 160, height: 90 },
      { start: 2.5, end: 5, url: 'http://mam.test/thumbnails/ab/scrub-7.jpg', x: 160, y: 0, width: 160, height: 90 },
      { start: 5, end: 7.5, url: 'http://mam.test/thumbnails/other.jpg', x: 0, y: 90, width: 160, height: 90 },
    ]);
  });

  it('leaves out cues it cannot read and keeps the rest', () => {
    const text = [
      'WEBVTT',
      '',
      'nonsense --> 00:00:01.000',
      'a.jpg#xywh=0,0,10,10',
      '',
      '00:00:01.000 --> 00:00:02.000',
      'a.jpg',
      '',
      '00:00:02.000 --> 00:00:03.000',
      'a.jpg#xywh=0,0,-4,10',
      '',
      '00:00:03.000 --> 00:00:04.000',
      'a.jpg#xywh=10,0,10,10',
    ].join('\n');
    const cues = parseThumbnailTrack(text, 'http://mam.test/t/a.vtt');
    expect(cues.map((cue) => [cue.start, cue.x])).toEqual([[3, 10]]);
  });

  it('reads nothing from a file that is not WebVTT', () => {
    expect(parseThumbnailTrack('<html>Not found</html>', 'http://mam.test/a.vtt')).toEqual([]);
  });

  it('finds the cue showing at a moment, and none before the first', () => {
    const cues = parseThumbnailTrack(TRACK, 'http://mam.test/thumbnails/ab/scrub-7.vtt');
    expect(cueAt(cues, 0)?.x).toBe(0);
    expect(cueAt(cues, 2.49)?.x).toBe(0);
    expect(cueAt(cues, 2.5)?.x).toBe(160);
    expect(cueAt(cues, 6)?.y).toBe(90);
    expect(cueAt(cues, 100)?.y).toBe(90);
    expect(cueAt(cues.slice(1), 1)).toBeNull();
    expect(cueAt([], 1)).toBeNull();
  });
});
