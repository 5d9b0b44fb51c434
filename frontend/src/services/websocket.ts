/**
 * The one live connection to the server's /ws (CONTRACT.md section 4): heartbeat, reconnect with
 * backoff, resume from the last seen `seq`, and duplicate suppression. Components subscribe to it;
 * they never open sockets of their own.
 */
import {
  PING_INTERVAL_MS,
  RECONNECT_BASE_MS,
  RECONNECT_MAX_MS,
  SILENCE_TIMEOUT_MS,
  ASSET_STATUSES,
  STABLE_CONNECTION_MS,
  WEBSOCKET_PATH,
  type AssetStatus,
} from '../contract';
import type { Asset, ImportJob } from './api';
import { readImportJob } from './imports';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ProcessingUpdate {
  asset_id: number;
  progress?: number;
  stage?: string | null;
  status?: AssetStatus;
  error?: string | null;
  thumbnail_url?: string | null;
  [key: string]: unknown;
}

/** An `asset_update`: the asset's id and the fields that changed (a rename: `title`). */
export interface AssetChange {
  asset_id: number;
  title?: string;
  /** The whole new list, when the tags changed. */
  tags?: string[];
  /** The whole new list ({id, name}, by name), when the asset's collections changed. */
  collections?: { id: number; name: string }[];
  [key: string]: unknown;
}

export type ServerMessage =
  | { type: 'connection'; data: Record<string, unknown> }
  | { type: 'pong' }
  | { type: 'processing_update'; seq: number | null; data: ProcessingUpdate }
  /** A new asset, as the API shows it; null when the message did not carry a usable one. */
  | { type: 'asset_created'; seq: number | null; data: { asset_id: number; asset: Asset | null } }
  | { type: 'asset_update'; seq: number | null; data: AssetChange }
  | { type: 'asset_deleted'; seq: number | null; data: { asset_id: number } }
  | { type: 'snapshot'; seq: number | null; data: { assets: Asset[] } }
  /** A folder import moved on: the job as the API shows it, without its rejections. */
  | { type: 'import_update'; seq: number | null; data: ImportJob }
  | { type: 'error'; data: { error: string } };

/** The part of the browser WebSocket this service uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface LiveConnectionOptions {
  url?: string;
  createSocket?: (url: string) => SocketLike;
  timers?: Timers;
  /** Returns [0, 1); drives the reconnect jitter. */
  random?: () => number;
  now?: () => number;
  /** Where to listen for the browser's online/offline events; null to not listen. */
  network?: Pick<Window, 'addEventListener' | 'removeEventListener'> | null;
  isOnline?: () => boolean;
  pingIntervalMs?: number;
  silenceTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  stableConnectionMs?: number;
}

const OPEN = 1;

/**
 * Full jitter (a uniform draw over the whole window) keeps many browsers from reconnecting in
 * step after a server restart; the window doubles per failed attempt up to the cap.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const window = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * window);
}

export function defaultSocketUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${WEBSOCKET_PATH}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The numbered messages: one `seq` sequence, resumed together. */
const SEQUENCED = new Set<ServerMessage['type']>([
  'processing_update',
  'asset_created',
  'asset_update',
  'asset_deleted',
  'import_update',
]);

/** The asset an `asset_created` carries, when it has what a card needs; null otherwise. */
export function assetFromMessage(data: Record<string, unknown>): Asset | null {
  const { title, file_path, mime_type, created_at, status } = data;
  const id = data.id ?? data.asset_id;
  if (typeof id !== 'number' || typeof title !== 'string' || typeof file_path !== 'string') return null;
  if (typeof mime_type !== 'string' || typeof created_at !== 'string') return null;
  if (!ASSET_STATUSES.includes(status as AssetStatus)) return null;
  const processing = isRecord(data.processing) ? data.processing : {};
  return {
    id,
    title,
    file_path,
    mime_type,
    media_type: typeof data.media_type === 'string' ? data.media_type : undefined,
    file_size: typeof data.file_size === 'number' ? data.file_size : 0,
    checksum: typeof data.checksum === 'string' ? data.checksum : null,
    created_at,
    updated_at: typeof data.updated_at === 'string' ? data.updated_at : created_at,
    status: status as AssetStatus,
    processing: {
      stage: typeof processing.stage === 'string' ? processing.stage : null,
      progress: typeof processing.progress === 'number' ? processing.progress : 0,
      error: typeof processing.error === 'string' ? processing.error : null,
    },
    media_metadata: isRecord(data.media_metadata) ? data.media_metadata : {},
    tags: Array.isArray(data.tags) ? data.tags.filter((tag): tag is string => typeof tag === 'string') : [],
  };
}

