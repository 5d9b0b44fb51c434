/**
 * The bar that acts on the selected cards (editors and admins): how many are selected, "select
 * all N in this filter", and the bulk actions: add or remove a tag (the tag field with its
 * suggestions), add to a collection (the collection picker, which can make one), take out of the
 * collection viewed, reprocess, and delete after a confirmation that says how many. One request
 * (`POST /assets/bulk`) per action; the server's refusal is shown in its words, and the cards
 * change as the server's asset_update / asset_deleted events arrive.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import {
  ApiError,
  bulkAction,
  type AssetFilters,
  type BulkAction,
  type BulkResult,
  type Collection,
  type CollectionRef,
} from '../services/api';
import { bulkRequest, type BulkArguments, type BulkSubject } from '../services/bulkActions';
import { formatAssetCount } from '../services/format';
import { selectionCount, type Selection } from '../services/selection';
import { CollectionPicker } from './CollectionPicker';
import { Dialog } from './Dialog';
import { TagInput } from './TagInput';

const COUNT = new Intl.NumberFormat('en-US');

interface BulkBarProps {
  selection: Selection;
  /** The list's current filters: what "every asset in this filter" sends. */
  filters: AssetFilters;
  /** How many assets the filters find (the list's total), and whether that is an estimate. */
  total: number;
  totalEstimated?: boolean;
  /** false while the list is being read again: its total may still be the last filter's. */
  canSelectAll?: boolean;
  onSelectAll: () => void;
  onClear: () => void;
  /** The collection being viewed, if any: its assets can be taken out of it. */
  collection?: CollectionRef | null;
  /** An action succeeded: the page says so and refreshes what depends on it. */
  onDone: (action: BulkAction, result: BulkResult, subject: BulkSubject) => void;
}

type Panel = 'tag' | 'untag' | 'collection' | null;

export function BulkBar({
  selection,
  filters,
  total,
  totalEstimated = false,
  canSelectAll = true,
  onSelectAll,
  onClear,
  collection = null,
  onDone,
}: BulkBarProps) {
  const headingId = useId();
  const confirmId = useId();
  const [panel, setPanel] = useState<Panel>(null);
  const [busy, setBusy] = useState<BulkAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const all = selection.kind === 'all';
  const count = selectionCount(selection, total);
  // "about 1,000,000 assets" when the list could only estimate its size.
  const countText = all ? formatAssetCount(total, totalEstimated) : formatAssetCount(count);

  /** Sends one action for the selection; resolves whether it succeeded. */
  const run = async (action: BulkAction, args: BulkArguments = {}, collectionName?: string): Promise<boolean> => {
    setBusy(action);
    setError(null);
    try {
      const result = await bulkAction(bulkRequest(selection, filters, action, args));
      onDone(action, result, { tagCount: args.tags?.length ?? 0, collectionName });
      return true;
    } catch (reason) {
      setError(reason instanceof ApiError ? reason.message : String(reason));
      return false;
    } finally {
      setBusy(null);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // Escape closes the open tag field first; the next one clears the selection (LibraryPage).
    if (event.key === 'Escape' && panel !== null && !event.defaultPrevented) {
      event.stopPropagation();
      setPanel(null);
    }
  };

  const addToCollection = async (chosen: Collection): Promise<boolean> => {
    const added = await run('add_to_collection', { collection: chosen.id }, chosen.name);
    if (added) setPanel(null);
    return added;
  };

  const togglePanel = (which: Exclude<Panel, null>) => setPanel((open) => (open === which ? null : which));

  return (
    <section className="bulk-bar" aria-labelledby={headingId} onKeyDown={onKeyDown}>
      <div className="bulk-bar__row">
        <h3 id={headingId} className="bulk-bar__count">
          {all ? `All ${countText} in this filter selected` : `${COUNT.format(count)} selected`}
        </h3>
        {!all && canSelectAll && total > count && (
          <button type="button" className="link" onClick={onSelectAll}>
            Select all {formatAssetCount(total, totalEstimated)} in this filter
          </button>
        )}
        <button type="button" className="link" onClick={onClear} title="Escape">
          Clear selection
        </button>
        <div className="bulk-bar__actions" role="group" aria-label="Bulk actions">
          <button
            type="button"
            aria-expanded={panel === 'tag'}
            disabled={busy !== null}
            onClick={() => togglePanel('tag')}
          >
            Add tags
          </button>
          <button
            type="button"
            aria-expanded={panel === 'untag'}
            disabled={busy !== null}
            onClick={() => togglePanel('untag')}
          >
            Remove tags
          </button>
          <button
            type="button"
            aria-expanded={panel === 'collection'}
            disabled={busy !== null}
            onClick={() => togglePanel('collection')}
          >
            Add to collection…
          </button>
          {collection && (
            <button
              type="button"
              disabled={busy !== null}
              onClick={() => void run('remove_from_collection', { collection: collection.id }, collection.name)}
            >
              {busy === 'remove_from_collection' ? 'Removing…' : 'Remove from collection'}
            </button>
          )}
          <button type="button" disabled={busy !== null} onClick={() => void run('reprocess')}>
            {busy === 'reprocess' ? 'Reprocessing…' : 'Reprocess'}
          </button>
          <button type="button" className="danger" disabled={busy !== null} onClick={() => setConfirming(true)}>
            Delete…
          </button>
        </div>
      </div>
      {panel === 'collection' && (
        <CollectionPicker label={`Add ${countText} to a collection`} onPick={addToCollection} />
      )}
      {(panel === 'tag' || panel === 'untag') && (
        <TagInput
          key={panel}
          existing={[]}
          saving={busy === panel}
          label={panel === 'tag' ? `Tag to add to ${countText}` : `Tag to remove from ${countText}`}
          submitLabel={panel === 'tag' ? 'Add' : 'Remove'}
          onAdd={(name) => run(panel, { tags: [name] })}
        />
      )}
      {error && !confirming && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      {confirming && (
        <Dialog labelledBy={confirmId} onClose={() => setConfirming(false)} role="alertdialog" className="confirm">
          <h3 id={confirmId}>Delete {countText}?</h3>
          <p>
            This removes {count === 1 && !all ? 'the asset and its thumbnails' : `all ${countText} and their thumbnails`}{' '}
            from the library. The original files stay in the media folder.
          </p>
          {error && (
            <p className="field__error" role="alert">
              {error}
            </p>
          )}
          <div className="detail__actions">
            <button type="button" onClick={() => setConfirming(false)} data-autofocus>
              Keep them
            </button>
            <button
              type="button"
              className="danger"
              disabled={busy !== null}
              onClick={() =>
                void run('delete').then((deleted) => {
                  if (deleted) setConfirming(false);
                })
              }
            >
              {busy === 'delete' ? 'Deleting…' : `Delete ${countText}`}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
