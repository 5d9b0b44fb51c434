/**
 * The collections (albums): a grid of them with cover, name and count, a search by name, and for
 * editors a form that makes one (name, description) and, on each, edit (rename, describe) and
 * delete after a confirmation that says the assets stay. Opening one shows the library filtered
 * by it (`collection=<id>`). The server's refusals are shown in its words, next to the field.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { COLLECTIONS_PAGE_SIZE, MAX_COLLECTION_DESCRIPTION_CHARS, MAX_COLLECTION_NAME_CHARS, SEARCH_DEBOUNCE_MS } from '../contract';
import { useDebouncedCallback } from '../hooks/useDebouncedCallback';
import {
  ApiError,
  createCollection,
  deleteCollection,
  fieldErrors,
  listCollections,
  updateCollection,
  type Collection,
} from '../services/api';
import { formatAssetCount } from '../services/format';
import { Dialog } from './Dialog';
import { Thumbnail } from './Thumbnail';

const NAME_REQUIRED = 'Give the collection a name.';

function asApiError(reason: unknown): ApiError {
  return reason instanceof ApiError ? reason : new ApiError(String(reason), 0);
}

/**
 * The refusal's words per field: the messages of a validation error, or the error's own message
 * for a field the server named without one (`{"name": ""}`: "A collection needs a name").
 */
function collectionFieldErrors(error: ApiError | null): { name?: string; description?: string; other?: string } {
  if (!error) return {};
  const messages = fieldErrors(error);
  const fields = error.context.fields;
  const named = (field: string) =>
    messages[field] ?? (typeof fields === 'object' && fields !== null && field in fields ? error.message : undefined);
  const name = named('name');
  const description = named('description');
  return { name, description, other: name || description ? undefined : error.message };
}

interface CollectionFieldsProps {
  idPrefix: string;
  name: string;
  description: string;
  onName: (value: string) => void;
  onDescription: (value: string) => void;
  error: ApiError | null;
}

/** Name and description, with the server's words under each. */
function CollectionFields({ idPrefix, name, description, onName, onDescription, error }: CollectionFieldsProps) {
  const errors = collectionFieldErrors(error);
  return (
    <>
      <div className="field field--grow">
        <label htmlFor={`${idPrefix}-name`}>Name</label>
        <input
          id={`${idPrefix}-name`}
          value={name}
          maxLength={MAX_COLLECTION_NAME_CHARS}
          autoComplete="off"
          onChange={(event) => onName(event.target.value)}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? `${idPrefix}-name-error` : undefined}
          data-autofocus
        />
        {errors.name && (
          <p id={`${idPrefix}-name-error`} className="field__error" role="alert">
            {errors.name}
          </p>
        )}
      </div>
      <div className="field field--grow">
        <label htmlFor={`${idPrefix}-description`}>Description</label>
        <textarea
          id={`${idPrefix}-description`}
          value={description}
          rows={2}
          maxLength={MAX_COLLECTION_DESCRIPTION_CHARS}
          onChange={(event) => onDescription(event.target.value)}
          aria-invalid={errors.description ? true : undefined}
        />
        {errors.description && (
          <p className="field__error" role="alert">
            {errors.description}
          </p>
        )}
      </div>
      {errors.other && (
        <p className="field__error" role="alert">
          {errors.other}
        </p>
      )}
    </>
  );
}

function EditCollectionDialog({
  collection,
  onCancel,
  onSaved,
}: {
  collection: Collection;
  onCancel: () => void;
  onSaved: (collection: Collection) => void;
}) {
  const id = useId();
  const [name, setName] = useState(collection.name);
  const [description, setDescription] = useState(collection.description);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setError(new ApiError(NAME_REQUIRED, 400, { fields: { name: [NAME_REQUIRED] } }));
      return;
    }
    setSaving(true);
    setError(null);
    try {
      onSaved(await updateCollection(collection.id, { name: name.trim(), description }));
    } catch (reason) {
      setError(asApiError(reason));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog labelledBy={`${id}-heading`} onClose={onCancel} className="confirm">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h3 id={`${id}-heading`}>Edit “{collection.name}”</h3>
        <CollectionFields
          idPrefix={id}
          name={name}
          description={description}
          onName={setName}
          onDescription={setDescription}
          error={error}
        />
        <div className="detail__actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteCollectionDialog({
  collection,
  onCancel,
  onDeleted,
}: {
  collection: Collection;
  onCancel: () => void;
  onDeleted: (id: number) => void;
}) {
  const headingId = useId();
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setDeleting(true);
    setError(null);
    try {
      await deleteCollection(collection.id);
      onDeleted(collection.id);
    } catch (reason) {
      setError(asApiError(reason).message);
      setDeleting(false);
    }
  };
  const count = collection.asset_count;
  return (
    <Dialog labelledBy={headingId} onClose={onCancel} role="alertdialog" className="confirm">
      <h3 id={headingId}>Delete the collection “{collection.name}”?</h3>
      <p>
        {count === 0
          ? 'It holds no assets.'
          : `Its ${formatAssetCount(count)} stay in the library: only the collection goes.`}
      </p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="detail__actions">
        <button type="button" onClick={onCancel} data-autofocus>
          Keep it
        </button>
        <button type="button" className="danger" disabled={deleting} onClick={() => void confirm()}>
          {deleting ? 'Deleting…' : 'Delete collection'}
        </button>
      </div>
    </Dialog>
  );
}

interface CollectionsPageProps {
  /** Editors and admins make, edit and delete collections; viewers browse them. */
  canEdit: boolean;
  /** Shows the library filtered by a collection. */
  onOpen: (id: number) => void;
  debounceMs?: number;
}

