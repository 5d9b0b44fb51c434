/**
 * What the assets in the current filter hold, from the facet counts: the most used tags (a click
 * narrows the library to one), and the cameras and years they come from (shown, not filters: the
 * list has no such filter yet).
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
}

function Counted({ values, label }: { values: FacetCount<string | number>[]; label: string }) {
  if (values.length === 0) return null;
  return (
    <div className="facets__group">
      <span className="facets__label">{label}</span>
      <ul className="facets__values" aria-label={label}>
        {values.slice(0, FACETS_SHOWN).map(({ value, count }) => (
          <li key={String(value)}>
            {value} <span className="facets__count">{COUNT.format(count)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function FacetSummary({ facets, filteredTags, onFilterTag }: FacetSummaryProps) {
  const tags = facets.tag.filter(({ value }) => !filteredTags.some((held) => sameTag(held, value))).slice(0, FACETS_SHOWN);
  if (tags.length === 0 && facets.camera.length === 0 && facets.year.length === 0) return null;
  return (
    <div className="facets">
      {tags.length > 0 && (
        <div className="facets__group">
          <span className="facets__label">Top tags</span>
          <ul className="chips" aria-label="Top tags">
            {tags.map(({ value, count }) => (
              <li key={value} className="chip">
                <button
                  type="button"
                  className="chip__name"
                  title={`Show the assets tagged “${value}”`}
                  aria-label={`${value}, ${COUNT.format(count)} ${count === 1 ? 'asset' : 'assets'}`}
                  onClick={() => onFilterTag(value)}
                >
                  {value} <span className="facets__count">{COUNT.format(count)}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <Counted values={facets.camera} label="Cameras" />
      <Counted values={facets.year} label="Years taken" />
    </div>
  );
}
