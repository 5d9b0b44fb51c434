import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIBRARY_PAGE_SIZE } from '../contract';
import { useAssetLibrary } from '../hooks/useAssetLibrary';
import { useLibraryQuery } from '../hooks/useLibraryQuery';
import type { Asset } from '../services/api';
import type { LiveConnection } from '../services/websocket';
import { errorResponse, jsonResponse, makeAsset, openFakeLiveConnection, serverSends } from '../test/fakes';
import { ESTIMATED_ROW_PX } from './LibraryGrid';
import { LibraryView } from './LibraryView';

function Harness({ connection = null }: { connection?: LiveConnection | null }) {
  const [query, update] = useLibraryQuery();
  const library = useAssetLibrary(query, connection);
  return <LibraryView query={query} library={library} onQueryChange={update} onOpen={() => undefined} />;
}

/** Assets 1..count, newest first by id; every tenth a video; those past the first page still processing. */
function library(count: number): Asset[] {
  return Array.from({ length: count }, (_, index) => {
    const id = count - index;
    const processing = index >= LIBRARY_PAGE_SIZE;
    return makeAsset({
      id,
      title: `Asset ${id}`,
      file_path: `lib/${id}.${id % 10 === 0 ? 'mp4' : 'jpg'}`,
      mime_type: id % 10 === 0 ? 'video/mp4' : 'image/jpeg',
      created_at: new Date(Date.UTC(2026, 0, 1) + id * 60_000).toISOString(),
      status: processing ? 'processing' : 'ready',
      processing: processing ? { stage: 'metadata', progress: 5, error: null } : { stage: null, progress: 100, error: null },
    });
  });
}

interface FakeListServer {
  /** Every list request's query string. */
  lists: string[];
  /** Every other GET's path. */
  gets: string[];
  /** Answers for a cursor wait until released. */
  hold: (cursor: string) => () => void;
  /** The next request for a cursor answers 503. */
  failOnce: (cursor: string) => void;
  meta: { total_estimated?: boolean; total?: number };
}

/** The list API's contract over an in-memory library: first page without a cursor, `c<offset>` cursors after it. */
function listServer(all: Asset[]): FakeListServer {
  const held = new Map<string, Promise<void>>();
  const failing = new Set<string>();
  const server: FakeListServer = {
    lists: [],
    gets: [],
    meta: {},
    hold: (cursor) => {
      let release = () => undefined as void;
      held.set(cursor, new Promise<void>((resolve) => (release = resolve)));
      return () => act(() => release());
    },
    failOnce: (cursor) => failing.add(cursor),
  };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const url = new URL(input instanceof Request ? input.url : input.toString(), 'http://test');
      if (url.pathname !== '/api/v1/assets') {
        server.gets.push(url.pathname);
        const asset = all.find((item) => `/api/v1/assets/${item.id}` === url.pathname);
        return asset ? jsonResponse(asset) : errorResponse(404, 'Not found');
      }
      server.lists.push(url.search);
      const params = url.searchParams;
      const cursor = params.get('cursor');
      if (cursor !== null && params.has('page')) return errorResponse(400, 'cursor and page together');
      const gate = cursor === null ? undefined : held.get(cursor);
      if (gate) await gate;
      if (cursor !== null && failing.delete(cursor)) return errorResponse(503, 'The database is unavailable.');
      const type = params.get('type');
      const matching = all.filter((asset) => !type || asset.mime_type.startsWith(`${type}/`));
      const size = Number(params.get('page_size'));
      const start = cursor === null ? 0 : Number(cursor.slice(1));
      const end = start + size;
      return jsonResponse({
        items: matching.slice(start, end),
        meta: {
          page: cursor === null ? 1 : null,
          page_size: size,
          total: server.meta.total ?? matching.length,
          pages: Math.ceil(matching.length / size),
          total_estimated: server.meta.total_estimated ?? false,
          next_cursor: end < matching.length ? `c${end}` : null,
        },
      });
    }),
  );
  return server;
}

/** jsdom keeps scrollY as a plain writable value; the DOM's types call it read-only. */
function setScrollY(value: number) {
  Object.assign(window, { scrollY: value });
}

const cursorOf = (search: string) => new URLSearchParams(search).get('cursor');
const cards = () => within(screen.getByRole('list', { name: 'Assets' })).queryAllByRole('listitem');

/** Scrolls the window so that row `row` (one card per row: jsdom lays nothing out) is at the bottom of the screen. */
function scrollToRow(row: number) {
  act(() => {
    setScrollY(Math.max(0, (row + 1) * ESTIMATED_ROW_PX - window.innerHeight));
    fireEvent.scroll(window);
  });
}

beforeEach(() => {
  window.history.replaceState(null, '', '/');
  setScrollY(0);
});

afterEach(() => {
  vi.unstubAllGlobals();
  setScrollY(0);
});

