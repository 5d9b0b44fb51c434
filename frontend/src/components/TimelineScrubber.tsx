/**
 * The timeline beside the grid: the years the filtered assets were taken in, each with its months
 * and how many assets each holds (from `GET /assets/timeline`). Choosing a month makes the list
 * start there (a date-taken bound in the URL, shown as a removable chip). On a narrow screen the
 * list folds into one "Jump to…" select. While the library is sorted by something else the
 * months mean nothing to the grid: the scrubber says so and offers the sort by date taken.
 */
import type { Ordering } from '../contract';
import type { TimelineMonth } from '../services/api';
import { byYear, isDateOrdering, monthLabel, monthName, type MonthKey } from '../services/timeline';

const COUNT = new Intl.NumberFormat();

function assets(count: number): string {
  return `${COUNT.format(count)} ${count === 1 ? 'asset' : 'assets'}`;
}

interface TimelineScrubberProps {
  /** The months of the current filters, newest first as the API sends them; null until read. */
  months: TimelineMonth[] | null;
  ordering: Ordering;
  /** The month the list was jumped to, if any: marked as the current one. */
  current?: MonthKey | null;
  /** The month at the top of the grid on screen, marked as where the user is. */
  inView?: MonthKey | null;
  /** Make the list start at this month. */
  onJump: (month: MonthKey) => void;
  /** Sort the library by date taken (newest first): what makes the timeline mean something. */
  onSortByDate: () => void;
}

export function TimelineScrubber({ months, ordering, current = null, inView = null, onJump, onSortByDate }: TimelineScrubberProps) {
  if (!isDateOrdering(ordering)) {
    return (
      <nav className="timeline" aria-label="Timeline">
        <p className="timeline__hint muted">The timeline jumps through the library by the date each asset was taken.</p>
        <button type="button" onClick={onSortByDate}>
          Sort by date taken
        </button>
      </nav>
    );
  }
  if (months === null || months.length === 0) return null;
  // The scrubber reads in the grid's direction.
  const ordered = ordering === 'captured_at' ? [...months].reverse() : months;
  // A month the API could not name (none is expected) has no place to jump to.
  const years = byYear(ordered.filter(({ month }) => typeof month === 'string' && /^\d{4}-\d\d$/.test(month)));
  if (years.length === 0) return null;
  return (
    <nav className="timeline" aria-label="Timeline">
      <label className="timeline__jump">
        <span className="visually-hidden">Jump to a month</span>
        <select
          value=""
          onChange={(event) => {
            if (event.target.value) onJump(event.target.value);
          }}
        >
          <option value="">Jump to…</option>
          {years.map(({ year, months: inYear }) => (
            <optgroup key={year} label={year}>
              {inYear.map(({ month, count }) => (
                <option key={month} value={month}>
                  {`${monthLabel(month)} (${COUNT.format(count)})`}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <ol className="timeline__years">
        {years.map(({ year, months: inYear }) => (
          <li key={year}>
            <span className="timeline__year">{year}</span>
            <ol className="timeline__months">
              {inYear.map(({ month, count }) => (
                <li key={month}>
                  <button
                    type="button"
                    className={month === inView ? 'timeline__month timeline__month--in-view' : 'timeline__month'}
                    aria-current={month === current ? 'true' : undefined}
                    aria-label={`${monthLabel(month)}, ${assets(count)}`}
                    title={`Jump to ${monthLabel(month)}`}
                    onClick={() => onJump(month)}
                  >
                    <span>{monthName(month)}</span> <span className="timeline__count">{COUNT.format(count)}</span>
                  </button>
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ol>
    </nav>
  );
}
