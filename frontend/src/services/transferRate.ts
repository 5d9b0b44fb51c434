/**
 * An upload's speed, smoothed: an exponential moving average over samples at least half a second
 * apart, so the number people read changes calmly, and the time left it implies.
 */

/** Samples closer than this are folded into the next one (progress events come every few ms). */
export const RATE_SAMPLE_MS = 500;
/** How quickly the average follows a change of speed: about two thirds of the way in this time. */
export const RATE_SMOOTHING_MS = 3000;

export interface TransferRate {
  /** When the last sample was taken, in ms (any monotonic clock). */
  at: number;
  /** Bytes done at that moment. */
  bytes: number;
  /** null until two samples far enough apart have been seen. */
  bytesPerSecond: number | null;
}

export function startRate(bytes: number, at: number): TransferRate {
  return { at, bytes, bytesPerSecond: null };
}

export function nextRate(previous: TransferRate, bytes: number, at: number): TransferRate {
  // Fewer bytes than before: a chunk being sent again after a resume. Measure from here on.
  if (bytes < previous.bytes) return { at, bytes, bytesPerSecond: previous.bytesPerSecond };
  const elapsed = at - previous.at;
  if (elapsed < RATE_SAMPLE_MS) return previous;
  const now = ((bytes - previous.bytes) * 1000) / elapsed;
  if (previous.bytesPerSecond === null) return { at, bytes, bytesPerSecond: now };
  const weight = 1 - Math.exp(-elapsed / RATE_SMOOTHING_MS);
  return { at, bytes, bytesPerSecond: previous.bytesPerSecond + weight * (now - previous.bytesPerSecond) };
}

/** Seconds until `total` at the current rate; null while the rate is unknown or zero. */
export function secondsLeft(rate: TransferRate | null, sent: number, total: number): number | null {
  if (rate === null || rate.bytesPerSecond === null || rate.bytesPerSecond <= 0) return null;
  return Math.max(0, total - sent) / rate.bytesPerSecond;
}
