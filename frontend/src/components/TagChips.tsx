/**
 * Tags as small chips. Each chip's name shows the library filtered by that tag; where a tag can
 * be removed (an editor's detail view, the filter bar) the chip has a × button that does it.
 */
interface TagChipsProps {
  tags: readonly string[];
  /** Names the list for assistive technology ("Tags", "Tag filters"). */
  label: string;
  /** Shows the library with this tag as a filter; without it the names are plain text. */
  onFilter?: (tag: string) => void;
  /** Removes one tag; without it there is no × button. */
  onRemove?: (tag: string) => void;
  /** What the × button says it does, for a tag. */
  removeLabel?: (tag: string) => string;
  /** A change is being saved: the × buttons wait. */
  busy?: boolean;
  /** Chips in a card: out of the Tab order (a card is one stop; its detail view has the same chips), at most `limit` shown. */
  compact?: boolean;
  limit?: number;
}

export function TagChips({
  tags,
  label,
  onFilter,
  onRemove,
  removeLabel = (tag) => `Remove tag ${tag}`,
  busy = false,
  compact = false,
  limit,
}: TagChipsProps) {
  const shown = limit === undefined ? tags : tags.slice(0, limit);
  const hidden = tags.length - shown.length;
  return (
    <ul className={compact ? 'chips chips--compact' : 'chips'} aria-label={label}>
      {shown.map((tag) => (
        <li key={tag} className="chip">
          {onFilter ? (
            <button
              type="button"
              className="chip__name"
              title={`Show the assets tagged “${tag}”`}
              tabIndex={compact ? -1 : undefined}
              onClick={() => onFilter(tag)}
            >
              {tag}
            </button>
          ) : (
            <span className="chip__name">{tag}</span>
          )}
          {onRemove && (
            <button
              type="button"
              className="chip__remove"
              aria-label={removeLabel(tag)}
              title={removeLabel(tag)}
              disabled={busy}
              onClick={() => onRemove(tag)}
            >
              ×
            </button>
          )}
        </li>
      ))}
      {hidden > 0 && (
        <li className="chip chip--more" title={tags.slice(shown.length).join(', ')}>
          +{hidden}
          <span className="visually-hidden"> more</span>
        </li>
      )}
    </ul>
  );
}
