/**
 * Why a thumbnail did not load, asked of the server when an <img> reports an error (an <img>
 * cannot read a status): rate limited (429, with Retry-After: try again then), there (the error
 * was passing: the image is now in the HTTP cache, as thumbnails are served immutable) or gone.
 */

/** Questions to the server after the first (why did the <img> fail?) before the picture is given up for the type icon. */
export const THUMBNAIL_RETRIES = 4;
/** Never wait less than this before asking again, whatever Retry-After says ("0" included). */
const MIN_WAIT_MS = 1_000;
/** A Retry-After longer than this is cut short: the card is on screen now. */
const MAX_WAIT_MS = 60_000;

export type ThumbnailProbe = { kind: 'ok' } | { kind: 'throttled'; waitMs: number } | { kind: 'failed' };

/** Retry-After (delay in seconds, or an HTTP date) as milliseconds to wait, bounded. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  let wait = MIN_WAIT_MS;
  if (header !== null && header.trim() !== '') {
    const text = header.trim();
    if (/^\d+(\.\d+)?$/.test(text)) wait = Number(text) * 1000;
    else {
      const at = Date.parse(text);
      if (!Number.isNaN(at)) wait = at - now;
    }
  }
  return Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, wait));
}

/** GETs the thumbnail once and says what the server answered; never throws. */
export async function probeThumbnail(url: string, signal?: AbortSignal): Promise<ThumbnailProbe> {
  try {
    const response = await fetch(url, { signal, credentials: 'same-origin' });
    if (response.ok) {
      // Read to the end, so the response is complete in the HTTP cache for the <img>.
      await response.arrayBuffer();
      return { kind: 'ok' };
    }
    if (response.status === 429) return { kind: 'throttled', waitMs: retryAfterMs(response.headers.get('Retry-After')) };
    return { kind: 'failed' };
  } catch {
    return { kind: 'failed' };
  }
}
