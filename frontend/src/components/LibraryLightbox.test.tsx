import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import type { Asset } from '../services/api';
import { fakeLiveConnection, jsonResponse, makeAsset } from '../test/fakes';

const LOCAL = { id: null, username: 'local', role: 'admin', auth_enabled: false };

let lists: string[];

/** A library of five, listed newest first in two pages (three, then two by cursor). */
function serveLibrary(): Asset[] {
  const assets = [5, 4, 3, 2, 1].map((id) => makeAsset({ id, title: `Photo ${id}` }));
  lists = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : input.toString();
      if (url === '/api/v1/auth/me') return Promise.resolve(jsonResponse(LOCAL));
      if (url.startsWith('/api/v1/health/')) return Promise.resolve(jsonResponse({ status: 'healthy' }));
      if (url.startsWith('/api/v1/assets?')) {
        lists.push(url);
        const second = url.includes('cursor=page2');
        const items = second ? assets.slice(3) : assets.slice(0, 3);
        const meta = { page: second ? null : 1, page_size: 3, total: 5, pages: 2, total_estimated: false, next_cursor: second ? null : 'page2' };
        return Promise.resolve(jsonResponse({ items, meta }));
      }
      const match = /^\/api\/v1\/assets\/(\d+)$/.exec(url);
      const asset = match ? assets.find((item) => item.id === Number(match[1])) : undefined;
      if (asset) return Promise.resolve(jsonResponse(asset));
      return Promise.resolve(jsonResponse({ error: 'Not found', timestamp: 't', context: {} }, 404, 'Not Found'));
    }),
  );
  return assets;
}

beforeEach(() => {
  window.history.replaceState(null, '', '/?asset=4');
});

afterEach(() => {
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

describe('walking the library in the detail view', () => {
  it('goes through the list in its order with the arrow keys, reading the next page, with the URL following', async () => {
    serveLibrary();
    const historyLength = window.history.length;
    render(<App connection={fakeLiveConnection()} />);
    expect(await screen.findByRole('dialog', { name: 'Photo 4' })).toBeInTheDocument();
    expect(await screen.findByText('2 of 5')).toBeInTheDocument();

    await userEvent.keyboard('{ArrowLeft}');
    expect(await screen.findByRole('dialog', { name: 'Photo 5' })).toBeInTheDocument();
    expect(window.location.search).toBe('?asset=5');
    expect(screen.getByRole('button', { name: /Previous/ })).toBeDisabled();

    await userEvent.keyboard('{ArrowRight}{ArrowRight}');
    expect(await screen.findByRole('dialog', { name: 'Photo 3' })).toBeInTheDocument();
    // The last loaded card is near: the grid's next page is read, and the walk goes on into it.
    await waitFor(() => expect(lists.some((url) => url.includes('cursor=page2'))).toBe(true));
    await waitFor(() => expect(screen.getByRole('button', { name: /Next/ })).toBeEnabled());
    await userEvent.keyboard('{ArrowRight}');
    expect(await screen.findByRole('dialog', { name: 'Photo 2' })).toBeInTheDocument();
    expect(window.location.search).toBe('?asset=2');
    expect(screen.getByText('4 of 5')).toBeInTheDocument();
    // Walking replaced the URL: Back goes to where the viewer was opened from, not through each asset.
    expect(window.history.length).toBe(historyLength);

    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(window.location.search).toBe('');
  });

  it('puts focus back on the card of the asset shown last when the viewer closes', async () => {
    serveLibrary();
    window.history.replaceState(null, '', '/');
    render(<App connection={fakeLiveConnection()} />);
    const opened = await screen.findByRole('button', { name: /^Photo 4, .*Open details/ });
    await userEvent.click(opened);
    expect(await screen.findByRole('dialog', { name: 'Photo 4' })).toBeInTheDocument();
    await userEvent.keyboard('{ArrowRight}');
    expect(await screen.findByRole('dialog', { name: 'Photo 3' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(document.activeElement).toBe(screen.getByRole('button', { name: /^Photo 3, .*Open details/ }));
  });
});
