import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import type { Asset } from './services/api';
import { FakeSocket, fakeLiveConnection, jsonResponse, makeAsset, serverSends } from './test/fakes';

interface Server {
  assets: Map<number, Asset>;
  listed: () => Asset[];
  calls: string[];
}

function fakeServer(initial: Asset[]): Server {
  const server: Server = {
    assets: new Map(initial.map((asset) => [asset.id, asset])),
    listed: () => initial,
    calls: [],
  };
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : input.toString();
      const method = init?.method ?? 'GET';
      server.calls.push(`${method} ${url}`);
      if (url.startsWith('/api/v1/health/')) return Promise.resolve(jsonResponse({ status: 'healthy' }));
      if (url.startsWith('/api/v1/assets?')) {
        const items = server.listed();
        return Promise.resolve(jsonResponse({ items, meta: { page: 1, page_size: 20, total: items.length, pages: 1 } }));
      }
      if (url === '/api/v1/assets' && method === 'POST') {
        const created = server.assets.get(100);
        return Promise.resolve(created ? jsonResponse(created, 201, 'Created') : jsonResponse({ error: 'nope' }, 400));
      }
      const patchMatch = /^\/api\/v1\/assets\/(\d+)$/.exec(url);
      if (patchMatch && method === 'PATCH') {
        const current = server.assets.get(Number(patchMatch[1]));
        const { title } = JSON.parse(init?.body as string) as { title: string };
        return Promise.resolve(jsonResponse({ ...current, title }));
      }
      const match = /^\/api\/v1\/assets\/(\d+)$/.exec(url);
      const asset = match ? server.assets.get(Number(match[1])) : undefined;
      if (match && method === 'DELETE') return Promise.resolve(new Response(null, { status: 204 }));
      if (asset) return Promise.resolve(jsonResponse(asset));
      return Promise.resolve(jsonResponse({ error: 'Not found', timestamp: 't', context: {} }, 404, 'Not Found'));
    }),
  );
  return server;
}


