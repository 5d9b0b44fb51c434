/**
 * The filter bar's controls for what processing found in a file: its shape (orientation), its
 * sound, its smallest size and its length, and the cameras and the time taken filtered by (chips,
 * each removable; the facets under the bar set them). Numbers are written to the URL once typing
 * pauses (or at Enter), replacing the history entry as the search box does.
 */
import { useState } from 'react';
import { ORIENTATIONS, SEARCH_DEBOUNCE_MS, type Ordering, type Orientation } from '../contract';
import { useDebouncedCallback } from '../hooks/useDebouncedCallback';
import type { HistoryMode } from '../hooks/useLibraryQuery';
import { rangeYear, seconds, wholeNumber, type LibraryQuery, type MediaFilterKey } from '../services/libraryQuery';
import { monthBoundText } from '../services/timeline';

const ORIENTATION_LABELS: Record<Orientation, string> = {
  landscape: 'Landscape',
  portrait: 'Portrait',
  square: 'Square',
};

type NumberKey = 'minWidth' | 'minHeight' | 'minDuration' | 'maxDuration';

interface NumberFieldProps {
  id: string;
  label: string;
  value: number | null;
  /** Reads what was typed: null when it is not a value this filter takes. */
  parse: (text: string) => number | null;
  /** Whole numbers (pixels) or any (seconds). */
  step: string;
  onCommit: (value: number | null, mode: HistoryMode) => void;
  debounceMs: number;
}

function NumberField({ id, label, value, parse, step, onCommit, debounceMs }: NumberFieldProps) {
  const shown = value === null ? '' : String(value);
  const [text, setText] = useState(shown);
  const [lastShown, setLastShown] = useState(shown);
  // Back/forward or clearing the filters changes the value from outside: show it.
  if (shown !== lastShown) {
    setLastShown(shown);
    setText(shown);
  }
  const valid = text.trim() === '' || parse(text.trim()) !== null;
  const debounced = useDebouncedCallback((typed: string) => {
    if (typed.trim() === '') onCommit(null, 'replace');
    else {
      const parsed = parse(typed.trim());
      if (parsed !== null) onCommit(parsed, 'replace');
    }
  }, debounceMs);
  return (
    <div className="field field--number">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode={step === '1' ? 'numeric' : 'decimal'}
        min={0}
        step={step}
        value={text}
        aria-invalid={!valid || undefined}
        onChange={(event) => {
          setText(event.target.value);
          debounced.call(event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key !== 'Enter') return;
          debounced.cancel();
          const parsed = parse(text.trim());
          if (text.trim() === '' || parsed !== null) onCommit(text.trim() === '' ? null : parsed, 'replace');
        }}
      />
    </div>
  );
}

/** The whole, non-negative number of pixels typed; null for anything else. */
function pixels(text: string): number | null {
  return wholeNumber(text);
}

/**
 * How a taken range reads: "in 2024" for a whole year, a month of the timeline's scrubber as
 * where the list starts ("from July 2024"), else its bounds as dates.
 */
function takenText(query: Pick<LibraryQuery, 'takenAfter' | 'takenBefore'> & { ordering?: Ordering }): string {
  const year = rangeYear(query);
  if (year !== null) return `in ${year}`;
  const month = monthBoundText(query);
  if (month !== null) return month;
  const day = (iso: string) => iso.slice(0, 10);
  if (query.takenAfter && query.takenBefore) return `${day(query.takenAfter)} – ${day(query.takenBefore)}`;
  return query.takenAfter ? `from ${day(query.takenAfter)}` : `until ${day(query.takenBefore)}`;
}

interface MediaFiltersProps {
  /** The ordering, when known, says which way a month's bound reads ("From July 2024" newest first). */
  query: Pick<LibraryQuery, MediaFilterKey | 'takenAfter' | 'takenBefore'> & { ordering?: Ordering };
  onChange: (change: Partial<LibraryQuery>, mode?: HistoryMode) => void;
  debounceMs?: number;
}

/** The media controls, laid out as fields of the filter bar. */
export function MediaFilterFields({ query, onChange, debounceMs = SEARCH_DEBOUNCE_MS }: MediaFiltersProps) {
  const numbers: { key: NumberKey; label: string; parse: (text: string) => number | null; step: string }[] = [
    { key: 'minWidth', label: 'Min width (px)', parse: pixels, step: '1' },
    { key: 'minHeight', label: 'Min height (px)', parse: pixels, step: '1' },
    { key: 'minDuration', label: 'Min length (s)', parse: seconds, step: 'any' },
    { key: 'maxDuration', label: 'Max length (s)', parse: seconds, step: 'any' },
  ];
  return (
    <>
      <div className="field">
        <label htmlFor="filter-orientation">Orientation</label>
        <select
          id="filter-orientation"
          value={query.orientation}
          onChange={(event) => onChange({ orientation: event.target.value as Orientation | '' })}
        >
          <option value="">Any</option>
          {ORIENTATIONS.map((orientation) => (
            <option key={orientation} value={orientation}>
              {ORIENTATION_LABELS[orientation]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-sound">Sound</label>
        <select
          id="filter-sound"
          value={query.hasAudio === null ? '' : String(query.hasAudio)}
          onChange={(event) => {
            const value = event.target.value;
            onChange({ hasAudio: value === '' ? null : value === 'true' });
          }}
        >
          <option value="">Any</option>
          <option value="true">Videos with sound</option>
          <option value="false">Silent videos</option>
        </select>
      </div>
      {numbers.map(({ key, label, parse, step }) => (
        <NumberField
          key={key}
          id={`filter-${key}`}
          label={label}
          value={query[key]}
          parse={parse}
          step={step}
          debounceMs={debounceMs}
          onCommit={(value, mode) => onChange({ [key]: value }, mode)}
        />
      ))}
    </>
  );
}

/** The cameras and the time taken filtered by, as removable chips (set from the facets). */
export function MediaFilterChips({ query, onChange }: MediaFiltersProps) {
  const taken = query.takenAfter !== '' || query.takenBefore !== '';
  return (
    <>
      {query.cameras.length > 0 && (
        <div className="filters__tags">
          <span className="filters__tags-label" aria-hidden="true">
            {query.cameras.length === 1 ? 'Camera' : 'Cameras'}
          </span>
          <ul className="chips" aria-label="Camera filters">
            {query.cameras.map((camera) => (
              <li key={camera} className="chip">
                <span className="chip__name">{camera}</span>
                <button
                  type="button"
                  className="chip__remove"
                  aria-label={`Stop filtering by camera ${camera}`}
                  onClick={() => onChange({ cameras: query.cameras.filter((held) => held !== camera) })}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {taken && (
        <div className="filters__tags">
          <span className="filters__tags-label" aria-hidden="true">
            Taken
          </span>
          <ul className="chips" aria-label="Date taken filter">
            <li className="chip">
              <span className="chip__name">{takenText(query)}</span>
              <button
                type="button"
                className="chip__remove"
                aria-label={`Stop filtering by date taken (${takenText(query)})`}
                onClick={() => onChange({ takenAfter: '', takenBefore: '' })}
              >
                ×
              </button>
            </li>
          </ul>
        </div>
      )}
    </>
  );
}
