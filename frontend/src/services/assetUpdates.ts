/** How live events and fresh fetches change the assets the UI already holds; pure functions. */
import type { MediaType, Ordering, Orientation } from '../contract';
import type { Asset } from './api';
import { sameTag } from './libraryQuery';
import type { AssetChange, ProcessingUpdate } from './websocket';

export type MediaKind = 'image' | 'video' | 'audio' | 'other';

export function mediaKindOf(mimeType: string): MediaKind {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('video/')) return 'video';
  // An .mp4 of sound alone is stored as audio/mp4 once processing has found no picture in it.
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'other';
}

/** Applies one processing_update to an asset; fields the event leaves out keep their values. */
export function applyProcessingUpdate(asset: Asset, update: ProcessingUpdate): Asset {
  const processing = { ...asset.processing };
  if (typeof update.progress === 'number') processing.progress = update.progress;
  if (update.stage !== undefined) processing.stage = update.stage;
  if (update.error !== undefined) processing.error = update.error;
  const status = update.status ?? asset.status;
  // A new run starts clean: an old failure reason must not linger next to a progress bar.
  if ((status === 'pending' || status === 'processing') && update.error === undefined) processing.error = null;
  const media_metadata =
    typeof update.thumbnail_url === 'string' && update.thumbnail_url !== ''
      ? { ...asset.media_metadata, thumbnail_url: update.thumbnail_url }
      : asset.media_metadata;
  return { ...asset, status, processing, media_metadata };
}

/**
 * Applies one asset_update (a rename, new tags): the fields it names that the asset has,
 * with values of the same kind; the id never changes, and anything else is ignored.
 */
export function applyAssetChange(asset: Asset, change: AssetChange): Asset {
  let changed: Asset | null = null;
  for (const [key, value] of Object.entries(change)) {
    if (key === 'asset_id' || key === 'id' || !(key in asset) || value === undefined) continue;
    const current = (asset as unknown as Record<string, unknown>)[key];
    if (current !== null && value !== null && typeof current !== typeof value) continue;
    if (Object.is(current, value)) continue;
    changed = { ...(changed ?? asset), [key]: value };
  }
  return changed ?? asset;
}

/** Whether an update means the stored asset changed in ways the event does not carry (metadata, thumbnails). */
export function needsRefetch(update: ProcessingUpdate, known: boolean): boolean {
  return !known || update.status === 'ready' || update.status === 'failed';
}

export interface LibraryFilter {
  type: '' | MediaType;
  status: '' | Asset['status'];
  q: string;
  /** Every one of these tags, any case. */
  tags: readonly string[];
  /** Only assets that share their bytes with another: the server alone knows, so nothing new matches here. */
  duplicates?: boolean;
  /** Only the assets of this collection (its id). */
  collection?: number | null;
  /** What processing found, as the server's media filters compare it (assets/api/filters.py). */
  cameras?: readonly string[];
  minWidth?: number | null;
  minHeight?: number | null;
  minDuration?: number | null;
  maxDuration?: number | null;
  orientation?: Orientation | '';
  hasAudio?: boolean | null;
  /** Taken at or after / at or before (ISO 8601); '' for no bound. */
  takenAfter?: string;
  takenBefore?: string;
}

function numberOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function orientationOf(width: number | null, height: number | null): Orientation | null {
  if (width === null || height === null) return null;
  return width > height ? 'landscape' : height > width ? 'portrait' : 'square';
}

/**
 * Whether an asset meets the filters on what processing found (its metadata says: an asset not
 * processed yet meets none of them), and on when it was taken.
 */
