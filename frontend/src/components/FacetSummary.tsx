/**
 * What the assets in the current filter hold, from the facet counts: the most used tags, the
 * cameras and the years taken. Each is a button that narrows the library to it (a tag or a camera
 * joins the filters; a year sets the time taken to that year), reached by Tab like any button.
 */
import { FACETS_SHOWN } from '../contract';
import type { FacetCount, Facets } from '../services/api';
import { sameTag } from '../services/libraryQuery';

const COUNT = new Intl.NumberFormat('en-US');

interface FacetSummaryProps {
  facets: Facets;
  /** The tags filtered by already: every asset here has them, so they are not offered. */
  filteredTags: readonly string[];
  /** Narrows the library to a tag too. */
  onFilterTag: (tag: string) => void;
  /** The cameras filtered by already (any case): not offered again. */
  filteredCameras?: readonly string[];
  /** Narrows the library to a camera; without it the cameras are plain text. */
  onFilterCamera?: (camera: string) => void;
  /** Narrows the library to the assets taken in a year; without it the years are plain text. */
  onFilterYear?: (year: number) => void;
}

function assets(count: number): string {
  return `${COUNT.format(count)} ${count === 1 ? 'asset' : 'assets'}`;
}

interface ChoicesProps<T extends string | number> {
  values: FacetCount<T>[];
  label: string;
  /** What a click on a value shows, for its title ("Show the assets tagged …"). */
  describe: (value: T) => string;
  onChoose?: (value: T) => void;
}

/** A facet's values with their counts: each a button when it can narrow the library. */
function Choices<T extends string | number>({ values, label, describe, onChoose }: ChoicesProps<T>) {
  if (values.length === 0) return null;
  return (
    <div className="facets__group">
      <span className="facets__label">{label}</span>
      <ul className="chips" aria-label={label}>
        {values.slice(0, FACETS_SHOWN).map(({ value, count }) => (
          <li key={String(value)} className="chip">
            {onChoose ? (
              <button
                type="button"
                className="chip__name"
                title={describe(value)}
                aria-label={`${value}, ${assets(count)}`}
                onClick={() => onChoose(value)}
              >
                {value} <span className="facets__count">{COUNT.format(count)}</span>
              </button>
            ) : (
              <span className="chip__name">
                {value} <span className="facets__count">{COUNT.format(count)}</span>
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function FacetSummary({
  facets,
  filteredTags,
  onFilterTag,
  filteredCameras = [],
  onFilterCamera,
  onFilterYear,
}: FacetSummaryProps) {
  const tags = facets.tag.filter(({ value }) => !filteredTags.some((held) => sameTag(held, value))).slice(0, FACETS_SHOWN);
  const held = new Set(filteredCameras.map((camera) => camera.toLowerCase()));
  const cameras = facets.camera.filter(({ value }) => !held.has(value.toLowerCase()));
  if (tags.length === 0 && cameras.length === 0 && facets.year.length === 0) return null;
  return (
    <div className="facets">
      <Choices values={tags} label="Top tags" describe={(tag) => `Show the assets tagged “${tag}”`} onChoose={onFilterTag} />
      <Choices
        values={cameras}
        label="Cameras"
        describe={(camera) => `Show the assets taken with ${camera}`}
        onChoose={onFilterCamera}
      />
      <Choices
        values={facets.year}
        label="Years taken"
        describe={(year) => `Show the assets taken in ${year}`}
        onChoose={onFilterYear}
      />
    </div>
  );
}