function seqOf(message: Record<string, unknown>): number | null {
  return typeof message.seq === 'number' && Number.isFinite(message.seq) ? message.seq : null;
}

/** Validates one frame into a ServerMessage; anything else is dropped (null). */
export function parseServerMessage(raw: unknown): ServerMessage | null {
  if (typeof raw !== 'string') return null;
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(message) || typeof message.type !== 'string') return null;
  const data = isRecord(message.data) ? message.data : {};
  switch (message.type) {
    case 'connection':
      return { type: 'connection', data };
    case 'pong':
      return { type: 'pong' };
    case 'processing_update':
      if (typeof data.asset_id !== 'number') return null;
      return { type: 'processing_update', seq: seqOf(message), data: data as ProcessingUpdate };
    case 'asset_created':
      if (typeof data.asset_id !== 'number') return null;
      return { type: 'asset_created', seq: seqOf(message), data: { asset_id: data.asset_id, asset: assetFromMessage(data) } };
    case 'asset_update':
      if (typeof data.asset_id !== 'number') return null;
      return { type: 'asset_update', seq: seqOf(message), data: data as AssetChange };
    case 'asset_deleted':
      if (typeof data.asset_id !== 'number') return null;
      return { type: 'asset_deleted', seq: seqOf(message), data: { asset_id: data.asset_id } };
    case 'import_update': {
      const job = readImportJob(data);
      return job ? { type: 'import_update', seq: seqOf(message), data: job } : null;
    }
    case 'snapshot':
      return {
        type: 'snapshot',
        seq: seqOf(message),
        data: { assets: Array.isArray(data.assets) ? (data.assets as Asset[]) : [] },
      };
    case 'error':
      return { type: 'error', data: { error: typeof data.error === 'string' ? data.error : 'Unknown error' } };
    default:
      return null;
  }
}

type MessageListener = (message: ServerMessage) => void;
type StateListener = (state: ConnectionState) => void;

const browserTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
};

export class LiveConnection {
  private readonly url: string;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly network: LiveConnectionOptions['network'];
  private readonly isOnline: () => boolean;
  private readonly pingIntervalMs: number;
  private readonly silenceTimeoutMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly stableConnectionMs: number;

  private socket: SocketLike | null = null;
  private currentState: ConnectionState = 'offline';
  private started = false;
  private everConnected = false;
  private attempt = 0;
  private openedAt = 0;
  private lastFrameAt = 0;
  private highestSeq: number | null = null;
  private reconnectTimer: unknown = null;
  private pingTimer: unknown = null;
  private readonly messageListeners = new Set<MessageListener>();
  private readonly stateListeners = new Set<StateListener>();

  constructor(options: LiveConnectionOptions = {}) {
    this.url = options.url ?? defaultSocketUrl();
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.timers = options.timers ?? browserTimers;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.network = options.network === undefined ? (typeof window === 'undefined' ? null : window) : options.network;
    this.isOnline = options.isOnline ?? (() => (typeof navigator === 'undefined' ? true : navigator.onLine !== false));
    this.pingIntervalMs = options.pingIntervalMs ?? PING_INTERVAL_MS;
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? SILENCE_TIMEOUT_MS;
    this.backoffBaseMs = options.backoffBaseMs ?? RECONNECT_BASE_MS;
    this.backoffMaxMs = options.backoffMaxMs ?? RECONNECT_MAX_MS;
    this.stableConnectionMs = options.stableConnectionMs ?? STABLE_CONNECTION_MS;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The highest `seq` seen so far, or null before the first sequenced message. */
  get lastSeq(): number | null {
    return this.highestSeq;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.network?.addEventListener('online', this.handleOnline);
    this.network?.addEventListener('offline', this.handleOffline);
    if (!this.isOnline()) {
      this.setState('offline');
      return;
    }
    this.connect();
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.network?.removeEventListener('online', this.handleOnline);
    this.network?.removeEventListener('offline', this.handleOffline);
    this.clearReconnect();
    this.dropSocket();
    this.setState('offline');
  }

  subscribe(listener: MessageListener): () => void {
    this.messageListeners.add(listener);
    return () => this.unsubscribe(listener);
  }

  unsubscribe(listener: MessageListener): void {
    this.messageListeners.delete(listener);
  }

  subscribeState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.unsubscribeState(listener);
  }

