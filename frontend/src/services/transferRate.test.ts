import { describe, expect, it } from 'vitest';
import { RATE_SAMPLE_MS, nextRate, secondsLeft, startRate } from './transferRate';

describe('transfer rate', () => {
  it('is unknown until two samples far enough apart', () => {
    const first = startRate(0, 0);
    expect(first.bytesPerSecond).toBeNull();
    expect(nextRate(first, 1000, RATE_SAMPLE_MS - 1)).toBe(first);
    expect(nextRate(first, 1000, 1000).bytesPerSecond).toBe(1000);
  });

  it('follows a change of speed smoothly, not at once', () => {
    let rate = nextRate(startRate(0, 0), 1000, 1000);
    rate = nextRate(rate, 11_000, 2000);
    expect(rate.bytesPerSecond).toBeGreaterThan(1000);
    expect(rate.bytesPerSecond).toBeLessThan(10_000);
    for (let second = 3; second < 30; second += 1) rate = nextRate(rate, rate.bytes + 10_000, second * 1000);
    expect(rate.bytesPerSecond).toBeCloseTo(10_000, -1);
  });

  it('measures afresh when bytes go back (a chunk sent again after a resume)', () => {
    const rate = nextRate(nextRate(startRate(0, 0), 5000, 1000), 4000, 1100);
    expect(rate).toEqual({ at: 1100, bytes: 4000, bytesPerSecond: 5000 });
  });

  it('gives the time left at the current rate', () => {
    const rate = nextRate(startRate(0, 0), 2000, 1000);
    expect(secondsLeft(rate, 2000, 10_000)).toBe(4);
    expect(secondsLeft(startRate(0, 0), 0, 10)).toBeNull();
    expect(secondsLeft(null, 0, 10)).toBeNull();
  });
});
