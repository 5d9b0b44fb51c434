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

/** The card's one line of facts: kind, size, then duration (video, audio) or dimensions. */
export function assetFacts(asset: Asset): string[] {
  const kind = mediaKindOf(asset.mime_type);
  const { width, height, duration } = asset.media_metadata;
  const facts: string[] = [kind === 'other' ? asset.mime_type : kind, formatFileSize(asset.file_size)];
  if ((kind === 'video' || kind === 'audio') && typeof duration === 'number') facts.push(formatDuration(duration));
  else if (typeof width === 'number' && typeof height === 'number') facts.push(`${width}×${height}`);
  return facts;
}

/** An upload's speed: "3.2 MB/s" (the same units as file sizes); a dash while it is not known yet. */
export function formatSpeed(bytesPerSecond: number | null): string {
  if (bytesPerSecond === null || !Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) return '—';
  return `${formatFileSize(bytesPerSecond)}/s`;
}

/** How long an upload still needs, roughly: "8 s left", "3 min 5 s left", "1 h 20 min left"; empty when not known. */
export function formatTimeLeft(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '';
  const whole = Math.max(1, Math.ceil(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return `${h} h ${m} min left`;
  if (m > 0) return `${m} min ${s} s left`;
  return `${s} s left`;
}

/** Whole percent done, never 100 before every byte is there. */
export function percentOf(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.min(100, Math.floor((done / total) * 100));
}

const COUNT = new Intl.NumberFormat('en-US');

/**
 * The library's size: "431 assets", or, when the server could only estimate it (a huge library),
 * "about 1,000,000 assets", rounded to two significant figures so it does not look exact.
 */
export function formatAssetCount(total: number, estimated = false): string {
  const noun = total === 1 && !estimated ? 'asset' : 'assets';
  if (!estimated) return `${COUNT.format(total)} ${noun}`;
  const magnitude = total >= 100 ? 10 ** (Math.floor(Math.log10(total)) - 1) : 1;
  return `about ${COUNT.format(Math.round(total / magnitude) * magnitude)} ${noun}`;
}

/** Registered without processing (`import_media --no-process`): waiting for a reprocess, not working. */
export const NOT_QUEUED_STAGE = 'not_queued';

/**
 * A processing stage as a card shows it. The working stages keep the server's own short names
 * (queued, validate, metadata, thumbnail); a stage that is a state rather than a step is written out.
 */
const STAGE_LABELS: Record<string, string> = {
  [NOT_QUEUED_STAGE]: 'Not queued',
  // A video the browser cannot play is being copied into one it can (the longest stage).
  proxy: 'playable copy',
};

export function stageLabel(stage: string): string {
  return STAGE_LABELS[stage] ?? stage.replace(/_/g, ' ');
}
