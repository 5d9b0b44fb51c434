/**
 * The duplicates review (issue 12): groups of assets with the same file, or (switch) of pictures
 * that look alike at a chosen strictness, 20 groups a page. Each group is a row of its assets
 * (thumbnail, title, size, dimensions, path), the original first; editors choose the one to keep
 * (the original unless they pick another) and delete the others after a confirmation, in one bulk
 * request. The page is then read again, so a resolved group is gone and the next one moves up.
 * Viewers see the same groups without the controls.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { ApiError, type Asset } from '../services/api';
import { mediaKindOf } from '../services/assetUpdates';
import { bulkResultText } from '../services/bulkActions';
import {
  DEFAULT_GROUP_DISTANCE,
  STRICTNESS_LEVELS,
  deleteOthers,
  listDuplicateGroups,
  othersThan,
  type DuplicateGroup,
  type DuplicateKind,
  type DuplicatePageMeta,
} from '../services/duplicates';
import { formatFileSize } from '../services/format';
import { Dialog } from './Dialog';
import { Thumbnail } from './Thumbnail';

const COUNT = new Intl.NumberFormat('en-US');

function message(reason: unknown): string {
  return reason instanceof ApiError ? reason.message : String(reason);
}

/** A group's name for keys and the keep choice: its original's id (an asset is in one group). */
function groupKey(group: DuplicateGroup): string {
  return `${group.kind}-${group.assets[0]?.id ?? 'empty'}`;
}

function dimensions(asset: Asset): string | null {
  const { width, height } = asset.media_metadata;
  return typeof width === 'number' && typeof height === 'number' ? `${width}×${height}` : null;
}

function plural(count: number, one: string, many: string): string {
  return `${COUNT.format(count)} ${count === 1 ? one : many}`;
}

interface ConfirmProps {
  group: DuplicateGroup;
  keep: Asset;
  deleting: boolean;
  error: string | null;
  onCancel: () => void;
  onConfirm: () => void;
}

/** Names what goes and what stays; "Cancel" has the focus so a reflexive Enter deletes nothing. */
function ConfirmDeleteOthers({ group, keep, deleting, error, onCancel, onConfirm }: ConfirmProps) {
  const headingId = useId();
  const gone = group.assets.filter((asset) => asset.id !== keep.id);
  return (
    <Dialog labelledBy={headingId} onClose={onCancel} role="alertdialog" className="confirm">
      <h3 id={headingId}>
        Delete {plural(gone.length, 'asset', 'assets')} and keep “{keep.title}”?
      </h3>
      <ul className="duplicates-confirm__list">
        {gone.map((asset) => (
          <li key={asset.id}>
            {asset.title} <span className="muted">({asset.file_path})</span>
          </li>
        ))}
      </ul>
      <p>They leave the library with their thumbnails. Their original files stay in the media folder.</p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="detail__actions">
        <button type="button" onClick={onCancel} data-autofocus>
          Cancel
        </button>
        <button type="button" className="danger" disabled={deleting} onClick={onConfirm}>
          {deleting ? 'Deleting…' : `Delete ${plural(gone.length, 'asset', 'assets')}`}
        </button>
      </div>
    </Dialog>
  );
}

interface GroupRowProps {
  group: DuplicateGroup;
  index: number;
  canEdit: boolean;
  keepId: number;
  onKeep: (id: number) => void;
  onDeleteOthers: () => void;
  onOpen: (id: number) => void;
}

function GroupRow({ group, index, canEdit, keepId, onKeep, onDeleteOthers, onOpen }: GroupRowProps) {
  const id = useId();
  const label = `Group ${index + 1}: ${plural(group.assets.length, 'asset', 'assets')}`;
  return (
    <li className="duplicate-group" aria-labelledby={`${id}-label`}>
      <h3 id={`${id}-label`} className="duplicate-group__label">
        {label}
      </h3>
      <ul className="duplicate-group__assets">
        {group.assets.map((asset, position) => {
          const size = dimensions(asset);
          return (
            <li key={asset.id} className={asset.id === keepId ? 'duplicate-asset duplicate-asset--kept' : 'duplicate-asset'}>
              <a
                className="duplicate-asset__open"
                href={`/?asset=${asset.id}`}
                onClick={(event) => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
                  event.preventDefault();
                  onOpen(asset.id);
                }}
              >
                <Thumbnail
                  src={asset.media_metadata.thumbnail_url}
                  alt=""
                  kind={mediaKindOf(asset.mime_type)}
                  className="duplicate-asset__thumb"
                />
                <span className="duplicate-asset__title">{asset.title}</span>
              </a>
              <p className="duplicate-asset__facts muted">
                {position === 0 && <span className="badge duplicate-asset__original">Original</span>}{' '}
                {formatFileSize(asset.file_size)}
                {size && ` · ${size}`}
              </p>
              <p className="duplicate-asset__path muted" title={asset.file_path}>
                {asset.file_path}
              </p>
              {canEdit && (
                <label className="duplicate-asset__keep">
                  <input
                    type="radio"
                    name={`${id}-keep`}
                    checked={asset.id === keepId}
                    onChange={() => onKeep(asset.id)}
                    aria-label={`Keep ${asset.title}`}
                  />
                  Keep
                </label>
              )}
            </li>
          );
        })}
      </ul>
      {canEdit && group.assets.length > 1 && (
        <button type="button" className="danger duplicate-group__delete" onClick={onDeleteOthers}>
          Delete the others…
        </button>
      )}
    </li>
  );
}

interface DuplicatesPageProps {
  /** Editors and admins choose what to keep and delete the rest; viewers only look. */
  canEdit: boolean;
  /** Opens an asset (the library's detail view). */
  onOpen: (id: number) => void;
}

