/** The detail view's picture or player, and a link to the original file. */
import { assetContentUrl, type Asset } from '../services/api';
import { mediaKindOf } from '../services/assetUpdates';
import { Thumbnail } from './Thumbnail';

export function AssetPreview({ asset }: { asset: Asset }) {
  const kind = mediaKindOf(asset.mime_type);
  const picture = asset.media_metadata.preview_url ?? asset.media_metadata.thumbnail_url;
  return (
    <div className="detail__media">
      {kind === 'video' ? (
        <video
          controls
          preload="metadata"
          src={assetContentUrl(asset.id)}
          poster={picture ?? undefined}
          aria-label={`Video: ${asset.title}`}
        />
      ) : (
        <Thumbnail src={picture} alt={`Preview of ${asset.title}`} kind={kind} className="thumb--large" />
      )}
      <p>
        <a href={assetContentUrl(asset.id)} target="_blank" rel="noreferrer">
          Open the original file
        </a>
      </p>
    </div>
  );
}
