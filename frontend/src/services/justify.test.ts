import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fakes';
import { aspectOf, boxAspectOf, FALLBACK_ASPECT, justifiedLines, justify, MIN_BOX_ASPECT } from './justify';

const options = { width: 1000, rowHeight: 180, gap: 16 };

/** A row's outer width: its cards and the gaps between them. */
const rowWidth = (widths: number[], gap = options.gap) => widths.reduce((sum, width) => sum + width, 0) + gap * (widths.length - 1);

describe('justify', () => {
  const aspects = [1.5, 0.75, 1.5, 4, 1, 0.5625, 1.333, 1.5, 0.75, 2.2, 1.5, 1];
  const rows = justify(aspects, options);

  it('fills every row but the last to the width, within a pixel and never over', () => {
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows.slice(0, -1)) {
      expect(row.full).toBe(true);
      expect(rowWidth(row.widths)).toBeLessThanOrEqual(options.width);
      expect(rowWidth(row.widths)).toBeGreaterThan(options.width - 1);
    }
  });

  it('keeps each picture’s aspect ratio and gives a row one height', () => {
    for (const row of rows) {
      row.widths.forEach((width, column) => {
        const aspect = aspects[row.start + column] ?? 0;
        expect(Math.abs(width / row.height - aspect) / aspect).toBeLessThan(0.005);
      });
    }
  });

  it('takes every picture once, in order', () => {
    expect(rows[0]?.start).toBe(0);
    rows.slice(1).forEach((row, index) => expect(row.start).toBe(rows[index]?.end));
    expect(rows[rows.length - 1]?.end).toBe(aspects.length);
    expect(rows.flatMap((row) => row.widths)).toHaveLength(aspects.length);
  });

  it('gives rows heights near the target', () => {
    for (const row of rows.slice(0, -1)) {
      expect(row.height).toBeGreaterThan(options.rowHeight * 0.6);
      expect(row.height).toBeLessThan(options.rowHeight * 1.6);
    }
  });

  it('does not stretch the last row: it keeps the target height and leaves the rest empty', () => {
    const short = justify([1.5, 1], options);
    expect(short).toHaveLength(1);
    expect(short[0]?.full).toBe(false);
    expect(short[0]?.height).toBe(180);
    expect(short[0]?.widths).toEqual([270, 180]);
  });

  it('puts a panorama too wide for the grid on a row of its own, scaled down to fit', () => {
    const first = justify([8, 1.5, 1.5], options);
    expect(first.map((row) => [row.start, row.end, row.full])).toEqual([
      [0, 1, true],
      [1, 3, false],
    ]);
    expect(first[0]?.height).toBe(125);
    expect(first[0]?.widths).toEqual([1000]);
    // After three landscapes that make a row of their own, nearer the target than with it.
    const after = justify([1.5, 1.5, 1.5, 8], options);
    expect(after.map((row) => [row.start, row.end, row.full])).toEqual([
      [0, 3, true],
      [3, 4, true],
    ]);
    expect(after[1]?.widths).toEqual([1000]);
  });

  it('has no rows for no pictures, and a card a row before the grid is laid out', () => {
    expect(justify([], options)).toEqual([]);
    const unlaid = justify([1.5, 0.75], { ...options, width: 0 });
    expect(unlaid.map((row) => [row.start, row.end, row.height, row.widths])).toEqual([
      [0, 1, 180, [270]],
      [1, 2, 180, [135]],
    ]);
  });

  it('stays linear: ten thousand pictures are laid out in well under a frame', () => {
    const many = Array.from({ length: 10_000 }, (_, index) => [1.5, 0.75, 1, 2.4][index % 4] ?? 1);
    const started = performance.now();
    const laid = justify(many, { width: 1400, rowHeight: 180, gap: 16 });
    expect(performance.now() - started).toBeLessThan(50);
    expect(laid[laid.length - 1]?.end).toBe(10_000);
  });
});

describe('an asset’s shape', () => {
  it('is its thumbnail’s, else its display size, else 4:3', () => {
    const thumb = { thumbnail_url: '/thumbnails/1.jpg', thumbnail_width: 180, thumbnail_height: 320, width: 4000, height: 3000 };
    expect(aspectOf(makeAsset({ media_metadata: thumb }))).toBeCloseTo(180 / 320);
    expect(aspectOf(makeAsset({ media_metadata: { width: 6000, height: 1000 } }))).toBe(6);
    expect(aspectOf(makeAsset({ status: 'pending', media_metadata: {} }))).toBe(FALLBACK_ASPECT);
    expect(aspectOf(makeAsset({ status: 'failed', media_metadata: { width: 0, height: 0 } }))).toBe(FALLBACK_ASPECT);
  });

  it('gets a box no narrower than half its height, so its title has room', () => {
    expect(boxAspectOf(makeAsset({ media_metadata: { width: 100, height: 1000 } }))).toBe(MIN_BOX_ASPECT);
    expect(boxAspectOf(makeAsset({ media_metadata: { width: 1080, height: 1920 } }))).toBeCloseTo(0.5625);
  });
});

describe('justifiedLines', () => {
  const at = (id: number, captured_at: string | undefined, width: number, height: number) =>
    makeAsset({ id, captured_at, media_metadata: { width, height } });

  it('heads each month and starts its cards on a row of their own, the month’s last row unstretched', () => {
    const items = [
      at(1, '2024-08-02T10:00:00Z', 3000, 2000),
      at(2, '2024-07-30T10:00:00Z', 3000, 2000),
      at(3, '2024-07-20T10:00:00Z', 2000, 3000),
      at(4, undefined, 4000, 1000),
    ];
    const lines = justifiedLines(items, options, true);
    expect(lines.map((line) => (line.kind === 'month' ? line.month : [line.start, line.end, line.full]))).toEqual([
      '2024-08',
      [0, 1, false],
      '2024-07',
      [1, 3, false],
      '',
      [3, 4, false],
    ]);
    expect(lines.map((line) => line.key)).toEqual(['month:2024-08:1', 'cards:1', 'month:2024-07:2', 'cards:2', 'month::4', 'cards:4']);
  });

  it('lays ungrouped items out as one run', () => {
    const items = Array.from({ length: 9 }, (_, index) => at(index + 1, undefined, 3000, 2000));
    const lines = justifiedLines(items, options, false);
    expect(lines.every((line) => line.kind === 'cards')).toBe(true);
    expect(lines.map((line) => (line.kind === 'cards' ? line.end - line.start : 0))).toEqual([4, 4, 1]);
  });
});
