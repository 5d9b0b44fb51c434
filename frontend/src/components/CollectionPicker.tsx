/**
 * Chooses a collection to put assets in: a search by name (debounced, `GET /collections?q=`, the
 * most recently changed first until something is typed), the matches as buttons, and "Create
 * “<what was typed>”" to make one inline and choose it at once. The server's refusal is shown in
 * its words; the one choosing (the bulk bar, the detail view) does the adding.
 */
import { useEffect, useId, useState } from 'react';
import { COLLECTION_PICKER_SIZE, MAX_COLLECTION_NAME_CHARS, SEARCH_DEBOUNCE_MS } from '../contract';
import { useDebouncedCallback } from '../hooks/useDebouncedCallback';
import { ApiError, createCollection, listCollections, type Collection } from '../services/api';

interface CollectionPickerProps {
  /** The field's label ("Add 3 assets to a collection"). */
  label: string;
  /** Collections not offered (those the asset is in already). */
  exclude?: readonly number[];
  /** Resolves true once the assets are in the collection chosen (or just made). */
  onPick: (collection: Collection) => Promise<boolean>;
  /** Editors only: whether "Create" is offered. */
  canCreate?: boolean;
  debounceMs?: number;
}

function messageOf(reason: unknown): string {
  return reason instanceof ApiError ? reason.message : String(reason);
}

/** Names the server would take as the same text: spaces collapsed, any case. */
function sameName(a: string, b: string): boolean {
  const clean = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();
  return clean(a) === clean(b);
}

export function CollectionPicker({
  label,
  exclude = [],
  onPick,
  canCreate = true,
  debounceMs = SEARCH_DEBOUNCE_MS,
}: CollectionPickerProps) {
  const id = useId();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Collection[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const search = useDebouncedCallback((value: string) => setQ(value.trim()), debounceMs);

  // A few more than shown: the ones excluded are left out of the answer.
  const pageSize = Math.min(100, COLLECTION_PICKER_SIZE + exclude.length);
  useEffect(() => {
    const controller = new AbortController();
    listCollections({ q, ordering: q ? 'name' : '-updated_at', page_size: pageSize }, controller.signal)
      .then((answer) => {
        setFound(answer.items);
        setLoadError(null);
      })
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setLoadError(messageOf(reason));
      });
    return () => controller.abort();
  }, [q, pageSize]);

  const pick = async (choose: () => Promise<Collection>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const chosen = await choose();
      if (await onPick(chosen)) {
        setText('');
        setQ('');
      }
    } catch (reason) {
      setError(messageOf(reason));
    } finally {
      setBusy(false);
    }
  };

  const name = text.replace(/\s+/g, ' ').trim();
  const shown = (found ?? []).filter((collection) => !exclude.includes(collection.id)).slice(0, COLLECTION_PICKER_SIZE);
  const exists = (found ?? []).some((collection) => sameName(collection.name, name));

  return (
    <div className="collection-picker" aria-busy={busy}>
      <label htmlFor={`${id}-q`}>{label}</label>
      <input
        id={`${id}-q`}
        type="search"
        autoComplete="off"
        placeholder="Find or name a collection"
        maxLength={MAX_COLLECTION_NAME_CHARS}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          search.call(event.target.value);
        }}
        onKeyDown={(event) => {
          // Enter makes the collection typed when none has its name, else chooses the one that does.
          if (event.key !== 'Enter') return;
          event.preventDefault();
          const match = (found ?? []).find((collection) => sameName(collection.name, name));
          if (match && !exclude.includes(match.id)) void pick(() => Promise.resolve(match));
          else if (name && !match && canCreate) void pick(() => createCollection(name));
        }}
      />
      {loadError && (
        <p className="field__error" role="alert">
          Could not list the collections: {loadError}
        </p>
      )}
      {found !== null && shown.length === 0 && !name && <p className="muted">No collections yet: type a name to make one.</p>}
      {shown.length > 0 && (
        <ul className="collection-picker__list" aria-label="Collections to choose from">
          {shown.map((collection) => (
            <li key={collection.id}>
              <button type="button" disabled={busy} onClick={() => void pick(() => Promise.resolve(collection))}>
                {collection.name}{' '}
                <span className="muted">
                  ({collection.asset_count}
                  <span className="visually-hidden">{collection.asset_count === 1 ? ' asset' : ' assets'}</span>)
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {canCreate && name && !exists && (
        <button type="button" className="primary" disabled={busy} onClick={() => void pick(() => createCollection(name))}>
          Create “{name}”
        </button>
      )}
      {busy && (
        <p className="muted" aria-live="polite">
          Saving…
        </p>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
