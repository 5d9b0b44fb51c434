/**
 * The detail view's collections: each one the asset is in, as a link that opens it; for editors
 * a × that takes the asset out, "Add to collection" (the picker, which can make one), and "Use as
 * cover" while the library shows one of its collections. Each change is one request; the
 * asset's new list shows at once (the server's asset_update says the same to other tabs).
 */
import { useId, useState } from 'react';
import {
  addToCollection,
  ApiError,
  removeFromCollection,
  updateCollection,
  type Asset,
  type Collection,
  type CollectionRef,
} from '../services/api';
import { CollectionPicker } from './CollectionPicker';

interface AssetCollectionsProps {
  asset: Asset;
  canEdit: boolean;
  /** Opens a collection: the library filtered by it. */
  onOpen?: (id: number) => void;
  /** The asset with its new collections. */
  onChanged: (asset: Asset) => void;
  /** The collection the library shows, if any: the asset can become its cover. */
  viewed?: Collection | null;
  /** That collection after its cover changed. */
  onCollectionChanged?: (collection: Collection) => void;
}

function byName(collections: CollectionRef[]): CollectionRef[] {
  return [...collections].sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
}

export function AssetCollections({ asset, canEdit, onOpen, onChanged, viewed = null, onCollectionChanged }: AssetCollectionsProps) {
  const headingId = useId();
  const [picking, setPicking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const held = asset.collections ?? [];

  const act = async (work: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await work();
      return true;
    } catch (reason) {
      setError(reason instanceof ApiError ? reason.message : String(reason));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const add = (chosen: Collection) =>
    act(async () => {
      const { collection } = await addToCollection(chosen.id, [asset.id]);
      const others = held.filter((item) => item.id !== collection.id);
      onChanged({ ...asset, collections: byName([...others, { id: collection.id, name: collection.name }]) });
      setPicking(false);
      setNotice(`Added to “${collection.name}”.`);
    });

  const remove = (leaving: CollectionRef) =>
    void act(async () => {
      await removeFromCollection(leaving.id, [asset.id]);
      onChanged({ ...asset, collections: held.filter((item) => item.id !== leaving.id) });
      setNotice(`Taken out of “${leaving.name}”.`);
    });

  const makeCover = (collection: Collection) =>
    void act(async () => {
      const changed = await updateCollection(collection.id, { cover: asset.id });
      onCollectionChanged?.(changed);
      setNotice(`Now the cover of “${changed.name}”.`);
    });

  const inViewed = viewed !== null && held.some((item) => item.id === viewed.id);
  const isCover = viewed?.cover?.asset_id === asset.id && viewed.cover.chosen;

  return (
    <section className="asset-collections" aria-labelledby={headingId}>
      <h3 id={headingId}>Collections</h3>
      {held.length > 0 ? (
        <ul className="chips" aria-label="Collections">
          {held.map((collection) => (
            <li key={collection.id} className="chip chip--collection">
              <a
                className="chip__name"
                href={`/?collection=${collection.id}`}
                title={`Open the collection “${collection.name}”`}
                onClick={(event) => {
                  if (!onOpen || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  onOpen(collection.id);
                }}
              >
                {collection.name}
              </a>
              {canEdit && (
                <button
                  type="button"
                  className="chip__remove"
                  aria-label={`Take out of ${collection.name}`}
                  title={`Take out of “${collection.name}” (the asset stays in the library)`}
                  disabled={busy}
                  onClick={() => remove(collection)}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">In no collection.</p>
      )}
      {canEdit && (
        <div className="asset-collections__actions">
          <button type="button" aria-expanded={picking} disabled={busy} onClick={() => setPicking((open) => !open)}>
            Add to collection
          </button>
          {inViewed &&
            (isCover ? (
              <span className="muted">The cover of “{viewed.name}”</span>
            ) : (
              <button type="button" disabled={busy} onClick={() => makeCover(viewed)}>
                Use as cover of “{viewed.name}”
              </button>
            ))}
        </div>
      )}
      {canEdit && picking && (
        <CollectionPicker label="Add to a collection" exclude={held.map((item) => item.id)} onPick={add} />
      )}
      <p className="muted" aria-live="polite">
        {notice}
      </p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
