/** One asset in the library grid: picture, facts, status, live progress or the failure reason. */
import type { Asset } from '../services/api';
import { mediaKindOf } from '../services/assetUpdates';
import { assetFacts } from '../services/format';
import { ProgressBar } from './ProgressBar';
import { StatusBadge } from './StatusBadge';
import { Thumbnail } from './Thumbnail';

export function AssetCard({ asset, onOpen }: { asset: Asset; onOpen: (id: number) => void }) {
  const kind = mediaKindOf(asset.mime_type);
  const busy = asset.status === 'pending' || asset.status === 'processing';
  const stage = asset.processing.stage;
  return (
    <li className={`card card--${asset.status}`}>
      <button
        type="button"
        className="card__button"
        onClick={() => onOpen(asset.id)}
        aria-label={`${asset.title}, ${kind}, ${asset.status}. Open details`}
      >
        <Thumbnail src={asset.media_metadata.thumbnail_url} alt={`Thumbnail of ${asset.title}`} kind={kind} />
        <span className="card__body">
          <span className="card__title" title={asset.title}>
            {asset.title}
          </span>
          <span className="card__facts">{assetFacts(asset).join(' · ')}</span>
          <span className="card__status">
            <StatusBadge status={asset.status} />
            {busy && stage && <span className="card__stage">{stage}</span>}
          </span>
        </span>
      </button>
      {busy && (
        <ProgressBar
          value={asset.status === 'pending' && !asset.processing.progress ? null : asset.processing.progress}
          label={`Processing ${asset.title}`}
        />
      )}
      {asset.status === 'failed' && (
        <p className="card__error">{asset.processing.error ?? 'Processing failed for an unknown reason.'}</p>
      )}
    </li>
  );
}
