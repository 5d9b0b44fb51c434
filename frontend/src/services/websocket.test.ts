import { beforeEach, describe, expect, it } from 'vitest';
import { FakeSocket, ManualClock } from '../test/fakes';
import { LiveConnection, backoffDelay, parseServerMessage, type ConnectionState, type ServerMessage } from './websocket';

function setup(options: { random?: () => number; online?: () => boolean } = {}) {
  FakeSocket.instances = [];
  const clock = new ManualClock();
  const connection = new LiveConnection({
    url: 'ws://example.test/ws',
    createSocket: (url) => new FakeSocket(url),
    timers: clock,
    now: () => clock.now,
    random: options.random ?? (() => 0.5),
    network: null,
    isOnline: options.online ?? (() => true),
  });
  const states: ConnectionState[] = [];
  const messages: ServerMessage[] = [];
  connection.subscribeState((state) => states.push(state));
  connection.subscribe((message) => messages.push(message));
  return { clock, connection, states, messages };
}

const update = (seq: number, assetId = 7) => ({
  type: 'processing_update',
  seq,
  data: { asset_id: assetId, progress: 40, stage: 'thumbnail', status: 'processing' },
});

describe('backoffDelay', () => {
  it('doubles the window per attempt and caps it at the maximum', () => {
    const top = () => 0.999999;
    const windows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 20].map((attempt) => backoffDelay(attempt, 500, 30_000, top));
    expect(windows.slice(0, 7)).toEqual([499, 999, 1999, 3999, 7999, 15999, 29999]);
    expect(windows[7]).toBe(29999);
    expect(windows[9]).toBe(29999);
  });

  it('draws the delay uniformly from zero to the window (full jitter)', () => {
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(0);
    expect(backoffDelay(3, 500, 30_000, () => 0.25)).toBe(1000);
    for (let i = 0; i < 200; i += 1) {
      const delay = backoffDelay(4, 500, 30_000, Math.random);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(8000);
    }
  });
});

