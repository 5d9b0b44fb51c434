/** How live events and fresh fetches change the assets the UI already holds; pure functions. */
import type { Ordering } from '../contract';
import type { Asset } from './api';
import type { ProcessingUpdate } from './websocket';

export type MediaKind = 'image' | 'video' | 'other';

export function mediaKindOf(mimeType: string): MediaKind {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('video/')) return 'video';
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

/** Whether an update means the stored asset changed in ways the event does not carry (metadata, thumbnails). */
export function needsRefetch(update: ProcessingUpdate, known: boolean): boolean {
  return !known || update.status === 'ready' || update.status === 'failed';
}

export interface LibraryFilter {
  type: '' | 'image' | 'video';
  status: '' | Asset['status'];
  q: string;
}

export function matchesFilter(asset: Asset, filter: LibraryFilter): boolean {
  if (filter.type && mediaKindOf(asset.mime_type) !== filter.type) return false;
  if (filter.status && asset.status !== filter.status) return false;
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
 * Puts a newly seen asset where it belongs on the page being shown, if it belongs there at all:
 * within the page's range by the current ordering. Returns null when it belongs on another page.
 */
export function placeAsset(
  items: Asset[],
  asset: Asset,
  ordering: Ordering,
  options: { pageSize: number; isFirstPage: boolean },
): Asset[] | null {
  const others = items.filter((item) => item.id !== asset.id);
  const first = others[0];
  const last = others[others.length - 1];
  if (!options.isFirstPage && first && compareAssets(asset, first, ordering) < 0) return null;
  if (others.length >= options.pageSize && last && compareAssets(asset, last, ordering) > 0) return null;
  const index = others.findIndex((item) => compareAssets(asset, item, ordering) < 0);
  const next = index === -1 ? [...others, asset] : [...others.slice(0, index), asset, ...others.slice(index)];
  return next.slice(0, options.pageSize);
}
