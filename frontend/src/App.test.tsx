import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import type { Asset } from './services/api';
import { errorResponse, FakeSocket, fakeLiveConnection, jsonResponse, makeAsset, serverSends } from './test/fakes';

interface Server {
  assets: Map<number, Asset>;
  listed: () => Asset[];
  calls: string[];
  /** What /auth/me answers; a server without accounts by default. */
  me: () => Response;
  /** Answers that replace the normal ones, by "METHOD url". */
  overrides: Map<string, () => Response>;
}

const LOCAL = { id: null, username: 'local', role: 'admin', auth_enabled: false };

function fakeServer(initial: Asset[]): Server {
  const server: Server = {
    assets: new Map(initial.map((asset) => [asset.id, asset])),
    listed: () => initial,
    calls: [],
    me: () => jsonResponse(LOCAL),
    overrides: new Map(),
  };
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : input.toString();
      const method = init?.method ?? 'GET';
      server.calls.push(`${method} ${url}`);
      const override = server.overrides.get(`${method} ${url}`);
      if (override) return Promise.resolve(override());
      if (url === '/api/v1/auth/me') return Promise.resolve(server.me());
      if (url === '/api/v1/auth/logout' && method === 'POST') return Promise.resolve(new Response(null, { status: 204 }));
      if (url.startsWith('/api/v1/health/')) return Promise.resolve(jsonResponse({ status: 'healthy' }));
      if (url.startsWith('/api/v1/assets?')) {
        const items = server.listed();
        const meta = { page: 1, page_size: 60, total: items.length, pages: 1, total_estimated: false, next_cursor: null };
        return Promise.resolve(jsonResponse({ items, meta }));
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

  it('lists the first page again for an asset an event names that it has not seen, and shows it there', async () => {
    const old = makeAsset({ id: 1, title: 'Old', created_at: '2026-01-01T00:00:00Z' });
    const server = fakeServer([old]);
    const imported = makeAsset({ id: 9, title: 'Imported', status: 'processing', created_at: '2026-03-01T00:00:00Z', media_metadata: {} });
    server.assets.set(9, imported);
    render(<App connection={fakeLiveConnection()} />);
    await screen.findByText('Old');
    server.listed = () => [imported, old];
    act(() => FakeSocket.latest().serverOpens());
    serverSends({ type: 'processing_update', seq: 3, data: { asset_id: 9, progress: 10, stage: 'metadata', status: 'processing' } });
    expect(await screen.findByText('Imported')).toBeInTheDocument();
    const cards = within(screen.getByRole('list', { name: 'Assets' })).getAllByRole('listitem');
    expect(cards[0]).toHaveTextContent('Imported');
    expect(server.calls).not.toContain('GET /api/v1/assets/9');
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
    expect(within(dialog).getByRole('rowheader', { name: 'Codec' })).toBeInTheDocument();
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

describe('App with accounts', () => {
  const user = (role: string) => ({ id: 2, username: 'alice', role, auth_enabled: true });
  const signedInAs = (server: Server, role: string) => {
    server.me = () => jsonResponse(user(role));
  };

  it('shows a viewer the library without any control to add or change media', async () => {
    const server = fakeServer([makeAsset({ id: 3, title: 'Harbour' })]);
    signedInAs(server, 'viewer');
    window.history.replaceState(null, '', '/?asset=3');
    render(<App connection={fakeLiveConnection()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Harbour' });
    expect(await within(dialog).findByRole('table')).toBeInTheDocument();
    for (const name of ['Rename', 'Reprocess', 'Delete']) {
      expect(within(dialog).queryByRole('button', { name })).not.toBeInTheDocument();
    }
    expect(screen.queryByRole('button', { name: 'Add media' })).not.toBeInTheDocument();
    expect(screen.getByText(/Signed in as/).closest('p')).toHaveTextContent('alice role: viewer');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'API tokens' })).toBeInTheDocument();
  });

  it('tells a viewer of an empty library whom to ask, and offers no form', async () => {
    const server = fakeServer([]);
    signedInAs(server, 'viewer');
    render(<App connection={fakeLiveConnection()} />);
    expect(await screen.findByRole('heading', { name: 'The library is empty' })).toBeInTheDocument();
    expect(screen.getByText(/ask one of them/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Path in the media folder')).not.toBeInTheDocument();
    expect(document.querySelector('input[type=file]')).toBeNull();
  });

  it('gives an editor the add-media panel and the asset actions', async () => {
    const server = fakeServer([makeAsset({ id: 3, title: 'Harbour' })]);
    signedInAs(server, 'editor');
    window.history.replaceState(null, '', '/?asset=3');
    render(<App connection={fakeLiveConnection()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Harbour' });
    for (const name of ['Rename', 'Reprocess', 'Delete']) {
      expect(await within(dialog).findByRole('button', { name })).toBeInTheDocument();
    }
    expect(screen.getByRole('button', { name: 'Add media' })).toBeInTheDocument();
  });

  it('shows the login page without a socket, then the library once signed in', async () => {
    const server = fakeServer([makeAsset({ id: 1, title: 'Beach' })]);
    server.me = () => errorResponse(401, 'Authentication credentials were not provided.');
    server.overrides.set('POST /api/v1/auth/login', () => jsonResponse(user('editor')));
    const connection = fakeLiveConnection();
    render(<App connection={connection} />);
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(FakeSocket.instances).toHaveLength(0);
    expect(server.calls.some((call) => call.startsWith('GET /api/v1/assets'))).toBe(false);

    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Beach')).toBeInTheDocument();
    expect(FakeSocket.instances).toHaveLength(1);
    expect(connection.state).toBe('connecting');
  });

  it('signs out to the login page and stops the live connection for good', async () => {
    const server = fakeServer([makeAsset({ id: 1, title: 'Beach' })]);
    signedInAs(server, 'editor');
    const connection = fakeLiveConnection();
    render(<App connection={connection} />);
    await screen.findByText('Beach');
    act(() => FakeSocket.latest().serverOpens());
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('You are signed out.');
    expect(server.calls).toContain('POST /api/v1/auth/logout');
    expect(FakeSocket.latest().closed).toBe(true);
    expect(connection.state).toBe('offline');
    act(() => FakeSocket.latest().serverCloses());
    expect(connection.state).toBe('offline');
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('goes back to the login page when any request answers 401', async () => {
    const server = fakeServer([makeAsset({ id: 3, title: 'Harbour' })]);
    signedInAs(server, 'editor');
    server.overrides.set('PATCH /api/v1/assets/3', () => errorResponse(401, 'Authentication credentials were not provided.'));
    window.history.replaceState(null, '', '/?asset=3');
    render(<App connection={fakeLiveConnection()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Harbour' });
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Rename' }));
    await userEvent.type(within(dialog).getByLabelText('New title'), ' again{Enter}');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your session has ended. Sign in again to continue.');
    expect(window.location.search).toBe('?asset=3');
  });

  it('shows a 403 with the server’s message and stays signed in', async () => {
    const server = fakeServer([makeAsset({ id: 3, title: 'Harbour' })]);
    signedInAs(server, 'editor');
    server.overrides.set('POST /api/v1/assets/3/reprocess', () => errorResponse(403, 'Your role cannot reprocess assets.'));
    window.history.replaceState(null, '', '/?asset=3');
    render(<App connection={fakeLiveConnection()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Harbour' });
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Reprocess' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Your role cannot reprocess assets.');
    expect(screen.queryByRole('heading', { name: 'Sign in' })).not.toBeInTheDocument();
  });

  it('asks whether the session still holds when the socket drops, and signs out if it does not', async () => {
    const server = fakeServer([makeAsset({ id: 1, title: 'Beach' })]);
    signedInAs(server, 'viewer');
    render(<App connection={fakeLiveConnection()} />);
    await screen.findByText('Beach');
    act(() => FakeSocket.latest().serverOpens());
    server.me = () => errorResponse(401, 'Session expired.');
    act(() => FakeSocket.latest().serverCloses());
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('moves between the library and an admin’s pages through the header, in the URL', async () => {
    const server = fakeServer([makeAsset({ id: 1, title: 'Beach' })]);
    signedInAs(server, 'admin');
    server.overrides.set('GET /api/v1/auth/users', () =>
      jsonResponse({ items: [{ id: 2, username: 'alice', role: 'admin', is_active: true, date_joined: '2026-01-01T00:00:00Z', last_login: null }] }),
    );
    server.overrides.set('GET /api/v1/auth/tokens', () => jsonResponse({ items: [] }));
    render(<App connection={fakeLiveConnection()} />);
    await screen.findByText('Beach');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    await userEvent.click(within(nav).getByRole('link', { name: 'Users' }));
    expect(window.location.search).toBe('?view=users');
    expect(await screen.findByRole('rowheader', { name: 'alice (you)' })).toBeInTheDocument();
    await userEvent.click(within(nav).getByRole('link', { name: 'API tokens' }));
    expect(await screen.findByText('You have no tokens yet.')).toBeInTheDocument();
    await userEvent.click(within(nav).getByRole('link', { name: 'Library' }));
    expect(window.location.search).toBe('');
    expect(await screen.findByText('Beach')).toBeInTheDocument();
  });

  it('opens the duplicates review from the header, and an asset of a group in the library’s detail view', async () => {
    const beach = makeAsset({ id: 1, title: 'Beach' });
    const copy = makeAsset({ id: 2, title: 'Beach copy', file_path: 'inbox/beach.jpg' });
    const server = fakeServer([beach, copy]);
    signedInAs(server, 'viewer');
    server.overrides.set('GET /api/v1/duplicates?kind=exact', () =>
      jsonResponse({ items: [{ kind: 'exact', assets: [beach, copy] }], meta: { page: 1, page_size: 20, total: 1, pages: 1 } }),
    );
    render(<App connection={fakeLiveConnection()} />);
    await screen.findByText('Beach copy');
    await userEvent.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Duplicates' }));
    expect(window.location.search).toBe('?view=duplicates');
    expect(await screen.findByText('1 group to review')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete the others…' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('link', { name: 'Beach copy' }));
    expect(window.location.search).toBe('?asset=2');
    expect(await screen.findByRole('dialog', { name: 'Beach copy' })).toBeInTheDocument();
  });

  it('tells a non-admin who opens the users page that it is for admins', async () => {
    const server = fakeServer([]);
    signedInAs(server, 'editor');
    window.history.replaceState(null, '', '/?view=users');
    render(<App connection={fakeLiveConnection()} />);
    expect(await screen.findByText('Only admins manage users.')).toBeInTheDocument();
    expect(server.calls).not.toContain('GET /api/v1/auth/users');
  });

  it('without accounts on the server, shows no sign-in, sign-out or account pages', async () => {
    fakeServer([makeAsset({ id: 1, title: 'Beach' })]);
    render(<App connection={fakeLiveConnection()} />);
    await screen.findByText('Beach');
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
    // Collections and duplicates are there with or without accounts; tokens and users are not.
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((link) => link.textContent)).toEqual(['Library', 'Collections', 'Duplicates']);
    expect(screen.getByRole('button', { name: 'Add media' })).toBeInTheDocument();
  });

  it('treats a server from before accounts (no /auth/me) as one without accounts', async () => {
    const server = fakeServer([makeAsset({ id: 1, title: 'Beach' })]);
    server.me = () => errorResponse(404, 'Not found');
    render(<App connection={fakeLiveConnection()} />);
    expect(await screen.findByText('Beach')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add media' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
  });

  it('says so when the server cannot tell who is signed in, and tries again on request', async () => {
    const server = fakeServer([makeAsset({ id: 1, title: 'Beach' })]);
    server.me = () => errorResponse(503, 'The database is unavailable.');
    render(<App connection={fakeLiveConnection()} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('The database is unavailable.');
    signedInAs(server, 'viewer');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Beach')).toBeInTheDocument();
  });
});

describe('App: filtering by tag', () => {
  it('filters the library by a card’s tag chip, keeps the filter in the URL and the request, and removes it from the filter bar', async () => {
    const beach = makeAsset({ id: 1, title: 'Praia', tags: ['beach', 'Lisbon'] });
    const server = fakeServer([beach, makeAsset({ id: 2, title: 'Tram' })]);
    render(<App connection={fakeLiveConnection()} />);
    const card = (await screen.findByText('Praia')).closest('li');
    if (!card) throw new Error('no card');
    await userEvent.click(within(card).getByRole('button', { name: 'Lisbon' }));
    expect(window.location.search).toBe('?tag=Lisbon');
    await waitFor(() => expect(server.calls).toContain('GET /api/v1/assets?page_size=60&tag=Lisbon&ordering=-created_at'));
    // The card's chips stay out of the Tab order: a card is one stop, and its detail view has them too.
    expect(within(card).getByRole('button', { name: 'Lisbon' })).toHaveAttribute('tabindex', '-1');

    const filters = screen.getByRole('list', { name: 'Tag filters' });
    expect(within(filters).getByText('Lisbon')).toBeInTheDocument();
    await userEvent.click(within(screen.getByRole('list', { name: 'Tags of Praia' })).getByRole('button', { name: 'beach' }));
    expect(window.location.search).toBe('?tag=Lisbon&tag=beach');
    await waitFor(() => expect(server.calls).toContain('GET /api/v1/assets?page_size=60&tag=Lisbon&tag=beach&ordering=-created_at'));

    await userEvent.click(screen.getByRole('button', { name: 'Stop filtering by tag Lisbon' }));
    expect(window.location.search).toBe('?tag=beach');
    await userEvent.click(screen.getByRole('button', { name: 'Stop filtering by tag beach' }));
    expect(window.location.search).toBe('');
    expect(screen.queryByRole('list', { name: 'Tag filters' })).not.toBeInTheDocument();
  });

  it('filters by a tag chip in the detail view and closes it', async () => {
    const beach = makeAsset({ id: 1, title: 'Praia', tags: ['beach'] });
    const server = fakeServer([beach]);
    window.history.replaceState(null, '', '/?q=praia&asset=1');
    render(<App connection={fakeLiveConnection()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Praia' });
    await userEvent.click(within(within(dialog).getByRole('list', { name: 'Tags' })).getByRole('button', { name: 'beach' }));
    expect(window.location.search).toBe('?q=praia&tag=beach');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await waitFor(() =>
      expect(server.calls).toContain('GET /api/v1/assets?page_size=60&q=praia&tag=beach&ordering=relevance'),
    );
  });
});