export function matchesMediaFilter(asset: Pick<Asset, 'media_metadata' | 'captured_at'>, filter: LibraryFilter): boolean {
  const metadata = asset.media_metadata;
  const width = numberOf(metadata.width);
  const height = numberOf(metadata.height);
  const duration = numberOf(metadata.duration);
  const cameras = filter.cameras ?? [];
  if (cameras.length > 0) {
    const camera = typeof metadata.camera === 'string' ? metadata.camera.trim().toLowerCase() : '';
    if (!camera || !cameras.some((wanted) => wanted.toLowerCase() === camera)) return false;
  }
  if (typeof filter.minWidth === 'number' && (width === null || width < filter.minWidth)) return false;
  if (typeof filter.minHeight === 'number' && (height === null || height < filter.minHeight)) return false;
  if (typeof filter.minDuration === 'number' && (duration === null || duration < filter.minDuration)) return false;
  if (typeof filter.maxDuration === 'number' && (duration === null || duration > filter.maxDuration)) return false;
  if (filter.orientation && orientationOf(width, height) !== filter.orientation) return false;
  if (typeof filter.hasAudio === 'boolean' && metadata.has_audio !== filter.hasAudio) return false;
  if (filter.takenAfter || filter.takenBefore) {
    const taken = asset.captured_at ? Date.parse(asset.captured_at) : Number.NaN;
    if (Number.isNaN(taken)) return false;
    if (filter.takenAfter && taken < Date.parse(filter.takenAfter)) return false;
    if (filter.takenBefore && taken > Date.parse(filter.takenBefore)) return false;
  }
  return true;
}

/** Whether an asset's tags hold every tag wanted (compared as the server does, whatever the case). */
export function hasAllTags(held: readonly string[] | undefined, wanted: readonly string[]): boolean {
  return wanted.every((name) => (held ?? []).some((tag) => sameTag(tag, name)));
}

/** Whether an asset is in the collection (an asset that does not say is in none). */
export function inCollection(asset: Pick<Asset, 'collections'>, collection: number | null | undefined): boolean {
  if (collection === null || collection === undefined) return true;
  return (asset.collections ?? []).some((held) => held.id === collection);
}

export function matchesFilter(asset: Asset, filter: LibraryFilter): boolean {
  if (filter.type && mediaKindOf(asset.mime_type) !== filter.type) return false;
  if (filter.status && asset.status !== filter.status) return false;
  if (filter.duplicates) return false;
  if (!hasAllTags(asset.tags, filter.tags)) return false;
  if (!inCollection(asset, filter.collection)) return false;
  if (!matchesMediaFilter(asset, filter)) return false;
  const q = filter.q.trim().toLowerCase();
  if (q && !asset.title.toLowerCase().includes(q) && !asset.file_path.toLowerCase().includes(q)) return false;
  return true;
}

/** Compares two assets the way the server orders the list; ties fall back to id like a stable sort. */
export function compareAssets(a: Asset, b: Asset, ordering: Ordering): number {
  const descending = ordering.startsWith('-');
  const field = (descending ? ordering.slice(1) : ordering) as 'created_at' | 'title' | 'file_size';
  let result: number;
  if (field === 'file_size') result = a.file_size - b.file_size;
  else if (field === 'title') result = a.title.localeCompare(b.title);
  else result = Date.parse(a.created_at) - Date.parse(b.created_at);
  if (result === 0) result = a.id - b.id;
  return descending ? -result : result;
}

/**
 * Puts a newly seen asset where it belongs among the assets loaded so far (always the list's
 * first ones, in the current ordering), if it belongs there at all. Past the last one loaded it
 * belongs only when nothing follows (`complete`); otherwise its own page will bring it, and null
 * says so.
 */
export function placeAsset(items: Asset[], asset: Asset, ordering: Ordering, options: { complete: boolean }): Asset[] | null {
  const others = items.filter((item) => item.id !== asset.id);
  const last = others[others.length - 1];
  if (!options.complete && (!last || compareAssets(asset, last, ordering) > 0)) return null;
  const index = others.findIndex((item) => compareAssets(asset, item, ordering) < 0);
  return index === -1 ? [...others, asset] : [...others.slice(0, index), asset, ...others.slice(index)];
}
