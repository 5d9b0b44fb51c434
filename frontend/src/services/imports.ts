/**
 * Folder imports as the UI follows them (issue 12): reading a job from a live message, merging
 * live updates with fetched copies (which alone carry the rejections), what the progress bar and
 * the status say, and when to ask for the rejections again. Pure, apart from the fetch throttle.
 */
import { IMPORT_STATUSES, type ImportCounts, type ImportJob, type ImportStatus } from './api';
import type { Timers } from './websocket';

/** How many of the newest imports the panel lists: enough that a reload shows the running ones. */
export const RECENT_IMPORTS = 5;

/** The rejections of a running job are read again at most this often (the end always reads them). */
export const REJECTIONS_REFRESH_MS = 2_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The job an `import_update` carries, when it has an id and a known status; null otherwise (a
 * newer server's message this UI cannot read is dropped rather than shown half-understood).
 */
export function readImportJob(data: Record<string, unknown>): ImportJob | null {
  const { id, status } = data;
  if (typeof id !== 'number' || !IMPORT_STATUSES.includes(status as ImportStatus)) return null;
  const raw = isRecord(data.counts) ? data.counts : {};
  const counts: ImportCounts = {
    seen: 0,
    added: count(raw.added),
    skipped: count(raw.skipped),
    ignored: count(raw.ignored),
    rejected: count(raw.rejected),
    excluded: count(raw.excluded),
  };
  const sum = counts.added + counts.skipped + counts.ignored + counts.rejected + counts.excluded;
  counts.seen = typeof raw.seen === 'number' ? count(raw.seen) : sum;
  return {
    id,
    path: text(data.path) ?? '',
    exclude: Array.isArray(data.exclude) ? data.exclude.filter((item): item is string => typeof item === 'string') : [],
    process: data.process !== false,
    status: status as ImportStatus,
    total: typeof data.total === 'number' ? data.total : null,
    counts,
    error: text(data.error),
    created_by: text(data.created_by),
    created_at: text(data.created_at) ?? '',
    started_at: text(data.started_at),
    finished_at: text(data.finished_at),
  };
}

export function isActive(status: ImportStatus): boolean {
  return status === 'queued' || status === 'running';
}

/**
 * Whether `a` is further along than `b`: a finished job never goes back to running, and of two
 * running copies the one that has looked at more files is the later one. A fetch answered after
 * a live update must not undo it.
 */
function furtherThan(a: ImportJob, b: ImportJob): boolean {
  if (isActive(a.status) !== isActive(b.status)) return !isActive(a.status);
  if (a.status === 'queued' && b.status === 'running') return false;
  if (a.status === 'running' && b.status === 'queued') return true;
  return a.counts.seen > b.counts.seen;
}

/** A live update applied to the copy held: its fields win, the rejections read before stay. */
export function applyLiveUpdate(held: ImportJob | undefined, update: ImportJob): ImportJob {
  if (!held) return update;
  if (!isActive(held.status) && isActive(update.status)) return held;
  return { ...update, rejections: update.rejections ?? held.rejections };
}

/** A copy fetched (GET, or the answer to a start or cancel): its rejections always, its state unless the held one is further. */
export function applyFetched(held: ImportJob | undefined, fetched: ImportJob): ImportJob {
  if (!held) return fetched;
  if (furtherThan(held, fetched)) return { ...held, rejections: fetched.rejections ?? held.rejections };
  return { ...fetched, rejections: fetched.rejections ?? held.rejections };
}

/** Whether a live update means the job's rejections should be read: more of them, or the end of a job that has some. */
export function rejectionsWanted(held: ImportJob | undefined, update: ImportJob): boolean {
  if (update.counts.rejected === 0) return false;
  if (!held) return true;
  if (isActive(held.status) && !isActive(update.status)) return true;
  return update.counts.rejected > held.counts.rejected;
}

/** Whether a job that is listed still lacks the rejections its count announces. */
export function rejectionsMissing(job: ImportJob): boolean {
  return job.counts.rejected > 0 && (job.rejections === undefined || job.rejections.length === 0);
}

/** Whole percent of the files looked at; null while the total is not counted yet (an indeterminate bar). */
export function importPercent(job: ImportJob): number | null {
  if (job.status === 'done') return 100;
  if (job.total === null) return null;
  if (job.total === 0) return isActive(job.status) ? null : 100;
  return Math.min(100, Math.floor((job.counts.seen / job.total) * 100));
}

const NUMBER = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return NUMBER.format(value);
}