describe('LiveConnection', () => {
  beforeEach(() => {
    FakeSocket.instances = [];
  });

  it('opens one socket to the given url and moves from connecting to connected', () => {
    const { connection, states } = setup();
    connection.start();
    connection.start();
    expect(FakeSocket.instances).toHaveLength(1);
    expect(FakeSocket.latest().url).toBe('ws://example.test/ws');
    expect(connection.state).toBe('connecting');
    FakeSocket.latest().serverOpens();
    expect(states).toEqual(['connecting', 'connected']);
  });

  it('pings every 25 seconds while connected and stops when the socket closes', () => {
    const { clock, connection } = setup();
    connection.start();
    const socket = FakeSocket.latest();
    socket.serverOpens();
    clock.advance(24_999);
    expect(socket.sent).toEqual([]);
    clock.advance(1);
    socket.serverSends({ type: 'pong' });
    expect(socket.sent).toEqual([{ type: 'ping' }]);
    clock.advance(25_000);
    expect(socket.sent).toEqual([{ type: 'ping' }, { type: 'ping' }]);
    socket.serverCloses();
    expect(clock.pendingIntervals()).toBe(0);
  });

  it('reconnects after a loss with a growing, capped delay and reports reconnecting', () => {
    const { clock, connection, states } = setup({ random: () => 0.999999 });
    connection.start();
    FakeSocket.latest().serverOpens();
    const delays: number[] = [];
    FakeSocket.latest().serverCloses();
    for (let attempt = 0; attempt < 9; attempt += 1) {
      const pending = clock.pendingTimeouts();
      expect(pending).toHaveLength(1);
      delays.push(pending[0] ?? -1);
      clock.advance(pending[0] ?? 0);
      // The server is still down: the new attempt fails before opening.
      FakeSocket.latest().serverCloses();
    }
    expect(delays).toEqual([499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999]);
    expect(states).toEqual(['connecting', 'connected', 'reconnecting']);
    expect(connection.state).toBe('reconnecting');
  });

  it('keeps every reconnect delay within the jitter window', () => {
    const { clock, connection } = setup({ random: () => 0.3 });
    connection.start();
    FakeSocket.latest().serverCloses();
    expect(clock.pendingTimeouts()).toEqual([150]);
    clock.advance(150);
    FakeSocket.latest().serverCloses();
    expect(clock.pendingTimeouts()).toEqual([300]);
  });

  it('starts the backoff over after a connection that stayed up', () => {
    const { clock, connection } = setup({ random: () => 0.999999 });
    connection.start();
    FakeSocket.latest().serverCloses();
    clock.advance(499);
    FakeSocket.latest().serverCloses();
    clock.advance(999);
    FakeSocket.latest().serverOpens();
    clock.advance(60_000);
    FakeSocket.latest().serverSends({ type: 'pong' });
    clock.advance(1_000);
    FakeSocket.latest().serverCloses();
    expect(clock.pendingTimeouts()).toEqual([499]);
  });

  it('sends resume with the highest seq seen after every reconnect, and nothing before any seq', () => {
    const { clock, connection } = setup({ random: () => 0 });
    connection.start();
    const first = FakeSocket.latest();
    first.serverOpens();
    expect(first.sent).toEqual([]);
    first.serverSends(update(811));
    first.serverSends(update(812));
    first.serverCloses();
    clock.advance(0);
    const second = FakeSocket.latest();
    expect(second).not.toBe(first);
    second.serverOpens();
    expect(second.sent).toEqual([{ type: 'resume', data: { last_seq: 812 } }]);
    second.serverSends(update(813));
    second.serverCloses();
    clock.advance(0);
    FakeSocket.latest().serverOpens();
    expect(FakeSocket.latest().sent).toEqual([{ type: 'resume', data: { last_seq: 813 } }]);
  });

  it('resumes from the seq the server announced when no update arrived before a drop', () => {
    const { clock, connection } = setup({ random: () => 0 });
    connection.start();
    FakeSocket.latest().serverOpens();
    FakeSocket.latest().serverSends({ type: 'connection', data: { status: 'connected', last_seq: 40 } });
    FakeSocket.latest().serverCloses();
    clock.advance(0);
    const again = FakeSocket.latest();
    again.serverOpens();
    expect(again.sent).toEqual([{ type: 'resume', data: { last_seq: 40 } }]);
    // The server is further on now; the updates in between come from the resume, so none is skipped.
    again.serverSends({ type: 'connection', data: { status: 'connected', last_seq: 45 } });
    again.serverSends(update(41));
    expect(connection.lastSeq).toBe(41);
  });

  it('follows a server whose sequence restarted', () => {
    const { clock, connection, messages } = setup({ random: () => 0 });
    connection.start();
    FakeSocket.latest().serverOpens();
    FakeSocket.latest().serverSends(update(900));
    FakeSocket.latest().serverCloses();
    clock.advance(0);
    FakeSocket.latest().serverOpens();
    FakeSocket.latest().serverSends({ type: 'connection', data: { status: 'connected', last_seq: 2 } });
    FakeSocket.latest().serverSends(update(3));
    expect(messages.filter((message) => message.type === 'processing_update')).toHaveLength(2);
    expect(connection.lastSeq).toBe(3);
  });

  it('ignores a duplicate or older seq', () => {
    const { connection, messages } = setup();
    connection.start();
    const socket = FakeSocket.latest();
    socket.serverOpens();
    socket.serverSends(update(5));
    socket.serverSends(update(5));
    socket.serverSends(update(4));
    socket.serverSends(update(6));
    expect(messages.map((message) => (message.type === 'processing_update' ? message.seq : null))).toEqual([5, 6]);
    expect(connection.lastSeq).toBe(6);
  });

  it('delivers snapshots as a resync and moves the seq mark on', () => {
    const { connection, messages } = setup();
    connection.start();
    const socket = FakeSocket.latest();
    socket.serverOpens();
    socket.serverSends(update(10));
    socket.serverSends({ type: 'snapshot', seq: 900, data: { assets: [{ id: 3 }] } });
    socket.serverSends(update(900));
    socket.serverSends(update(901));
    expect(messages.map((message) => message.type)).toEqual(['processing_update', 'snapshot', 'processing_update']);
    expect(connection.lastSeq).toBe(901);
  });

  it('passes connection, error and pong messages on and drops malformed frames', () => {
    const { connection, messages } = setup();
    connection.start();
    const socket = FakeSocket.latest();
    socket.serverOpens();
    socket.serverSends({ type: 'connection', data: { status: 'connected' } });
    socket.serverSends('not json');
    socket.serverSends({ type: 'processing_update', seq: 1, data: {} });
    socket.serverSends({ type: 'error', data: { error: 'unknown type' } });
    expect(messages.map((message) => message.type)).toEqual(['connection', 'error']);
  });

  it('numbers asset events in the same sequence: duplicates dropped, resumed from the highest', () => {
    const { clock, connection, messages } = setup({ random: () => 0 });
    connection.start();
    const first = FakeSocket.latest();
    first.serverOpens();
    first.serverSends(update(20));
    first.serverSends({ type: 'asset_update', seq: 21, data: { asset_id: 7, title: 'Dusk' } });
    first.serverSends({ type: 'asset_update', seq: 21, data: { asset_id: 7, title: 'Dusk' } });
    first.serverSends({ type: 'asset_deleted', seq: 22, data: { asset_id: 7 } });
    expect(messages.map((message) => message.type)).toEqual(['processing_update', 'asset_update', 'asset_deleted']);
    first.serverCloses();
    clock.advance(0);
    FakeSocket.latest().serverOpens();
    expect(FakeSocket.latest().sent).toEqual([{ type: 'resume', data: { last_seq: 22 } }]);
  });

  it('closes a silent connection and reconnects', () => {
    const { clock, connection } = setup({ random: () => 0 });
    connection.start();
    const socket = FakeSocket.latest();
    socket.serverOpens();
    clock.advance(75_000);
    expect(socket.closed).toBe(true);
    expect(connection.state).not.toBe('connected');
    clock.advance(0);
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('goes offline when stopped and when the browser is offline, without retrying', () => {
    let online = true;
    const { clock, connection } = setup({ online: () => online });
    connection.start();
    FakeSocket.latest().serverOpens();
    online = false;
    FakeSocket.latest().serverCloses();
    expect(connection.state).toBe('offline');
    expect(clock.pendingTimeouts()).toEqual([]);
    connection.stop();
    expect(connection.state).toBe('offline');
  });

  it('cancels a pending reconnect when stopped, and keeps one socket across stop/start', () => {
    const { clock, connection } = setup();
    connection.start();
    FakeSocket.latest().serverCloses();
    expect(clock.pendingTimeouts()).toHaveLength(1);
    connection.stop();
    expect(clock.pendingTimeouts()).toEqual([]);
    clock.advance(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    connection.start();
    expect(FakeSocket.instances).toHaveLength(2);
    connection.stop();
    connection.start();
    expect(FakeSocket.instances.filter((socket) => !socket.closed)).toHaveLength(1);
  });

  it('reconnects at once when the browser comes back online', () => {
    let online = true;
    const network = new EventTarget();
    FakeSocket.instances = [];
    const clock = new ManualClock();
    const connection = new LiveConnection({
      url: 'ws://example.test/ws',
      createSocket: (url) => new FakeSocket(url),
      timers: clock,
      now: () => clock.now,
      random: () => 0.999999,
      network: network as unknown as Window,
      isOnline: () => online,
    });
    connection.start();
    FakeSocket.latest().serverOpens();
    online = false;
    network.dispatchEvent(new Event('offline'));
    expect(connection.state).toBe('offline');
    expect(FakeSocket.latest().closed).toBe(true);
    online = true;
    network.dispatchEvent(new Event('online'));
    expect(FakeSocket.instances).toHaveLength(2);
    expect(connection.state).toBe('reconnecting');
    FakeSocket.latest().serverOpens();
    expect(connection.state).toBe('connected');
  });

  it('stops notifying a listener once it unsubscribes', () => {
    const { connection } = setup();
    const seen: ServerMessage[] = [];
    const unsubscribe = connection.subscribe((message) => seen.push(message));
    connection.start();
    FakeSocket.latest().serverOpens();
    FakeSocket.latest().serverSends(update(1));
    unsubscribe();
    FakeSocket.latest().serverSends(update(2));
    expect(seen).toHaveLength(1);
  });
});

describe('parseServerMessage', () => {
  it('reads a processing update with its optional fields', () => {
    const message = parseServerMessage(
      JSON.stringify({
        type: 'processing_update',
        seq: 812,
        data: { asset_id: 7, progress: 100, stage: 'done', status: 'ready', thumbnail_url: '/thumbnails/7.jpg' },
      }),
    );
    expect(message).toEqual({
      type: 'processing_update',
      seq: 812,
      data: { asset_id: 7, progress: 100, stage: 'done', status: 'ready', thumbnail_url: '/thumbnails/7.jpg' },
    });
  });

  it('reads an asset_created into the asset a card needs', () => {
    const data = {
      asset_id: 9,
      id: 9,
      title: 'Beach',
      file_path: 'trip/beach.jpg',
      media_type: 'image',
      mime_type: 'image/jpeg',
      file_size: 2048,
      checksum: null,
      created_at: '2026-03-01T10:00:00.123456Z',
      updated_at: '2026-03-01T10:00:00.123456Z',
      status: 'pending',
      processing: { stage: 'queued', progress: 0, error: null },
      media_metadata: {},
      tags: ['sea', 7],
    };
    expect(parseServerMessage(JSON.stringify({ type: 'asset_created', seq: 5, data }))).toEqual({
      type: 'asset_created',
      seq: 5,
      data: {
        asset_id: 9,
        asset: {
          id: 9,
          title: 'Beach',
          file_path: 'trip/beach.jpg',
          media_type: 'image',
          mime_type: 'image/jpeg',
          file_size: 2048,
          checksum: null,
          created_at: '2026-03-01T10:00:00.123456Z',
          updated_at: '2026-03-01T10:00:00.123456Z',
          status: 'pending',
          processing: { stage: 'queued', progress: 0, error: null },
          media_metadata: {},
          tags: ['sea'],
        },
      },
    });
  });

  it.each([
    ['an asset_created with only an id', { type: 'asset_created', seq: 1, data: { asset_id: 9 } }, { type: 'asset_created', seq: 1, data: { asset_id: 9, asset: null } }],
    ['an asset_created with an unknown status', { type: 'asset_created', seq: 1, data: { asset_id: 9, id: 9, title: 'x', file_path: 'x.jpg', mime_type: 'image/jpeg', created_at: 't', status: 'lost' } }, { type: 'asset_created', seq: 1, data: { asset_id: 9, asset: null } }],
    ['an asset_update without asset_id', { type: 'asset_update', seq: 1, data: { title: 'x' } }, null],
    ['an asset_deleted with a string id', { type: 'asset_deleted', seq: 1, data: { asset_id: '7' } }, null],
    ['an asset_deleted with extra fields', { type: 'asset_deleted', seq: 2, data: { asset_id: 7, title: 'x' } }, { type: 'asset_deleted', seq: 2, data: { asset_id: 7 } }],
  ])('reads %s safely', (_, raw, expected) => {
    expect(parseServerMessage(JSON.stringify(raw))).toEqual(expected);
  });
});