describe('the library grid', () => {
  it('reads the next page by its cursor, with the same filters and ordering, when scrolled near the end', async () => {
    window.history.replaceState(null, '', '/?type=image&ordering=title');
    const all = library(150);
    const server = listServer(all);
    render(<Harness />);
    await waitFor(() => expect(cards().length).toBeGreaterThan(0));
    expect(server.lists).toEqual([`?page_size=${LIBRARY_PAGE_SIZE}&type=image&ordering=title`]);

    scrollToRow(LIBRARY_PAGE_SIZE - 30);
    expect(server.lists).toHaveLength(1);
    scrollToRow(LIBRARY_PAGE_SIZE - 2);
    await waitFor(() => expect(server.lists).toHaveLength(2));
    expect(server.lists[1]).toBe(`?cursor=c${LIBRARY_PAGE_SIZE}&page_size=${LIBRARY_PAGE_SIZE}&type=image&ordering=title`);
    const firstOfPageTwo = all.filter((asset) => asset.mime_type.startsWith('image/'))[LIBRARY_PAGE_SIZE];
    expect(await screen.findByRole('button', { name: new RegExp(`^${firstOfPageTwo?.title}, image,`) })).toBeInTheDocument();
  });

  it('keeps only the rows on screen in the DOM after scrolling through thousands of assets', async () => {
    const all = library(1500);
    const server = listServer(all);
    render(<Harness />);
    await waitFor(() => expect(cards().length).toBeGreaterThan(0));
    for (let loaded = LIBRARY_PAGE_SIZE; loaded < all.length; loaded += LIBRARY_PAGE_SIZE) {
      scrollToRow(loaded - 1);
      await waitFor(() => expect(server.lists).toHaveLength(loaded / LIBRARY_PAGE_SIZE + 1));
    }
    scrollToRow(all.length - 1);
    await waitFor(() => expect(screen.getByRole('button', { name: /^Asset 1,/ })).toBeInTheDocument());
    expect(cards().length).toBeLessThan(20);
    expect(screen.queryByRole('button', { name: /^Asset 1500,/ })).not.toBeInTheDocument();
    expect(server.lists).toHaveLength(all.length / LIBRARY_PAGE_SIZE);
  }, 60_000);

  it('never asks for the same cursor twice while it is on its way, and says it is loading', async () => {
    const server = listServer(library(150));
    const release = server.hold(`c${LIBRARY_PAGE_SIZE}`);
    render(<Harness />);
    await waitFor(() => expect(cards().length).toBeGreaterThan(0));
    scrollToRow(LIBRARY_PAGE_SIZE - 3);
    scrollToRow(LIBRARY_PAGE_SIZE - 2);
    scrollToRow(LIBRARY_PAGE_SIZE - 1);
    expect(await screen.findByText('Loading more assets…')).toBeInTheDocument();
    scrollToRow(LIBRARY_PAGE_SIZE - 4);
    scrollToRow(LIBRARY_PAGE_SIZE - 1);
    expect(server.lists.filter((search) => cursorOf(search) === `c${LIBRARY_PAGE_SIZE}`)).toHaveLength(1);

    release();
    await waitFor(() => expect(screen.queryByText('Loading more assets…')).not.toBeInTheDocument());
    expect(server.lists.filter((search) => cursorOf(search) === `c${LIBRARY_PAGE_SIZE}`)).toHaveLength(1);
  });

  it('starts over from the first page when a filter changes', async () => {
    const server = listServer(library(150));
    render(<Harness />);
    await waitFor(() => expect(cards().length).toBeGreaterThan(0));
    scrollToRow(LIBRARY_PAGE_SIZE - 1);
    await waitFor(() => expect(server.lists).toHaveLength(2));

    scrollToRow(0);
    await userEvent.selectOptions(screen.getByLabelText('Type'), 'video');
    await waitFor(() => expect(server.lists).toHaveLength(3));
    expect(cursorOf(server.lists[2] ?? '')).toBeNull();
    expect(server.lists[2]).toContain('type=video');
    await waitFor(() => expect(screen.getByText('15 assets')).toBeInTheDocument());
    expect(cards().every((card) => card.textContent?.includes('Asset'))).toBe(true);
    expect(screen.getAllByRole('button', { name: /video/ }).length).toBe(cards().length);
    // 15 videos fit on one page: nothing more to read, however far the user scrolls.
    scrollToRow(20);
    expect(server.lists).toHaveLength(3);
  });

  it('shows an estimated total as approximate', async () => {
    const server = listServer(library(10));
    server.meta = { total: 1_000_000, total_estimated: true };
    render(<Harness />);
    expect(await screen.findByText('about 1,000,000 assets')).toBeInTheDocument();
  });

  it('applies a live update in place to an asset loaded from a later page', async () => {
    const connection = openFakeLiveConnection();
    const server = listServer(library(150));
    render(<Harness connection={connection} />);
    await waitFor(() => expect(cards().length).toBeGreaterThan(0));
    scrollToRow(LIBRARY_PAGE_SIZE - 1);
    // The first asset of the second page: 150 - 60 = 90.
    const card = await screen.findByRole('button', { name: /^Asset 90,/ });
    expect(card.closest('li')).toHaveTextContent('metadata');

    serverSends({ type: 'processing_update', seq: 1, data: { asset_id: 90, progress: 70, stage: 'thumbnail', status: 'processing' } });
    expect(screen.getByRole('progressbar', { name: 'Processing Asset 90' })).toHaveAttribute('aria-valuenow', '70');
    expect(screen.getByRole('button', { name: /^Asset 90,/ }).closest('li')).toHaveTextContent('thumbnail');
    expect(server.gets).toEqual([]);
    connection.stop();
  });

  it('says when the next page failed, reads no more by itself, and tries again on request', async () => {
    const server = listServer(library(150));
    server.failOnce(`c${LIBRARY_PAGE_SIZE}`);
    render(<Harness />);
    await waitFor(() => expect(cards().length).toBeGreaterThan(0));
    scrollToRow(LIBRARY_PAGE_SIZE - 1);
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load more assets: The database is unavailable.');
    scrollToRow(LIBRARY_PAGE_SIZE - 3);
    scrollToRow(LIBRARY_PAGE_SIZE - 1);
    expect(server.lists).toHaveLength(2);

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
    expect(server.lists).toHaveLength(3);
    expect(cursorOf(server.lists[2] ?? '')).toBe(`c${LIBRARY_PAGE_SIZE}`);
    expect(await screen.findByRole('button', { name: /^Asset 90,/ })).toBeInTheDocument();
  });
});