/** The job's state in words, the one a screen reader hears when it changes. */
export function importStatusText(job: ImportJob): string {
  switch (job.status) {
    case 'queued':
      return 'Waiting for a worker…';
    case 'running':
      return job.total === null ? 'Counting files…' : 'Importing…';
    case 'done':
      return 'Done';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
  }
}

/** "312 of 1,200 files looked at", or as many as so far while the total is being counted. */
export function importProgressText(job: ImportJob): string {
  const seen = formatCount(job.counts.seen);
  const noun = (n: number) => (n === 1 ? 'file' : 'files');
  if (job.total === null) return `${seen} ${noun(job.counts.seen)} looked at`;
  return `${seen} of ${formatCount(job.total)} ${noun(job.total)} looked at`;
}

/** A folder as the UI names it: its path, or the media folder itself. */
export function folderLabel(path: string): string {
  return path === '' ? 'the whole media folder' : path;
}

export interface Crumb {
  name: string;
  path: string;
}

/** The breadcrumbs of a folder: the media folder, then each folder down to it. */
export function crumbsOf(path: string): Crumb[] {
  const crumbs: Crumb[] = [{ name: 'Media folder', path: '' }];
  let sofar = '';
  for (const part of path.split('/').filter(Boolean)) {
    sofar = sofar ? `${sofar}/${part}` : part;
    crumbs.push({ name: part, path: sofar });
  }
  return crumbs;
}

/** Exclude patterns as typed: separated by commas or new lines, blanks and repeats left out. */
export function parseExcludes(typed: string): string[] {
  const patterns: string[] = [];
  for (const part of typed.split(/[,\n]/)) {
    const pattern = part.trim();
    if (pattern && !patterns.includes(pattern)) patterns.push(pattern);
  }
  return patterns;
}

/** The newest first, each id once: the server lists them that way, and a new one goes on top. */
export function upsertJob(jobs: readonly ImportJob[], job: ImportJob): ImportJob[] {
  const others = jobs.filter((held) => held.id !== job.id);
  const index = others.findIndex((held) => held.id < job.id);
  return index === -1 ? [...others, job] : [...others.slice(0, index), job, ...others.slice(index)];
}

/**
 * Reads a job's rejections when asked, at most once per `intervalMs` per job while it runs (a
 * job rejecting a file per update would otherwise cost a request per update), at once when
 * `urgent` (the job ended). One request per job at a time; asks made meanwhile are served by
 * one more once it answers.
 */
export class RejectionFetcher {
  private readonly inFlight = new Set<number>();
  private readonly again = new Map<number, boolean>();
  private readonly lastAt = new Map<number, number>();
  private readonly timers = new Map<number, unknown>();
  private stopped = false;

  constructor(
    private readonly fetchJob: (id: number) => Promise<ImportJob>,
    private readonly onFetched: (job: ImportJob) => void,
    private readonly clock: Pick<Timers, 'setTimeout' | 'clearTimeout'> & { now: () => number },
    private readonly intervalMs = REJECTIONS_REFRESH_MS,
  ) {}

  request(id: number, urgent = false): void {
    if (this.stopped) return;
    if (this.inFlight.has(id)) {
      this.again.set(id, (this.again.get(id) ?? false) || urgent);
      return;
    }
    const wait = urgent ? 0 : (this.lastAt.get(id) ?? Number.NEGATIVE_INFINITY) + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.run(id);
      return;
    }
    if (this.timers.has(id)) return;
    this.timers.set(
      id,
      this.clock.setTimeout(() => {
        this.timers.delete(id);
        this.request(id);
      }, wait),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const handle of this.timers.values()) this.clock.clearTimeout(handle);
    this.timers.clear();
  }

  private run(id: number): void {
    const pending = this.timers.get(id);
    if (pending !== undefined) {
      this.clock.clearTimeout(pending);
      this.timers.delete(id);
    }
    this.inFlight.add(id);
    this.lastAt.set(id, this.clock.now());
    const finish = (job: ImportJob | null) => {
      this.inFlight.delete(id);
      // A failed read leaves the rejections as last read; the next update or the end asks again.
      if (job && !this.stopped) this.onFetched(job);
      const again = this.again.get(id);
      this.again.delete(id);
      if (again !== undefined) this.request(id, again);
    };
    this.fetchJob(id).then(finish, () => finish(null));
  }
}
