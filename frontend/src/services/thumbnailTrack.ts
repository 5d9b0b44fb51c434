/**
 * A video's scrub strip as the server describes it: a WebVTT thumbnail track, each cue's text
 * `<sprite url>#xywh=x,y,w,h` (the format video players read for seek-bar previews), parsed into
 * the sprite region to show for a moment of the video.
 */

export interface ThumbnailCue {
  /** Seconds. */
  start: number;
  end: number;
  /** The sprite sheet, resolved against the track's own URL. */
  url: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** `hh:mm:ss.ttt` or `mm:ss.ttt` in seconds; NaN for anything else. */
export function parseTimestamp(text: string): number {
  const match = /^(?:(\d+):)?([0-5]?\d):([0-5]?\d)(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!match) return Number.NaN;
  const [, hours, minutes, seconds, fraction] = match;
  return (
    Number(hours ?? 0) * 3600 +
    Number(minutes) * 60 +
    Number(seconds) +
    (fraction ? Number(fraction.padEnd(3, '0')) / 1000 : 0)
  );
}

/** The sprite region of a cue's text, or null when it names none (`#xywh=` in pixels, the only unit a sprite uses). */
function regionOf(text: string, base: string): Omit<ThumbnailCue, 'start' | 'end'> | null {
  const hash = text.lastIndexOf('#xywh=');
  if (hash <= 0) return null;
  const spec = text.slice(hash + '#xywh='.length).replace(/^pixel:/, '');
  const parts = spec.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 4 || parts.some((part) => !Number.isFinite(part) || part < 0)) return null;
  const [x, y, width, height] = parts as [number, number, number, number];
  if (width <= 0 || height <= 0) return null;
  let url: string;
  try {
    url = new URL(text.slice(0, hash).trim(), base).href;
  } catch {
    return null;
  }
  return { url, x, y, width, height };
}

/**
 * The cues of a thumbnail track, in time order. Tolerant as players are: a cue identifier, NOTE
 * and STYLE blocks, cue settings and CRLF line ends are skipped; a cue whose timing or region
 * cannot be read is left out rather than failing the whole track.
 */
export function parseThumbnailTrack(text: string, trackUrl: string): ThumbnailCue[] {
  const base = new URL(trackUrl, typeof window === 'undefined' ? 'http://localhost/' : window.location.href).href;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (!lines[0]?.startsWith('WEBVTT')) return [];
  const cues: ThumbnailCue[] = [];
  for (let index = 1; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const arrow = line.indexOf('-->');
    if (arrow < 0) continue;
    const start = parseTimestamp(line.slice(0, arrow));
    const end = parseTimestamp(line.slice(arrow + 3).trim().split(/\s+/)[0] ?? '');
    const payload = (lines[index + 1] ?? '').trim();
    index += 1;
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start || !payload) continue;
    const region = regionOf(payload, base);
    if (region) cues.push({ start, end, ...region });
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** The cue showing at `time` (seconds): the last that starts at or before it; null before the first. */
export function cueAt(cues: readonly ThumbnailCue[], time: number): ThumbnailCue | null {
  let low = 0;
  let high = cues.length - 1;
  let found: ThumbnailCue | null = null;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const cue = cues[middle] as ThumbnailCue;
    if (cue.start <= time) {
      found = cue;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