beforeEach(() => {
  window.history.replaceState(null, '', '/');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('App with live updates', () => {
  it('moves a card through processing to ready and shows the thumbnail without a reload', async () => {
    const pending = makeAsset({ id: 7, title: 'Clip', status: 'pending', media_metadata: {}, processing: { stage: null, progress: 0, error: null } });
    const server = fakeServer([pending]);
    render(<App connection={fakeLiveConnection()} />);
    expect(await screen.findByText('Clip')).toBeInTheDocument();
    act(() => FakeSocket.latest().serverOpens());
    expect(screen.getByRole('status')).toHaveTextContent('Connected');

    serverSends({ type: 'processing_update', seq: 1, data: { asset_id: 7, progress: 40, stage: 'thumbnail', status: 'processing' } });
    expect(screen.getByRole('progressbar', { name: 'Processing Clip' })).toHaveAttribute('aria-valuenow', '40');
    expect(screen.getByText('thumbnail')).toBeInTheDocument();

    server.assets.set(7, { ...pending, status: 'ready', media_metadata: { thumbnail_url: '/thumbnails/7.jpg', width: 320, height: 180 } });
    serverSends({ type: 'processing_update', seq: 2, data: { asset_id: 7, progress: 100, stage: 'done', status: 'ready' } });
    expect(await screen.findByRole('img', { name: 'Thumbnail of Clip' })).toHaveAttribute('src', '/thumbnails/7.jpg');
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(server.calls).toContain('GET /api/v1/assets/7');
  });

  it('fetches an unknown asset from an event and shows it on the first page', async () => {
    const server = fakeServer([makeAsset({ id: 1, title: 'Old', created_at: '2026-01-01T00:00:00Z' })]);
    server.assets.set(
      9,
      makeAsset({ id: 9, title: 'Imported', status: 'processing', created_at: '2026-03-01T00:00:00Z', media_metadata: {} }),
    );
    render(<App connection={fakeLiveConnection()} />);
    await screen.findByText('Old');
    act(() => FakeSocket.latest().serverOpens());
    serverSends({ type: 'processing_update', seq: 3, data: { asset_id: 9, progress: 10, stage: 'metadata', status: 'processing' } });
    expect(await screen.findByText('Imported')).toBeInTheDocument();
    const cards = within(screen.getByRole('list', { name: 'Assets' })).getAllByRole('listitem');
    expect(cards[0]).toHaveTextContent('Imported');
  });

  it('refetches the page after a snapshot', async () => {
    const server = fakeServer([makeAsset({ id: 1 })]);
    render(<App connection={fakeLiveConnection()} />);
    await screen.findByText('Beach');
    act(() => FakeSocket.latest().serverOpens());
    const before = server.calls.filter((call) => call.startsWith('GET /api/v1/assets?')).length;
    serverSends({ type: 'snapshot', seq: 50, data: { assets: [makeAsset({ id: 1, status: 'failed', processing: { stage: 'x', progress: 0, error: 'gone' } })] } });
    await waitFor(() =>
      expect(server.calls.filter((call) => call.startsWith('GET /api/v1/assets?')).length).toBe(before + 1),
    );
  });

  it('opens the detail view from a card, keeps it in the URL, and closes it with Escape', async () => {
    fakeServer([makeAsset({ id: 3, title: 'Harbour', checksum: 'sha256:abc', media_metadata: { width: 10, height: 20, codec: 'jpeg' } })]);
    render(<App connection={fakeLiveConnection()} />);
    await userEvent.click(await screen.findByRole('button', { name: /Harbour/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Harbour' });
    expect(window.location.search).toBe('?asset=3');
    expect(within(dialog).getByText('sha256:abc')).toBeInTheDocument();
    expect(within(dialog).getByRole('rowheader', { name: 'codec' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(window.location.search).toBe('');
  });

  it('deletes only after confirmation', async () => {
    const server = fakeServer([makeAsset({ id: 3, title: 'Harbour' })]);
    window.history.replaceState(null, '', '/?asset=3');
    render(<App connection={fakeLiveConnection()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Harbour' });
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Delete' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Delete “Harbour”?' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Keep it' }));
    expect(server.calls).not.toContain('DELETE /api/v1/assets/3');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(server.calls).toContain('DELETE /api/v1/assets/3');
  });

  it('shows a newly registered asset at once', async () => {
    const server = fakeServer([makeAsset({ id: 1, title: 'Old', created_at: '2026-01-01T00:00:00Z' })]);
    server.assets.set(100, makeAsset({ id: 100, title: 'Fresh', status: 'pending', created_at: '2026-05-01T00:00:00Z', media_metadata: {} }));
    render(<App connection={fakeLiveConnection()} />);
    await screen.findByText('Old');
    await userEvent.click(screen.getByRole('button', { name: 'Add media' }));
    await userEvent.type(screen.getByLabelText('Path in the media folder'), 'new/fresh.jpg');
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));
    const cards = within(screen.getByRole('list', { name: 'Assets' })).getAllByRole('listitem');
    expect(cards).toHaveLength(2);
    expect(cards[0]).toHaveTextContent('Fresh');
    expect(cards[0]).toHaveTextContent('Pending');
  });

  it('renames from the detail view and updates the card', async () => {
    fakeServer([makeAsset({ id: 3, title: 'Harbour' })]);
    window.history.replaceState(null, '', '/?asset=3');
    render(<App connection={fakeLiveConnection()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Harbour' });
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Rename' }));
    const field = within(dialog).getByLabelText('New title');
    await userEvent.clear(field);
    await userEvent.type(field, 'Harbour at dusk{Enter}');
    expect(await screen.findByRole('dialog', { name: 'Harbour at dusk' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(await screen.findByRole('button', { name: /Harbour at dusk/ })).toBeInTheDocument();
  });

  it('explains how to add media when the library is empty', async () => {
    fakeServer([]);
    render(<App connection={fakeLiveConnection()} />);
    expect(await screen.findByRole('heading', { name: 'The library is empty' })).toBeInTheDocument();
    expect(screen.getByText('python manage.py import_media')).toBeInTheDocument();
    expect(screen.getByLabelText('Path in the media folder')).toBeInTheDocument();
  });
});
