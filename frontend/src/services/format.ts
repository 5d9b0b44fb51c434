/** How sizes, durations and times are written for people. */
import type { Asset } from './api';
import { mediaKindOf } from './assetUpdates';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString();
}

/** The card's one line of facts: kind, size, then duration (video) or dimensions. */
export function assetFacts(asset: Asset): string[] {
  const kind = mediaKindOf(asset.mime_type);
  const { width, height, duration } = asset.media_metadata;
  const facts: string[] = [kind === 'other' ? asset.mime_type : kind, formatFileSize(asset.file_size)];
  if (kind === 'video' && typeof duration === 'number') facts.push(formatDuration(duration));
  else if (typeof width === 'number' && typeof height === 'number') facts.push(`${width}×${height}`);
  return facts;
}