  unsubscribeState(listener: StateListener): void {
    this.stateListeners.delete(listener);
  }

  private setState(next: ConnectionState): void {
    if (next === this.currentState) return;
    this.currentState = next;
    for (const listener of [...this.stateListeners]) listener(next);
  }

  private connect(): void {
    this.clearReconnect();
    this.setState(this.everConnected || this.attempt > 0 ? 'reconnecting' : 'connecting');
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.everConnected = true;
      this.openedAt = this.now();
      this.lastFrameAt = this.openedAt;
      this.setState('connected');
      if (this.highestSeq !== null) {
        this.sendJson({ type: 'resume', data: { last_seq: this.highestSeq } });
      }
      this.pingTimer = this.timers.setInterval(this.heartbeat, this.pingIntervalMs);
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket) return;
      this.lastFrameAt = this.now();
      this.handleFrame(event.data);
    };
    socket.onerror = () => {
      // The close event that follows decides what to do; an error alone carries no reason.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.handleLoss();
    };
  }

  private readonly heartbeat = (): void => {
    if (this.now() - this.lastFrameAt > this.silenceTimeoutMs) {
      // Half-open connection (laptop slept, proxy dropped it): no close event will come, so end it.
      this.handleLoss();
      return;
    }
    this.sendJson({ type: 'ping' });
  };

  private handleLoss(): void {
    const wasOpen = this.openedAt > 0;
    if (wasOpen && this.now() - this.openedAt >= this.stableConnectionMs) this.attempt = 0;
    this.dropSocket();
    if (!this.started) return;
    if (!this.isOnline()) {
      this.setState('offline');
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt, this.backoffBaseMs, this.backoffMaxMs, this.random);
    this.attempt += 1;
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.started) this.connect();
    }, delay);
  }

  private clearReconnect(): void {
    if (this.reconnectTimer !== null) {
      this.timers.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
  }

  private dropSocket(): void {
    if (this.pingTimer !== null) {
      this.timers.clearInterval(this.pingTimer);
      this.pingTimer = null;
    }
    const socket = this.socket;
    this.socket = null;
    this.openedAt = 0;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = null;
      try {
        socket.close();
      } catch {
        // Already closed or never opened: nothing to release.
      }
    }
  }

  private sendJson(message: unknown): void {
    if (this.socket && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private handleFrame(raw: unknown): void {
    const message = parseServerMessage(raw);
    if (!message) return;
    if (message.type === 'connection') {
      const announced = message.data.last_seq;
      if (typeof announced === 'number' && Number.isFinite(announced)) {
        // The server's current seq is where a quiet client stands: without it, a client that saw
        // no update before a drop could not ask for the ones sent while it was away. A value below
        // ours means the server's sequence restarted (its log was wiped); without taking it the
        // client would ignore every update from then on. A higher one is never adopted here: the
        // updates between ours and it are what the resume just asked for.
        if (this.highestSeq === null || announced < this.highestSeq) this.highestSeq = announced;
      }
    }
    if (SEQUENCED.has(message.type) && 'seq' in message && message.seq !== null) {
      if (this.highestSeq !== null && message.seq <= this.highestSeq) return;
      this.highestSeq = message.seq;
    }
    if (message.type === 'snapshot' && message.seq !== null) {
      // A snapshot is a full resync: applied even if its seq is not newer, and it moves the mark on.
      this.highestSeq = this.highestSeq === null ? message.seq : Math.max(this.highestSeq, message.seq);
    }
    for (const listener of [...this.messageListeners]) listener(message);
  }

  private readonly handleOnline = (): void => {
    if (!this.started) return;
    this.attempt = 0;
    if (!this.socket) this.connect();
  };

  private readonly handleOffline = (): void => {
    if (!this.started) return;
    this.clearReconnect();
    this.dropSocket();
    this.setState('offline');
  };
}
