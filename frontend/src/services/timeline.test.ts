import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridRows, jumpedMonth, jumpTo, monthBoundText, monthEnd, monthLabel, monthOf } from './timeline';

// A zone east of UTC, where the last evening of a month (UTC) is already the next month locally.
const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = zone;
});

describe('months of the date taken', () => {
  it('reads the month in UTC, as the API counts it, not in the local time zone', () => {
    // 23:30 UTC on 31 July is 01:30 on 1 August in Berlin.
    expect(new Date('2024-07-31T23:30:00Z').getMonth()).toBe(7);
    expect(monthOf('2024-07-31T23:30:00Z')).toBe('2024-07');
    expect(monthOf('2024-08-01T01:30:00+02:00')).toBe('2024-07');
    expect(monthOf('2024-08-01T00:00:00Z')).toBe('2024-08');
    expect(monthOf(undefined)).toBe('');
    expect(monthOf('not a date')).toBe('');
  });

  it('names a month in the language asked for, in UTC', () => {
    expect(monthLabel('2024-07', 'en-US')).toBe('July 2024');
    expect(monthLabel('2024-12', 'fr-FR')).toBe('décembre 2024');
    expect(monthLabel('', 'en-US')).toBe('Date unknown');
  });

  it('ends a month at its last microsecond, leap years included', () => {
    expect(monthEnd('2024-02')).toBe('2024-02-29T23:59:59.999999Z');
    expect(monthEnd('2023-02')).toBe('2023-02-28T23:59:59.999999Z');
    expect(monthEnd('2024-12')).toBe('2024-12-31T23:59:59.999999Z');
  });
});

describe('the grid grouped by month', () => {
  const asset = (id: number, captured_at?: string) => ({ id, captured_at });

  it('puts a heading before the first card of each month, and starts each month on a new line', () => {
    const items = [
      asset(1, '2024-08-02T10:00:00Z'),
      asset(2, '2024-08-01T00:30:00+02:00'), // 31 July, 22:30 UTC: July, though 1 August in Berlin
      asset(3, '2024-07-31T23:59:59Z'),
      asset(4, '2024-07-01T00:00:00Z'),
      asset(5, '2024-06-30T23:59:59Z'),
      asset(6),
    ];
    const rows = gridRows(items, 2, true);
    expect(rows.map((row) => (row.kind === 'month' ? row.month : `${row.start}-${row.end}`))).toEqual([
      '2024-08',
      '0-1',
      '2024-07',
      '1-3',
      '3-4',
      '2024-06',
      '4-5',
      '',
      '5-6',
    ]);
    // Keys follow the content, so measured heights stay with their line when items come in above.
    expect(new Set(rows.map((row) => row.key)).size).toBe(rows.length);
  });

  it('fills lines with cards only when not grouped', () => {
    const items = [asset(1, '2024-08-02T10:00:00Z'), asset(2, '2024-07-01T00:00:00Z'), asset(3, '2024-06-01T00:00:00Z')];
    expect(gridRows(items, 2, false)).toEqual([
      { kind: 'cards', start: 0, end: 2, key: 'cards:1' },
      { kind: 'cards', start: 2, end: 3, key: 'cards:3' },
    ]);
    expect(gridRows([], 3, true)).toEqual([]);
  });
});

describe('jumping to a month', () => {
  it('newest first: bounds the time taken from above at the end of the month', () => {
    const change = jumpTo('2024-07', '-captured_at');
    expect(change).toEqual({ takenAfter: '', takenBefore: '2024-07-31T23:59:59.999999Z' });
    expect(jumpedMonth({ ...change, ordering: '-captured_at' })).toBe('2024-07');
    expect(monthBoundText({ ...change, ordering: '-captured_at' })).toBe('from July 2024');
    // The same bound read oldest first is where the list ends.
    expect(jumpedMonth({ ...change, ordering: 'captured_at' })).toBeNull();
    expect(monthBoundText({ ...change, ordering: 'captured_at' })).toBe('until July 2024');
  });

  it('oldest first: bounds the time taken from below at the start of the month', () => {
    const change = jumpTo('2024-07', 'captured_at');
    expect(change).toEqual({ takenAfter: '2024-07-01T00:00:00Z', takenBefore: '' });
    expect(jumpedMonth({ ...change, ordering: 'captured_at' })).toBe('2024-07');
    expect(monthBoundText({ ...change, ordering: 'captured_at' })).toBe('from July 2024');
  });

  it('a year or any other range is a filter, not a jump', () => {
    const year = { takenAfter: '2024-01-01T00:00:00Z', takenBefore: '2024-12-31T23:59:59.999999Z' };
    expect(jumpedMonth({ ...year, ordering: '-captured_at' })).toBeNull();
    expect(monthBoundText(year)).toBeNull();
    expect(jumpedMonth({ takenAfter: '', takenBefore: '2024-07-15T00:00:00Z', ordering: '-captured_at' })).toBeNull();
    expect(monthBoundText({ takenAfter: '2024-07-15T00:00:00Z', takenBefore: '' })).toBeNull();
  });
});
