/** An asset's picture: fades in once loaded, and falls back to a type icon when there is none (yet). */
import { useState } from 'react';
import type { MediaKind } from '../services/assetUpdates';
import { MediaIcon } from './MediaIcon';

interface ThumbnailProps {
  src: string | undefined | null;
  alt: string;
  kind: MediaKind;
  className?: string;
}

export function Thumbnail(props: ThumbnailProps) {
  // Keyed by src, so a new thumbnail (after reprocess) fades in afresh and an old error is forgotten.
  return <ThumbnailFrame key={props.src ?? ''} {...props} />;
}

function ThumbnailFrame({ src, alt, kind, className }: ThumbnailProps) {
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  const showImage = Boolean(src) && !failed;
  return (
    <div className={className ? `thumb ${className}` : 'thumb'}>
      {!loaded && (
        <div className="thumb__placeholder" data-testid="thumbnail-placeholder">
          <MediaIcon kind={kind} />
        </div>
      )}
      {showImage && (
        <img
          className={loaded ? 'thumb__img thumb__img--loaded' : 'thumb__img'}
          src={src ?? undefined}
          alt={alt}
          loading="lazy"
          decoding="async"
          onLoad={() => setLoaded(true)}
          onError={() => setFailed(true)}
        />
      )}
    </div>
  );
}
