/**
 * The detail view's tags: chips that filter the library, and for editors a × on each and a field
 * that adds one. Every change sends the whole new list (`PATCH {"tags": [...]}`); the server's
 * answer is what shows, and its refusal is shown in its own words.
 */
import { useId } from 'react';
import { MAX_TAGS_PER_ASSET } from '../contract';
import { TagChips } from './TagChips';
import { TagInput } from './TagInput';

interface AssetTagsProps {
  tags: readonly string[];
  /** Editors and admins: the × buttons and the field to add a tag. */
  canEdit: boolean;
  /** Saves the whole new list; resolves true once saved. */
  onSave: (tags: string[]) => Promise<boolean>;
  saving: boolean;
  /** Why the last change was refused. */
  error: string | null;
  /** Shows the library filtered by a tag. */
  onFilter?: (tag: string) => void;
}

export function AssetTags({ tags, canEdit, onSave, saving, error, onFilter }: AssetTagsProps) {
  const headingId = useId();
  return (
    <section className="asset-tags" aria-labelledby={headingId}>
      <h3 id={headingId}>Tags</h3>
      {tags.length > 0 ? (
        <TagChips
          tags={tags}
          label="Tags"
          onFilter={onFilter}
          onRemove={canEdit ? (tag) => void onSave(tags.filter((held) => held !== tag)) : undefined}
          busy={saving}
        />
      ) : (
        <p className="muted">No tags yet.</p>
      )}
      {canEdit &&
        (tags.length < MAX_TAGS_PER_ASSET ? (
          <TagInput existing={tags} saving={saving} onAdd={(name) => onSave([...tags, name])} />
        ) : (
          <p className="hint">An asset has at most {MAX_TAGS_PER_ASSET} tags: remove one to add another.</p>
        ))}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
