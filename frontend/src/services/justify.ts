/**
 * The library grid's justified layout: pictures in rows of one height, each as wide as its
 * aspect ratio makes it, each full row exactly as wide as the grid (the last row of a run keeps
 * the target height and is not stretched). Pure arithmetic, so the grid, its virtualizer and the
 * tests agree on every row's cards and sizes; with month headings it also says where each month
 * starts a new run.
 */
import type { Asset } from './api';
import { monthOf, type MonthKey } from './timeline';

/** The shape assumed for an asset that has no thumbnail yet (pending, processing, failed). */
export const FALLBACK_ASPECT = 4 / 3;
/**
 * Narrower pictures get a box this wide for their height and are centred in it: a card narrower
 * than that leaves no room for its title. Phone portraits (9:16) are wider than this.
 */
export const MIN_BOX_ASPECT = 0.5;
/**
 * Browsers lay out in 1/64 px: widths are rounded down to that, so a row's cards never add up to
 * a hair more than the grid and wrap its last card onto a line of its own.
 */
const LAYOUT_UNIT = 64;

export interface JustifiedRow {
  /** Items [start, end) of those given. */
  start: number;
  end: number;
  /** The row's picture height, px. */
  height: number;
  /** Each card's width, px, in order: height × its (box) aspect ratio. */
  widths: number[];
  /** Whether the row was stretched to the full width (false: the last row of a run). */
  full: boolean;
}

export interface JustifyOptions {
  /** The grid's inner width, px; 0 or less (not laid out yet) puts each card on its own row. */
  width: number;
  /** The height rows aim for, px: a full row is the one whose height comes closest to it. */
  rowHeight: number;
  /** Space between cards in a row, px. */
  gap: number;
}

const floorToUnit = (value: number) => Math.floor(value * LAYOUT_UNIT) / LAYOUT_UNIT;

function sizedRow(aspects: readonly number[], start: number, end: number, height: number, full: boolean): JustifiedRow {
  const widths: number[] = [];
  for (let index = start; index < end; index += 1) widths.push(floorToUnit(height * (aspects[index] ?? FALLBACK_ASPECT)));
  return { start, end, height, widths, full };
}

/** The height at which items [start, end) fill `width` exactly. */
function fillHeight(sum: number, count: number, { width, gap }: JustifyOptions): number {
  return (width - gap * (count - 1)) / sum;
}

/**
 * Rows of the given aspect ratios (width / height; each a box's, already clamped). Greedy, one
 * pass: a row takes cards until filling the width would make it lower than the target, then
 * keeps the last card or leaves it for the next row, whichever height is nearer the target. A
 * picture too wide for the grid at the target height is a row of its own, scaled down to fit.
 */
export function justify(aspects: readonly number[], options: JustifyOptions): JustifiedRow[] {
  const rows: JustifiedRow[] = [];
  const { width, rowHeight } = options;
  if (width <= 0) {
    for (let index = 0; index < aspects.length; index += 1) rows.push(sizedRow(aspects, index, index + 1, rowHeight, false));
    return rows;
  }
  let start = 0;
  let sum = 0;
  for (let index = 0; index < aspects.length; index += 1) {
    const aspect = aspects[index] ?? FALLBACK_ASPECT;
    const count = index - start + 1;
    const height = fillHeight(sum + aspect, count, options);
    if (height > rowHeight) {
      sum += aspect;
      continue;
    }
    const without = count > 1 ? fillHeight(sum, count - 1, options) : Number.POSITIVE_INFINITY;
    if (Math.abs(without - rowHeight) < Math.abs(height - rowHeight)) {
      rows.push(sizedRow(aspects, start, index, without, true));
      start = index;
      sum = aspect;
      // This card alone may already fill the row (a panorama).
      const alone = fillHeight(aspect, 1, options);
      if (alone <= rowHeight) {
        rows.push(sizedRow(aspects, index, index + 1, alone, true));
        start = index + 1;
        sum = 0;
      }
    } else {
      rows.push(sizedRow(aspects, start, index + 1, height, true));
      start = index + 1;
      sum = 0;
    }
  }
  if (start < aspects.length) rows.push(sizedRow(aspects, start, aspects.length, rowHeight, false));
  return rows;
}

/** The fields of an asset the layout reads. */
export type LaidOutAsset = Pick<Asset, 'id' | 'captured_at' | 'media_metadata'>;

const positive = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);

/**
 * An asset's picture's aspect ratio: its thumbnail's size, else its display size, else 4:3 (no
 * picture yet, or none can be made).
 */
export function aspectOf(asset: Pick<Asset, 'media_metadata'>): number {
  const metadata = asset.media_metadata;
  const thumbWidth = positive(metadata.thumbnail_width);
  const thumbHeight = positive(metadata.thumbnail_height);
  if (metadata.thumbnail_url && thumbWidth && thumbHeight) return thumbWidth / thumbHeight;
  const width = positive(metadata.width);
  const height = positive(metadata.height);
  if (width && height) return width / height;
  return FALLBACK_ASPECT;
}

/** The card's box: the picture's aspect ratio, but never narrower than MIN_BOX_ASPECT. */
export function boxAspectOf(asset: Pick<Asset, 'media_metadata'>): number {
  return Math.max(MIN_BOX_ASPECT, aspectOf(asset));
}

/** A line of the virtualized grid: a month's heading, or a justified row of cards (items[start, end)). */
export type GridLine =
  | { kind: 'month'; month: MonthKey; key: string }
  | ({ kind: 'cards'; key: string } & JustifiedRow);

/**
 * The grid's lines for the items loaded. Grouped, a heading goes before the first card of each
 * month and each month's cards are a run of rows of their own. Keys follow the content (a
 * heading's month, a row's first asset), so measured heights stay with their line when items
 * are added above.
 */
export function justifiedLines(items: readonly LaidOutAsset[], options: JustifyOptions, grouped: boolean): GridLine[] {
  const lines: GridLine[] = [];
  const aspects = items.map(boxAspectOf);
  let start = 0;
  while (start < items.length) {
    let end = items.length;
    if (grouped) {
      const month = monthOf(items[start]?.captured_at);
      lines.push({ kind: 'month', month, key: `month:${month}:${items[start]?.id ?? start}` });
      end = start + 1;
      while (end < items.length && monthOf(items[end]?.captured_at) === month) end += 1;
    }
    for (const row of justify(aspects.slice(start, end), options)) {
      const first = start + row.start;
      lines.push({
        ...row,
        kind: 'cards',
        start: first,
        end: start + row.end,
        key: `cards:${items[first]?.id ?? first}`,
      });
    }
    start = end;
  }
  return lines;
}
