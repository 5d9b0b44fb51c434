/** Test doubles: a manual clock that implements the injected Timers, a scripted WebSocket, and asset factories. */
import { act } from '@testing-library/react';
import { vi } from 'vitest';
import type { Asset } from '../services/api';
import { LiveConnection, type SocketLike, type Timers } from '../services/websocket';

interface Scheduled {
  id: number;
  at: number;
  every: number | null;
  callback: () => void;
}

export class ManualClock implements Timers {
  now = 0;
  private nextId = 1;
  private tasks = new Map<number, Scheduled>();

  setTimeout(callback: () => void, ms: number): number {
    const id = this.nextId++;
    this.tasks.set(id, { id, at: this.now + ms, every: null, callback });
    return id;
  }

  setInterval(callback: () => void, ms: number): number {
    const id = this.nextId++;
    this.tasks.set(id, { id, at: this.now + ms, every: ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.tasks.delete(handle as number);
  }

  clearInterval(handle: unknown): void {
    this.tasks.delete(handle as number);
  }

  /** Delays of the one-shot timers now pending, relative to now. */
  pendingTimeouts(): number[] {
    return [...this.tasks.values()].filter((task) => task.every === null).map((task) => task.at - this.now);
  }

  pendingIntervals(): number {
    return [...this.tasks.values()].filter((task) => task.every !== null).length;
  }

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.tasks.values()].filter((task) => task.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.now = due.at;
      if (due.every === null) this.tasks.delete(due.id);
      else due.at += due.every;
      due.callback();
    }
    this.now = end;
  }
}

export class FakeSocket implements SocketLike {
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  static latest(): FakeSocket {
    const socket = FakeSocket.instances[FakeSocket.instances.length - 1];
    if (!socket) throw new Error('no socket was created');
    return socket;
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.closed = true;
    this.readyState = 3;
  }

  serverOpens(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  serverSends(message: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data: typeof message === 'string' ? message : JSON.stringify(message) }));
  }

  serverCloses(): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code: 1006 }));
  }
}

export function makeAsset(overrides: Partial<Asset> = {}): Asset {
  return {
    id: 1,
    title: 'Beach',
    file_path: 'holiday/beach.jpg',
    mime_type: 'image/jpeg',
    file_size: 5_242_880,
    checksum: null,
    created_at: '2026-01-01T10:00:00Z',
    updated_at: '2026-01-01T10:00:00Z',
    status: 'ready',
    processing: { stage: null, progress: 100, error: null },
    media_metadata: { width: 6000, height: 4000, thumbnail_url: '/thumbnails/1.jpg' },
    tags: [],
    ...overrides,
  };
}

export function jsonResponse(body: unknown, status = 200, statusText = 'OK'): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    statusText,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** A LiveConnection on FakeSockets and a ManualClock, not yet started. */
export function fakeLiveConnection(): LiveConnection {
  FakeSocket.instances = [];
  const clock = new ManualClock();
  return new LiveConnection({
    url: 'ws://test/ws',
    createSocket: (url) => new FakeSocket(url),
    timers: clock,
    now: () => clock.now,
    random: () => 0,
    network: null,
  });
}

/** A fake LiveConnection, started, whose socket the server has opened. */
export function openFakeLiveConnection(): LiveConnection {
  const connection = fakeLiveConnection();
  connection.start();
  FakeSocket.latest().serverOpens();
  return connection;
}

/** A message from the server on the newest fake socket, inside React's act(). */
export function serverSends(message: unknown): void {
  act(() => FakeSocket.latest().serverSends(message));
}

export interface RecordedCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

type Route = (call: RecordedCall) => Response | Promise<Response>;

/**
 * fetch as a table of routes, "METHOD /path" (the query string ignored) to a handler; every call
 * is recorded with its headers and parsed JSON body. Unrouted calls answer 404 in the contract's shape.
 */
export function routeFetch(routes: Record<string, Route>): RecordedCall[] {
  const calls: RecordedCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : input.toString();
      const method = init?.method ?? 'GET';
      const raw = init?.body;
      const call: RecordedCall = {
        method,
        url,
        headers: (init?.headers ?? {}) as Record<string, string>,
        body: typeof raw === 'string' ? (JSON.parse(raw) as unknown) : undefined,
        credentials: init?.credentials,
      };
      calls.push(call);
      const route = routes[`${method} ${url.split('?')[0]}`];
      if (route) return Promise.resolve(route(call));
      return Promise.resolve(jsonResponse({ error: 'Not found', timestamp: 't', context: {} }, 404, 'Not Found'));
    }),
  );
  return calls;
}

export function errorResponse(status: number, error: string, context: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error, timestamp: '2026-01-01T00:00:00Z', context }), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}
