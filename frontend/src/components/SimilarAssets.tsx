/**
 * "Looks like" in the detail view: the assets whose picture is near this one's (resized,
 * recompressed, lightly edited copies), nearest first, each opening in the same view. Says "Not
 * processed yet" until the asset has a picture hash, and shows nothing at all when nothing looks
 * alike (most assets), so the detail view does not grow an empty section for every photo.
 */
import { useEffect, useId, useState } from 'react';
import { ApiError } from '../services/api';
import { mediaKindOf } from '../services/assetUpdates';
import { getSimilarAssets, similarityWording, type SimilarAssets as Similar } from '../services/duplicates';
import { parseLibraryQuery, serializeLibraryQuery } from '../services/libraryQuery';
import { Thumbnail } from './Thumbnail';

interface SimilarAssetsProps {
  assetId: number;
  /** Opens another asset in the detail view. */
  onOpen?: (id: number) => void;
}

export function SimilarAssets({ assetId, onOpen }: SimilarAssetsProps) {
  const headingId = useId();
  const [similar, setSimilar] = useState<Similar | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    getSimilarAssets(assetId, controller.signal)
      .then((answer) => {
        setSimilar(answer);
        setError(null);
      })
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setError(reason instanceof ApiError ? reason.message : String(reason));
      });
    return () => controller.abort();
  }, [assetId]);

  if (error) {
    return (
      <section className="similar-assets" aria-labelledby={headingId}>
        <h3 id={headingId}>Looks like</h3>
        <p className="muted">Could not look for similar assets: {error}</p>
      </section>
    );
  }
  if (!similar) return null;
  if (!similar.hashed) {
    return (
      <section className="similar-assets" aria-labelledby={headingId}>
        <h3 id={headingId}>Looks like</h3>
        <p className="muted">Not processed yet: similar pictures show once it is.</p>
      </section>
    );
  }
  const items = (similar.items ?? []).filter((item) => item.asset.id !== assetId);
  if (items.length === 0) return null;

  const here = parseLibraryQuery(window.location.search);
  return (
    <section className="similar-assets" aria-labelledby={headingId}>
      <h3 id={headingId}>Looks like</h3>
      <ul className="similar-assets__list">
        {items.map(({ asset, distance }) => (
          <li key={asset.id} className="similar-assets__item">
            <a
              className="similar-assets__open"
              href={serializeLibraryQuery({ ...here, asset: asset.id }) || '/'}
              title={`${distance} of 64 picture bits differ`}
              onClick={(event) => {
                if (!onOpen || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
                event.preventDefault();
                onOpen(asset.id);
              }}
            >
              <Thumbnail
                src={asset.media_metadata.thumbnail_url}
                alt=""
                kind={mediaKindOf(asset.mime_type)}
                className="similar-assets__thumb"
              />
              <span className="similar-assets__title">{asset.title}</span>
              <span className="muted similar-assets__distance">{similarityWording(distance)}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
