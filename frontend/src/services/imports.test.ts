import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../test/fakes';
import { importUpdate, makeImportJob } from '../test/imports';
import type { ImportJob } from './api';
import {
  applyFetched,
  applyLiveUpdate,
  crumbsOf,
  importPercent,
  importProgressText,
  importStatusText,
  parseExcludes,
  RejectionFetcher,
  rejectionsWanted,
  upsertJob,
} from './imports';
import { parseServerMessage } from './websocket';

const counts = (seen: number, rejected = 0) => ({ seen, added: seen - rejected, skipped: 0, ignored: 0, rejected, excluded: 0 });

describe('import_update messages', () => {
  it('are read into a job, without rejections', () => {
    const job = makeImportJob({ status: 'running', total: 10, counts: counts(4, 1) });
    const message = parseServerMessage(JSON.stringify(importUpdate(12, job)));
    expect(message).toEqual({ type: 'import_update', seq: 12, data: { ...job, rejections: undefined } });
  });

  it('without an id or with an unknown status are dropped', () => {
    expect(parseServerMessage(JSON.stringify({ type: 'import_update', seq: 1, data: { status: 'running' } }))).toBeNull();
    expect(parseServerMessage(JSON.stringify({ type: 'import_update', seq: 1, data: { id: 1, status: 'paused' } }))).toBeNull();
  });
});

describe('merging live updates and fetched copies', () => {
  const rejected = [{ path: 'holiday/2024/x.jpg', reason: 'Not a valid image' }];

  it('keeps the rejections read before when a live update (which has none) arrives', () => {
    const held = makeImportJob({ status: 'running', total: 10, counts: counts(3, 1), rejections: rejected });
    const update = { ...makeImportJob({ status: 'running', total: 10, counts: counts(6, 1) }), rejections: undefined };
    expect(applyLiveUpdate(held, update)).toMatchObject({ counts: counts(6, 1), rejections: rejected });
  });

  it('never takes a finished job back to running', () => {
    const done = makeImportJob({ status: 'done', total: 10, counts: counts(10) });
    expect(applyLiveUpdate(done, makeImportJob({ status: 'running', total: 10, counts: counts(9) }))).toBe(done);
    const fetchedLate = makeImportJob({ status: 'running', total: 10, counts: counts(9), rejections: rejected });
    expect(applyFetched(done, fetchedLate)).toMatchObject({ status: 'done', counts: counts(10), rejections: rejected });
  });

  it('lets a fetched copy behind the live one give only its rejections', () => {
    const live = makeImportJob({ status: 'running', total: 10, counts: counts(8, 1), rejections: [] });
    const fetched = makeImportJob({ status: 'running', total: 10, counts: counts(5, 1), rejections: rejected });
    expect(applyFetched(live, fetched)).toMatchObject({ counts: counts(8, 1), rejections: rejected });
    const ahead = makeImportJob({ status: 'done', total: 10, counts: counts(10, 1), rejections: rejected });
    expect(applyFetched(live, ahead)).toEqual(ahead);
  });

  it('asks for the rejections when more files are rejected or the job ends with some', () => {
    const running = makeImportJob({ status: 'running', counts: counts(3, 1) });
    expect(rejectionsWanted(running, makeImportJob({ status: 'running', counts: counts(5, 1) }))).toBe(false);
    expect(rejectionsWanted(running, makeImportJob({ status: 'running', counts: counts(5, 2) }))).toBe(true);
    expect(rejectionsWanted(running, makeImportJob({ status: 'done', counts: counts(5, 1) }))).toBe(true);
    expect(rejectionsWanted(undefined, makeImportJob({ status: 'running', counts: counts(5, 1) }))).toBe(true);
    expect(rejectionsWanted(makeImportJob({ status: 'running' }), makeImportJob({ status: 'done', counts: counts(5) }))).toBe(false);
  });

  it('keeps the newest job first, each once', () => {
    const jobs = [makeImportJob({ id: 9 }), makeImportJob({ id: 4 })];
    expect(upsertJob(jobs, makeImportJob({ id: 6 })).map((job) => job.id)).toEqual([9, 6, 4]);
    expect(upsertJob(jobs, makeImportJob({ id: 12 })).map((job) => job.id)).toEqual([12, 9, 4]);
    expect(upsertJob(jobs, makeImportJob({ id: 4, status: 'done' }))[1]?.status).toBe('done');
  });
});

describe('what a job says', () => {
  it('has a percent only once its files are counted, and 100 when done', () => {
    expect(importPercent(makeImportJob({ status: 'running', total: null, counts: counts(40) }))).toBeNull();
    expect(importPercent(makeImportJob({ status: 'running', total: 1200, counts: counts(300) }))).toBe(25);
    expect(importPercent(makeImportJob({ status: 'done', total: 0 }))).toBe(100);
    expect(importPercent(makeImportJob({ status: 'cancelled', total: 1200, counts: counts(600) }))).toBe(50);
  });

  it('writes the status and the files looked at for people', () => {
    expect(importStatusText(makeImportJob({ status: 'running', total: null }))).toBe('Counting files…');
    expect(importStatusText(makeImportJob({ status: 'running', total: 3 }))).toBe('Importing…');
    expect(importProgressText(makeImportJob({ total: 1200, counts: counts(312) }))).toBe('312 of 1,200 files looked at');
    expect(importProgressText(makeImportJob({ total: null, counts: counts(1) }))).toBe('1 file looked at');
  });

  it('splits exclude patterns on commas and new lines', () => {
    expect(parseExcludes(' *.tmp, drafts ,\n*.tmp,,  ')).toEqual(['*.tmp', 'drafts']);
  });

  it('makes breadcrumbs from the media folder down', () => {
    expect(crumbsOf('holiday/2024')).toEqual([
      { name: 'Media folder', path: '' },
      { name: 'holiday', path: 'holiday' },
      { name: '2024', path: 'holiday/2024' },
    ]);
  });
});

describe('RejectionFetcher', () => {
  function setUp() {
    const clock = new ManualClock();
    const answers: ((job: ImportJob) => void)[] = [];
    const fetchJob = vi.fn(() => new Promise<ImportJob>((resolve) => answers.push(resolve)));
    const fetched: ImportJob[] = [];
    const timers = {
      setTimeout: (callback: () => void, ms: number) => clock.setTimeout(callback, ms),
      clearTimeout: (handle: unknown) => clock.clearTimeout(handle),
      now: () => clock.now,
    };
    const fetcher = new RejectionFetcher(fetchJob, (job) => fetched.push(job), timers, 2000);
    return { clock, fetchJob, answers, fetched, fetcher };
  }

  it('reads a running job at most once per interval, and at once when it ends', async () => {
    const { clock, fetchJob, answers, fetched, fetcher } = setUp();
    fetcher.request(7);
    expect(fetchJob).toHaveBeenCalledTimes(1);
    answers[0]?.(makeImportJob());
    await Promise.resolve();
    await Promise.resolve();
    expect(fetched).toHaveLength(1);

    clock.advance(500);
    fetcher.request(7);
    fetcher.request(7);
    expect(fetchJob).toHaveBeenCalledTimes(1);
    clock.advance(1500);
    expect(fetchJob).toHaveBeenCalledTimes(2);

    // In flight: the end is remembered and asked for as soon as the answer is in.
    fetcher.request(7, true);
    expect(fetchJob).toHaveBeenCalledTimes(2);
    answers[1]?.(makeImportJob());
    await vi.waitFor(() => expect(fetchJob).toHaveBeenCalledTimes(3));
  });
});