export function DuplicatesPage({ canEdit, onOpen }: DuplicatesPageProps) {
  const id = useId();
  const [kind, setKind] = useState<DuplicateKind>('exact');
  const [maxDistance, setMaxDistance] = useState(DEFAULT_GROUP_DISTANCE);
  const [page, setPage] = useState(1);
  const [groups, setGroups] = useState<DuplicateGroup[] | null>(null);
  const [meta, setMeta] = useState<DuplicatePageMeta | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  /** The asset chosen to keep, per group; a group not in here keeps its original. */
  const [kept, setKept] = useState<Record<string, number>>({});
  const [confirming, setConfirming] = useState<DuplicateGroup | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    listDuplicateGroups({ kind, maxDistance, page }, controller.signal)
      .then((answer) => {
        // The last groups of the last page resolved: show the page that is now the last.
        if (answer.items.length === 0 && page > 1 && answer.meta.pages < page) {
          setPage(Math.max(1, answer.meta.pages));
          return;
        }
        setGroups(answer.items);
        setMeta(answer.meta);
        setLoadError(null);
      })
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setLoadError(message(reason));
      });
    return () => controller.abort();
  }, [kind, maxDistance, page, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  const show = (change: () => void) => {
    change();
    setPage(1);
    setGroups(null);
    setNotice(null);
  };

  const keepOf = (group: DuplicateGroup): Asset | undefined => {
    const chosen = kept[groupKey(group)];
    return group.assets.find((asset) => asset.id === chosen) ?? group.assets[0];
  };

  const confirmDelete = async () => {
    if (!confirming) return;
    const keep = keepOf(confirming);
    if (!keep) return;
    setDeleting(true);
    setDeleteError(null);
    try {
      const result = await deleteOthers(confirming, keep.id);
      setConfirming(null);
      setNotice(`${bulkResultText('delete', result)}; kept “${keep.title}”.`);
      reload();
    } catch (reason) {
      setDeleteError(message(reason));
    } finally {
      setDeleting(false);
    }
  };

  const confirmingKeep = confirming ? keepOf(confirming) : undefined;
  const total = meta?.total ?? 0;
  const pages = meta?.pages ?? 0;

  return (
    <section className="page duplicates-page" aria-labelledby={`${id}-heading`}>
      <div className="library__head">
        <h2 id={`${id}-heading`}>Duplicates</h2>
        {meta && groups !== null && <span className="muted">{plural(total, 'group', 'groups')} to review</span>}
      </div>

      <div className="duplicates-page__controls">
        <fieldset className="duplicates-page__kind">
          <legend>Show</legend>
          <label>
            <input
              type="radio"
              name={`${id}-kind`}
              checked={kind === 'exact'}
              onChange={() => show(() => setKind('exact'))}
            />
            Same file
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-kind`}
              checked={kind === 'similar'}
              onChange={() => show(() => setKind('similar'))}
            />
            Look alike
          </label>
        </fieldset>
        {kind === 'similar' && (
          <div className="field duplicates-page__strictness">
            <label htmlFor={`${id}-strictness`}>Strictness</label>
            <select
              id={`${id}-strictness`}
              value={maxDistance}
              onChange={(event) => {
                const value = Number(event.target.value);
                show(() => setMaxDistance(value));
              }}
            >
              {STRICTNESS_LEVELS.map((level) => (
                <option key={level.value} value={level.value}>
                  {level.label}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <p className="muted duplicates-page__hint">
        {kind === 'exact'
          ? 'Assets whose files hold the same bytes, uploaded or registered more than once.'
          : 'Pictures (and videos’ poster frames) that look alike: resized, recompressed or lightly edited copies.'}
        {canEdit && ' Choose the one to keep (the original, the oldest, unless you pick another) and delete the others.'}
      </p>
      <p className="muted" aria-live="polite">
        {notice}
      </p>

      {loadError && (
        <div className="notice notice--error" role="alert">
          <p>{loadError}</p>
          <button type="button" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {groups === null && !loadError && <p className="muted">Looking for duplicates…</p>}
      {groups !== null && groups.length === 0 && !loadError && (
        <div className="empty">
          <h3>Nothing to review</h3>
          <p>
            {kind === 'exact'
              ? 'No two assets share the same file.'
              : 'No pictures look alike at this strictness. A looser one finds more.'}
          </p>
        </div>
      )}
      {groups !== null && groups.length > 0 && (
        <ol className="duplicate-groups" aria-label="Duplicate groups">
          {groups.map((group, index) => {
            const keep = keepOf(group);
            return (
              <GroupRow
                key={groupKey(group)}
                group={group}
                index={(page - 1) * (meta?.page_size ?? 0) + index}
                canEdit={canEdit}
                keepId={keep?.id ?? -1}
                onKeep={(assetId) => setKept((current) => ({ ...current, [groupKey(group)]: assetId }))}
                onDeleteOthers={() => {
                  setDeleteError(null);
                  setConfirming(group);
                }}
                onOpen={onOpen}
              />
            );
          })}
        </ol>
      )}
      {pages > 1 && (
        <nav className="duplicates-page__pages" aria-label="Pages of groups">
          <button type="button" disabled={page <= 1} onClick={() => setPage((n) => Math.max(1, n - 1))}>
            Previous
          </button>
          <span>
            Page {COUNT.format(page)} of {COUNT.format(pages)}
          </span>
          <button type="button" disabled={page >= pages} onClick={() => setPage((n) => n + 1)}>
            Next
          </button>
        </nav>
      )}
      {confirming && confirmingKeep && othersThan(confirming, confirmingKeep.id).length > 0 && (
        <ConfirmDeleteOthers
          group={confirming}
          keep={confirmingKeep}
          deleting={deleting}
          error={deleteError}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void confirmDelete()}
        />
      )}
    </section>
  );
}
