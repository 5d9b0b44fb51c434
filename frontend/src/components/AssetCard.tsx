/**
 * One asset in the library grid: picture (its blurhash first), facts, status, its first tags,
 * live progress or the failure reason, "Missing" while its file is gone, and for editors a
 * checkbox that selects it for a bulk action. In the justified grid the card is as wide as its
 * picture at the row's height, the facts below it.
 */
import { memo, type CSSProperties } from 'react';
import type { Asset } from '../services/api';
import { mediaKindOf } from '../services/assetUpdates';
import { assetFacts, formatDateTime, NOT_QUEUED_STAGE, stageLabel } from '../services/format';
import { aspectOf } from '../services/justify';
import { ProgressBar } from './ProgressBar';
import { StatusBadge } from './StatusBadge';
import { TagChips } from './TagChips';
import { Thumbnail } from './Thumbnail';

interface AssetCardProps {
  asset: Asset;
  onOpen: (id: number) => void;
  /** A tag chip was clicked: filter the library by it. */
  onFilterTag?: (tag: string) => void;
  /** The grid row this card measures for the virtualized grid (its first card): its height is the row's. */
  row?: number;
  measureRef?: (element: HTMLLIElement | null) => void;
  /** The card's width and its picture's height in the justified grid, px; without them the stylesheet sizes it. */
  width?: number;
  pictureHeight?: number;
  /** The checkbox was clicked (`range`: with shift held). Without it (viewers) the card has no checkbox. */
  onSelect?: (id: number, range: boolean) => void;
  selected?: boolean;
  /** Everything in the filter is selected: the boxes are ticked and stay so until the selection is cleared. */
  selectionLocked?: boolean;
}

/** Tags a card shows; the rest are counted ("+2"), and all are in the detail view. */
const CARD_TAGS = 3;

// Memoized: a live update or a new page re-renders the grid, and only the cards whose asset changed need to.
export const AssetCard = memo(function AssetCard({
  asset,
  onOpen,
  onFilterTag,
  row,
  measureRef,
  width,
  pictureHeight,
  onSelect,
  selected = false,
  selectionLocked = false,
}: AssetCardProps) {
  const kind = mediaKindOf(asset.mime_type);
  const busy = asset.status === 'pending' || asset.status === 'processing';
  const stage = asset.processing.stage;
  // Waiting for someone to reprocess it: nothing is under way, so no progress bar.
  const waiting = stage === NOT_QUEUED_STAGE;
  // The watcher found the file gone (a share unmounted, a file deleted): the asset is kept.
  const missingSince = typeof asset.missing_since === 'string' ? asset.missing_since : null;
  const missing = missingSince !== null;
  const classes = ['card', `card--${asset.status}`, missing ? 'card--missing' : '', selected ? 'card--selected' : '']
    .filter(Boolean)
    .join(' ');
  const justified = width !== undefined && pictureHeight !== undefined;
  const blurhash = typeof asset.media_metadata.blurhash === 'string' ? asset.media_metadata.blurhash : null;
  const style = justified ? ({ width, '--card-picture-height': `${pictureHeight}px` } as CSSProperties) : undefined;
  return (
    <li className={justified ? `${classes} card--justified` : classes} style={style} ref={measureRef} data-index={row}>
      {onSelect && (
        <input
          type="checkbox"
          className="card__select"
          aria-label={`Select ${asset.title}`}
          title={selectionLocked ? 'Everything in this filter is selected' : 'Select (shift-click: a range)'}
          checked={selected}
          disabled={selectionLocked}
          onChange={(event) => {
            const native = event.nativeEvent;
            onSelect(asset.id, native instanceof MouseEvent && native.shiftKey);
          }}
        />
      )}
      <button
        type="button"
        className="card__button"
        data-asset-id={asset.id}
        onClick={() => onOpen(asset.id)}
        aria-label={`${asset.title}, ${kind}, ${asset.status}${missing ? ', file missing' : ''}. Open details`}
      >
        <Thumbnail
          src={asset.media_metadata.thumbnail_url}
          alt={`Thumbnail of ${asset.title}`}
          kind={kind}
          blurhash={blurhash}
          aspectRatio={justified ? aspectOf(asset) : undefined}
        />
        <span className="card__body">
          <span className="card__title" title={asset.title}>
            {asset.title}
          </span>
          <span className="card__facts">{assetFacts(asset).join(' · ')}</span>
          <span className="card__status">
            <StatusBadge status={asset.status} />
            {missingSince !== null && (
              <span className="badge badge--missing" title={`File not found since ${formatDateTime(missingSince)}`}>
                Missing
              </span>
            )}
            {busy && stage && <span className="card__stage">{stageLabel(stage)}</span>}
          </span>
        </span>
      </button>
      {asset.tags.length > 0 && (
        <TagChips tags={asset.tags} label={`Tags of ${asset.title}`} onFilter={onFilterTag} compact limit={CARD_TAGS} />
      )}
      {busy && !waiting && (
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
});