export function CollectionsPage({ canEdit, onOpen, debounceMs = SEARCH_DEBOUNCE_MS }: CollectionsPageProps) {
  const id = useId();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Collection[] | null>(null);
  const [total, setTotal] = useState(0);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<Collection | null>(null);
  const [deleting, setDeleting] = useState<Collection | null>(null);
  const debounced = useDebouncedCallback((value: string) => setQ(value.trim()), debounceMs);

  useEffect(() => {
    const controller = new AbortController();
    listCollections({ q, page_size: COLLECTIONS_PAGE_SIZE }, controller.signal)
      .then((answer) => {
        setItems(answer.items);
        setTotal(answer.meta.total);
        setNextCursor(answer.meta.next_cursor);
        setLoadError(null);
      })
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setLoadError(asApiError(reason).message);
      });
    return () => controller.abort();
  }, [q, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  const loadMore = () => {
    if (!nextCursor) return;
    listCollections({ q, page_size: COLLECTIONS_PAGE_SIZE, cursor: nextCursor })
      .then((answer) => {
        setItems((current) => {
          const held = new Set((current ?? []).map((item) => item.id));
          return [...(current ?? []), ...answer.items.filter((item) => !held.has(item.id))];
        });
        setNextCursor(answer.meta.next_cursor);
      })
      .catch((reason: unknown) => setLoadError(asApiError(reason).message));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setCreateError(new ApiError(NAME_REQUIRED, 400, { fields: { name: [NAME_REQUIRED] } }));
      return;
    }
    setCreating(true);
    setCreateError(null);
    try {
      const made = await createCollection(name.trim(), description.trim());
      setName('');
      setDescription('');
      setItems((current) => [made, ...(current ?? []).filter((item) => item.id !== made.id)]);
      setTotal((count) => count + 1);
      setNotice(`Collection “${made.name}” created.`);
    } catch (reason) {
      setCreateError(asApiError(reason));
    } finally {
      setCreating(false);
    }
  };

  const replace = (changed: Collection) =>
    setItems((current) => (current ?? []).map((item) => (item.id === changed.id ? changed : item)));

  return (
    <section className="page collections-page" aria-labelledby={`${id}-heading`}>
      <div className="library__head">
        <h2 id={`${id}-heading`}>Collections</h2>
        {items !== null && (
          <span className="muted">
            {total} {total === 1 ? 'collection' : 'collections'}
          </span>
        )}
      </div>

      {canEdit && (
        <form className="panel collection-form" onSubmit={(event) => void submit(event)} noValidate aria-label="New collection">
          <h3>New collection</h3>
          <div className="collection-form__fields">
            <CollectionFields
              idPrefix={`${id}-new`}
              name={name}
              description={description}
              onName={setName}
              onDescription={setDescription}
              error={createError}
            />
          </div>
          <button type="submit" className="primary" disabled={creating}>
            {creating ? 'Creating…' : 'Create collection'}
          </button>
        </form>
      )}
      <p className="muted" aria-live="polite">
        {notice}
      </p>

      <div className="field collections-page__search">
        <label htmlFor={`${id}-q`}>Find a collection</label>
        <input
          id={`${id}-q`}
          type="search"
          value={search}
          placeholder="Part of its name"
          onChange={(event) => {
            setSearch(event.target.value);
            debounced.call(event.target.value);
          }}
        />
      </div>

      {loadError && (
        <div className="notice notice--error" role="alert">
          <p>{loadError}</p>
          <button type="button" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {items === null && !loadError && <p className="muted">Loading the collections…</p>}
      {items !== null && items.length === 0 && (
        <p className="muted">
          {q ? `No collection’s name contains “${q}”.` : canEdit ? 'No collections yet: make one above, or select assets in the library and add them to a new one.' : 'No collections yet.'}
        </p>
      )}
      {items !== null && items.length > 0 && (
        <ul className="collection-grid" aria-label="Collections">
          {items.map((collection) => (
            <li key={collection.id} className="collection-card">
              <a
                className="collection-card__open"
                href={`/?collection=${collection.id}`}
                onClick={(event) => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  onOpen(collection.id);
                }}
              >
                <Thumbnail src={collection.cover?.thumbnail_url} alt="" kind="image" className="collection-card__cover" />
                <span className="collection-card__name">{collection.name}</span>
                <span className="muted collection-card__count">{formatAssetCount(collection.asset_count)}</span>
              </a>
              {collection.description && <p className="collection-card__description muted">{collection.description}</p>}
              {canEdit && (
                <div className="collection-card__actions">
                  <button type="button" aria-label={`Edit ${collection.name}`} onClick={() => setEditing(collection)}>
                    Edit
                  </button>
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Delete ${collection.name}`}
                    onClick={() => setDeleting(collection)}
                  >
                    Delete…
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {nextCursor && items !== null && (
        <button type="button" onClick={loadMore}>
          Show more collections
        </button>
      )}
      {editing && (
        <EditCollectionDialog
          collection={editing}
          onCancel={() => setEditing(null)}
          onSaved={(changed) => {
            replace(changed);
            setEditing(null);
            setNotice(`Collection “${changed.name}” saved.`);
          }}
        />
      )}
      {deleting && (
        <DeleteCollectionDialog
          collection={deleting}
          onCancel={() => setDeleting(null)}
          onDeleted={(gone) => {
            setItems((current) => (current ?? []).filter((item) => item.id !== gone));
            setTotal((count) => Math.max(0, count - 1));
            setDeleting(null);
            setNotice(`Collection “${deleting.name}” deleted; its assets stay in the library.`);
          }}
        />
      )}
    </section>
  );
}
