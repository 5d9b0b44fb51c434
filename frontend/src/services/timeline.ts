/**
 * The library's timeline: months of `captured_at` (the date taken), always in UTC as the API
 * counts them (`GET /assets/timeline`), so a heading in the grid and a month in the scrubber
 * agree whatever the viewer's time zone. A jump to a month is a one-sided date-taken filter
 * (`taken_before` for newest first, `taken_after` for oldest first) kept in the URL, so Back
 * returns from it and the list, read by cursor, starts at that month.
 */
import type { Ordering } from '../contract';
import type { Asset, TimelineMonth } from './api';
import type { LibraryQuery } from './libraryQuery';

/** A month as the API writes it: "2024-07". '' stands for assets with no date taken. */
export type MonthKey = string;

/** The two orderings by date taken: only these group the grid by month. */
export function isDateOrdering(ordering: Ordering): ordering is '-captured_at' | 'captured_at' {
  return ordering === '-captured_at' || ordering === 'captured_at';
}

/** The UTC month of a time ("2024-07"), or '' when there is none or it cannot be read. */
export function monthOf(iso: string | null | undefined): MonthKey {
  if (!iso) return '';
  const time = Date.parse(iso);
  return Number.isNaN(time) ? '' : new Date(time).toISOString().slice(0, 7);
}

function parts(month: MonthKey): [number, number] | null {
  const match = /^(\d{4})-(\d\d)$/.exec(month);
  if (!match) return null;
  const monthNumber = Number(match[2]);
  return monthNumber >= 1 && monthNumber <= 12 ? [Number(match[1]), monthNumber] : null;
}

/** "July 2024" in the viewer's language (or `locale`), computed in UTC like the month itself. */
export function monthLabel(month: MonthKey, locale?: string): string {
  const parsed = parts(month);
  if (!parsed) return 'Date unknown';
  const [year, monthNumber] = parsed;
  return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, monthNumber - 1, 15)),
  );
}

/** Just the month's name ("July"), for the scrubber's lines under their year. */
export function monthName(month: MonthKey, locale?: string): string {
  const parsed = parts(month);
  if (!parsed) return month;
  return new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(parsed[0], parsed[1] - 1, 15)),
  );
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** The first instant of a month, as the API takes it ("2024-07-01T00:00:00Z"). */
export function monthStart(month: MonthKey): string {
  const parsed = parts(month);
  if (!parsed) return '';
  return `${pad(parsed[0], 4)}-${pad(parsed[1])}-01T00:00:00Z`;
}

/**
 * The last instant of a month the API can tell ("2024-07-31T23:59:59.999999Z"). `taken_before`
 * is inclusive: the next month's first instant would let a photo taken on the stroke of
 * midnight lead the list under the next month's heading.
 */
export function monthEnd(month: MonthKey): string {
  const parsed = parts(month);
  if (!parsed) return '';
  const [year, monthNumber] = parsed;
  const lastDay = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return `${pad(year, 4)}-${pad(monthNumber)}-${pad(lastDay)}T23:59:59.999999Z`;
}

/** The month a bound written by `monthStart` or `monthEnd` stands for, or null for any other time. */
function boundMonth(iso: string, edge: 'start' | 'end'): MonthKey | null {
  const month = iso.slice(0, 7);
  if (!parts(month)) return null;
  return (edge === 'start' ? monthStart(month) : monthEnd(month)) === iso ? month : null;
}

/** The change that makes the list start at a month: the bound the ordering reads from, the other one cleared. */
export function jumpTo(month: MonthKey, ordering: Ordering): Pick<LibraryQuery, 'takenAfter' | 'takenBefore'> {
  return ordering === 'captured_at'
    ? { takenAfter: monthStart(month), takenBefore: '' }
    : { takenAfter: '', takenBefore: monthEnd(month) };
}

/**
 * The month the list was jumped to, if the date-taken filter is such a jump: one bound only, on
 * a month's edge, on the side the ordering reads from. A year chosen from the facets (both
 * bounds) is a filter, not a jump.
 */
export function jumpedMonth(query: Pick<LibraryQuery, 'takenAfter' | 'takenBefore' | 'ordering'>): MonthKey | null {
  if (query.ordering === '-captured_at' && query.takenBefore && !query.takenAfter) return boundMonth(query.takenBefore, 'end');
  if (query.ordering === 'captured_at' && query.takenAfter && !query.takenBefore) return boundMonth(query.takenAfter, 'start');
  return null;
}

/** How a one-sided bound on a month's edge reads on its chip ("from July 2024", "until July 2024"), else null. */
export function monthBoundText(query: Pick<LibraryQuery, 'takenAfter' | 'takenBefore'> & { ordering?: Ordering }): string | null {
  if (query.takenAfter && query.takenBefore) return null;
  if (query.takenBefore) {
    const month = boundMonth(query.takenBefore, 'end');
    if (month === null) return null;
    return `${query.ordering === '-captured_at' ? 'from' : 'until'} ${monthLabel(month)}`;
  }
  const month = query.takenAfter ? boundMonth(query.takenAfter, 'start') : null;
  return month === null ? null : `from ${monthLabel(month)}`;
}

/** A line of the virtualized grid: a month's heading, or up to `columns` cards (items[start, end)). */
export type GridRow = { kind: 'month'; month: MonthKey; key: string } | { kind: 'cards'; start: number; end: number; key: string };

/**
 * The grid's lines for the items loaded. Grouped, a heading goes before the first card of each
 * month and each month's cards start a new line; otherwise the cards simply fill the lines.
 * Keys follow the content (a heading's month, a line's first asset), so measured heights stay
 * with their line when items are added above.
 */
export function gridRows(items: readonly Pick<Asset, 'id' | 'captured_at'>[], columns: number, grouped: boolean): GridRow[] {
  const rows: GridRow[] = [];
  const width = Math.max(1, columns);
  let start = 0;
  while (start < items.length) {
    let end = items.length;
    if (grouped) {
      const month = monthOf(items[start]?.captured_at);
      rows.push({ kind: 'month', month, key: `month:${month}:${items[start]?.id ?? start}` });
      end = start + 1;
      while (end < items.length && monthOf(items[end]?.captured_at) === month) end += 1;
    }
    for (let line = start; line < end; line += width) {
      rows.push({ kind: 'cards', start: line, end: Math.min(end, line + width), key: `cards:${items[line]?.id ?? line}` });
    }
    start = end;
  }
  return rows;
}

/** The timeline's months by year, in the order the API gives them (newest first). */
export function byYear(months: readonly TimelineMonth[]): { year: string; months: TimelineMonth[] }[] {
  const years: { year: string; months: TimelineMonth[] }[] = [];
  for (const entry of months) {
    const year = entry.month.slice(0, 4);
    const last = years[years.length - 1];
    if (last && last.year === year) last.months.push(entry);
    else years.push({ year, months: [entry] });
  }
  return years;
}
