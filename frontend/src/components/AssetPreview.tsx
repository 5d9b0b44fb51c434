/**
 * The detail view's picture or player, and a link to the original file: a picture is its sharp
 * preview with zoom to the original (ZoomableImage), a video plays its proxy or the original, or
 * says why it cannot (VideoPlayer), a sound shows its waveform over an audio player (AudioPlayer);
 * anything else shows its thumbnail or type icon.
 */
import { assetContentUrl, type Asset } from '../services/api';
import { mediaKindOf } from '../services/assetUpdates';
import { AudioPlayer } from './AudioPlayer';
import { Thumbnail } from './Thumbnail';
import { VideoPlayer } from './VideoPlayer';
import { ZoomableImage } from './ZoomableImage';

function ImageView({ asset }: { asset: Asset }) {
  const { preview_url: preview, thumbnail_url: thumbnail, blurhash, width, height } = asset.media_metadata;
  const original = assetContentUrl(asset.id);
  // No preview means the original is no larger than one would be (or the preview is still being
  // made, or failed): the original is then the sharpest picture there is.
  const fitted = typeof preview === 'string' && preview !== '' ? preview : original;
  return (
    <ZoomableImage
      src={fitted}
      originalSrc={original}
      placeholderSrc={thumbnail ?? null}
      blurhash={typeof blurhash === 'string' ? blurhash : null}
      width={typeof width === 'number' ? width : undefined}
      height={typeof height === 'number' ? height : undefined}
      alt={`Preview of ${asset.title}`}
    />
  );
}

export function AssetPreview({ asset }: { asset: Asset }) {
  const kind = mediaKindOf(asset.mime_type);
  return (
    <div className="detail__media">
      {kind === 'video' ? (
        <VideoPlayer asset={asset} />
      ) : kind === 'image' ? (
        <ImageView asset={asset} />
      ) : kind === 'audio' ? (
        <AudioPlayer asset={asset} />
      ) : (
        <Thumbnail
          src={asset.media_metadata.thumbnail_url}
          alt={`Preview of ${asset.title}`}
          kind={kind}
          className="thumb--large"
        />
      )}
      <p>
        <a href={assetContentUrl(asset.id)} target="_blank" rel="noreferrer">
          Open the original file
        </a>
      </p>
    </div>
  );
}
