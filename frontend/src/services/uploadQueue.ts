/**
 * The files a user is uploading: a queue that sends a few at a time, with each file's progress,
 * speed, time left, outcome, and a way to cancel. It lives as long as the signed-in app, so hiding
 * the add-media panel or visiting another page does not lose an upload in flight.
 */
import type { ApiError, Asset } from './api';
import { nextRate, secondsLeft, startRate, type TransferRate } from './transferRate';
import { startUpload, type RunningUpload, type UploadEvents, type UploadOptions } from './uploads';

/** Files sent at the same time; the rest wait their turn. */
export const PARALLEL_UPLOADS = 2;

export type UploadPhase = 'queued' | 'uploading' | 'waitingForNetwork' | 'done' | 'failed' | 'cancelled';

export interface UploadItem {
  key: number;
  name: string;
  size: number;
  phase: UploadPhase;
  /** Bytes sent (the server's offset plus the chunk on the way). */
  sent: number;
  total: number;
  bytesPerSecond: number | null;
  secondsLeft: number | null;
  /** 0..1: how much the server already had when this upload was picked up again; null if it started fresh. */
  resumedFrom: number | null;
  error: string | null;
  /** Whether "Try again" can go on from the server's offset (the server was unreachable, not refusing). */
  canRetry: boolean;
  assetId: number | null;
}

export type StartUpload = (file: File, events: UploadEvents, options?: UploadOptions) => RunningUpload;

const ACTIVE: ReadonlySet<UploadPhase> = new Set(['uploading', 'waitingForNetwork']);
const FINISHED: ReadonlySet<UploadPhase> = new Set(['done', 'failed', 'cancelled']);

export class UploadQueue {
  private items: readonly UploadItem[] = [];
  private readonly files = new Map<number, File>();
  private readonly running = new Map<number, RunningUpload>();
  private readonly rates = new Map<number, TransferRate>();
  private readonly listeners = new Set<() => void>();
  private readonly uploadedListeners = new Set<(asset: Asset) => void>();
  private nextKey = 1;

  constructor(
    private readonly start: StartUpload = startUpload,
    private readonly now: () => number = () => performance.now(),
    readonly parallel: number = PARALLEL_UPLOADS,
  ) {}

  /** For useSyncExternalStore: the list, newest first; a new array whenever anything changed. */
  readonly getSnapshot = (): readonly UploadItem[] => this.items;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Called with each asset an upload created, as soon as the server registered it. */
  onUploaded(listener: (asset: Asset) => void): () => void {
    this.uploadedListeners.add(listener);
    return () => this.uploadedListeners.delete(listener);
  }

  add(files: Iterable<File>): void {
    const added: UploadItem[] = [];
    for (const file of files) {
      const key = this.nextKey++;
      this.files.set(key, file);
      added.unshift({
        key,
        name: file.name,
        size: file.size,
        phase: 'queued',
        sent: 0,
        total: file.size,
        bytesPerSecond: null,
        secondsLeft: null,
        resumedFrom: null,
        error: null,
        canRetry: false,
        assetId: null,
      });
    }
    if (added.length === 0) return;
    this.items = [...added, ...this.items];
    this.pump();
    this.emit();
  }

  /** Stops the upload and has the server delete what it received; a queued file just leaves the queue. */
  cancel(key: number): void {
    const item = this.find(key);
    if (!item || FINISHED.has(item.phase)) return;
    const running = this.running.get(key);
    this.forget(key);
    if (running) void running.cancel();
    this.patch(key, { phase: 'cancelled', bytesPerSecond: null, secondsLeft: null });
    this.pump();
    this.emit();
  }

  /** Goes on with an upload that failed because the server could not be reached. */
  retry(key: number): void {
    const item = this.find(key);
    const running = this.running.get(key);
    if (!item || item.phase !== 'failed' || !item.canRetry || !running) return;
    this.rates.delete(key);
    this.patch(key, { phase: 'uploading', error: null, canRetry: false });
    running.resume();
    this.emit();
  }

  /** Stops every upload without deleting it on the server (signing out, leaving): picking the file again resumes it. */
  stop(): void {
    for (const running of this.running.values()) running.pause();
    this.running.clear();
  }

  private find(key: number): UploadItem | undefined {
    return this.items.find((item) => item.key === key);
  }

  private patch(key: number, change: Partial<UploadItem>): void {
    this.items = this.items.map((item) => (item.key === key ? { ...item, ...change } : item));
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private forget(key: number): void {
    this.running.delete(key);
    this.files.delete(key);
    this.rates.delete(key);
  }

  /** Starts queued files, oldest first, while fewer than `parallel` are on their way. */
  private pump(): void {
    let free = this.parallel - this.items.filter((item) => ACTIVE.has(item.phase)).length;
    const waiting = this.items.filter((item) => item.phase === 'queued').reverse();
    for (const item of waiting) {
      if (free <= 0) break;
      free -= 1;
      this.launch(item.key);
    }
  }

  private launch(key: number): void {
    const file = this.files.get(key);
    if (!file) return;
    this.patch(key, { phase: 'uploading' });
    // Events from an upload that was cancelled (or refused) change nothing any more.
    const live = () => this.files.has(key);
    const events: UploadEvents = {
      onProgress: (sent, total) => {
        if (!live()) return;
        const at = this.now();
        const previous = this.rates.get(key);
        const rate = previous ? nextRate(previous, sent, at) : startRate(sent, at);
        this.rates.set(key, rate);
        this.patch(key, {
          phase: 'uploading',
          sent,
          total,
          bytesPerSecond: rate.bytesPerSecond,
          secondsLeft: secondsLeft(rate, sent, total),
        });
        this.emit();
      },
      onResumed: (offset, total) => {
        if (!live()) return;
        this.rates.delete(key);
        this.patch(key, {
          phase: 'uploading',
          sent: offset,
          total,
          resumedFrom: total > 0 ? offset / total : 0,
        });
        this.emit();
      },
      onWaitingForNetwork: () => {
        if (!live()) return;
        this.rates.delete(key);
        this.patch(key, { phase: 'waitingForNetwork', bytesPerSecond: null, secondsLeft: null });
        this.emit();
      },
      onComplete: (asset) => {
        if (!live()) return;
        this.forget(key);
        const total = this.find(key)?.total ?? asset.file_size;
        this.patch(key, { phase: 'done', sent: total, assetId: asset.id, bytesPerSecond: null, secondsLeft: null });
        this.pump();
        this.emit();
        for (const listener of [...this.uploadedListeners]) listener(asset);
      },
      onError: (error: ApiError) => {
        if (!live()) return;
        const canRetry = error.status === 0;
        // A refused upload is over; an unreachable server keeps the upload around for "Try again".
        if (!canRetry) this.forget(key);
        this.rates.delete(key);
        this.patch(key, { phase: 'failed', error: error.message, canRetry, bytesPerSecond: null, secondsLeft: null });
        this.pump();
        this.emit();
      },
    };
    this.running.set(key, this.start(file, events));
  }
}
