import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import type { Asset, Facets } from '../services/api';
import { errorResponse, fakeLiveConnection, jsonResponse, makeAsset, routeFetch, type RecordedCall } from '../test/fakes';

/** Assets 1..5 ("Photo 1".."Photo 5"), newest (5) first. */
const ASSETS: Asset[] = [5, 4, 3, 2, 1].map((id) =>
  makeAsset({ id, title: `Photo ${id}`, file_path: `trip/${id}.jpg`, created_at: `2026-01-0${id}T10:00:00Z` }),
);

const FACETS: Facets = {
  total: 5,
  media_type: [{ value: 'image', count: 5 }],
  status: [
    { value: 'ready', count: 4 },
    { value: 'failed', count: 1 },
  ],
  tag: [
    { value: 'beach', count: 3 },
    { value: 'harbour', count: 1 },
  ],
  camera: [{ value: 'Canon EOS R5', count: 4 }],
  year: [
    { value: 2026, count: 4 },
    { value: 2025, count: 1 },
  ],
};

interface Options {
  role?: string;
  /** What the list says the filter finds (more than the page holds: "select all" has something to add). */
  total?: number;
  bulk?: (call: RecordedCall) => Response;
}

function serve({ role = 'editor', total = ASSETS.length, bulk }: Options = {}): RecordedCall[] {
  return routeFetch({
    'GET /api/v1/auth/me': () => jsonResponse({ id: 2, username: 'alice', role, auth_enabled: true }),
    'GET /api/v1/health/processing': () => jsonResponse({ status: 'healthy' }),
    'GET /api/v1/assets': () =>
      jsonResponse({
        items: ASSETS,
        meta: { page: 1, page_size: 60, total, pages: 1, total_estimated: false, next_cursor: null },
      }),
    'GET /api/v1/assets/facets': () => jsonResponse(FACETS),
    'POST /api/v1/assets/bulk': bulk ?? ((call) => {
      const body = call.body as { ids?: number[] };
      const matched = body.ids ? body.ids.length : total;
      return jsonResponse({ matched, changed: matched });
    }),
    'GET /api/v1/assets/2': () => jsonResponse({ ...ASSETS[3], duplicate_of: 1 }),
    'GET /api/v1/assets/1': () => jsonResponse({ ...ASSETS[4], duplicate_of: null }),
  });
}

const checkbox = (id: number) => screen.getByRole('checkbox', { name: `Select Photo ${id}` });
const bulkBodies = (calls: RecordedCall[]) => calls.filter((call) => call.url === '/api/v1/assets/bulk').map((call) => call.body);
const bar = () => screen.queryByRole('region', { name: /selected$/ });

async function renderLibrary(url = '/') {
  window.history.replaceState(null, '', url);
  render(<App connection={fakeLiveConnection()} />);
  await screen.findByText('Photo 1');
}

beforeEach(() => {
  window.history.replaceState(null, '', '/');
});

afterEach(() => {
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

describe('selecting cards', () => {
  it('selects by checkbox and shift-click ranges, counts them in the bar, and Escape clears', async () => {
    serve();
    await renderLibrary();
    expect(bar()).toBeNull();
    await userEvent.click(checkbox(4));
    expect(bar()).toHaveAccessibleName('1 selected');
    expect(screen.getByRole('list', { name: 'Assets' })).toHaveClass('grid--selecting');

    fireEvent.click(checkbox(1), { shiftKey: true });
    expect(bar()).toHaveAccessibleName('4 selected');
    expect([5, 4, 3, 2, 1].map((id) => (checkbox(id) as HTMLInputElement).checked)).toEqual([false, true, true, true, true]);

    await userEvent.keyboard('{Escape}');
    expect(bar()).toBeNull();
    expect(screen.queryAllByRole('checkbox', { checked: true })).toHaveLength(0);
  });

  it('tags the selected cards with the tag field, sending their ids, and says how many were tagged', async () => {
    const calls = serve();
    await renderLibrary();
    const facetCalls = () => calls.filter((call) => call.url.startsWith('/api/v1/assets/facets')).length;
    // The first counts come after a debounce: a quick tagging would otherwise replace that request.
    await waitFor(() => expect(facetCalls()).toBe(1));
    await userEvent.click(checkbox(5));
    await userEvent.click(checkbox(3));
    await userEvent.click(checkbox(2));
    await userEvent.click(within(bar()!).getByRole('button', { name: 'Add tags' }));
    const field = screen.getByRole('combobox', { name: 'Tag to add to 3 assets' });
    await userEvent.type(field, 'trip{Enter}');
    await waitFor(() => expect(bulkBodies(calls)).toEqual([{ ids: [5, 3, 2], action: 'tag', tags: ['trip'] }]));
    expect(await screen.findByText('3 tagged')).toBeInTheDocument();
    // The counts are read again: the tags changed.
    await waitFor(() => expect(calls.filter((call) => call.url.startsWith('/api/v1/assets/facets')).length).toBe(2));
  });

  it('removes a tag from the selection', async () => {
    const calls = serve({ bulk: () => jsonResponse({ matched: 2, changed: 1 }) });
    await renderLibrary();
    await userEvent.click(checkbox(5));
    await userEvent.click(checkbox(4));
    await userEvent.click(screen.getByRole('button', { name: 'Remove tags' }));
    await userEvent.type(screen.getByRole('combobox', { name: 'Tag to remove from 2 assets' }), 'beach{Enter}');
    await waitFor(() => expect(bulkBodies(calls)).toEqual([{ ids: [5, 4], action: 'untag', tags: ['beach'] }]));
    expect(await screen.findByText('1 untagged, 1 did not have it')).toBeInTheDocument();
  });

  it('selects everything in the filter, then sends the list’s filters instead of ids', async () => {
    const calls = serve({ total: 120 });
    await renderLibrary('/?type=image&q=rome&tag=beach&duplicates=true&ordering=title');
    await userEvent.click(checkbox(5));
    await userEvent.click(screen.getByRole('button', { name: 'Select all 120 assets in this filter' }));
    expect(bar()).toHaveAccessibleName('All 120 assets in this filter selected');
    expect(checkbox(1)).toBeChecked();
    expect(checkbox(1)).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: 'Reprocess' }));
    await waitFor(() =>
      expect(bulkBodies(calls)).toEqual([
        { filter: { type: 'image', q: 'rome', tag: ['beach'], duplicates: 'true' }, action: 'reprocess' },
      ]),
    );
    // The same filters the list was asked for.
    const list = calls.find((call) => call.url.startsWith('/api/v1/assets?'))!;
    expect(list.url).toBe('/api/v1/assets?page_size=60&type=image&q=rome&tag=beach&duplicates=true&ordering=title');
    expect(await screen.findByText('120 queued for processing')).toBeInTheDocument();
  });

  it('a new filter starts a new selection', async () => {
    serve({ total: 120 });
    await renderLibrary();
    await userEvent.click(checkbox(5));
    await userEvent.click(screen.getByRole('button', { name: 'Select all 120 assets in this filter' }));
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'video' } });
    expect(bar()).toBeNull();
  });

  it('deletes only after a confirmation that says how many', async () => {
    const calls = serve();
    await renderLibrary();
    await userEvent.click(checkbox(5));
    await userEvent.click(checkbox(4));
    await userEvent.click(screen.getByRole('button', { name: 'Delete…' }));
    let dialog = screen.getByRole('alertdialog', { name: 'Delete 2 assets?' });
    expect(within(dialog).getByRole('button', { name: 'Keep them' })).toHaveFocus();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep them' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(bulkBodies(calls)).toEqual([]);
    expect(bar()).toHaveAccessibleName('2 selected');

    await userEvent.click(screen.getByRole('button', { name: 'Delete…' }));
    dialog = screen.getByRole('alertdialog', { name: 'Delete 2 assets?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete 2 assets' }));
    await waitFor(() => expect(bulkBodies(calls)).toEqual([{ ids: [5, 4], action: 'delete' }]));
    expect(await screen.findByText('2 deleted')).toBeInTheDocument();
    expect(bar()).toBeNull();
  });

  it('shows the server’s refusal in its own words and keeps the selection', async () => {
    serve({ bulk: () => errorResponse(400, 'Tag names are 64 characters at most', { fields: { tags: ['Too long'] } }) });
    await renderLibrary();
    await userEvent.click(checkbox(3));
    await userEvent.click(screen.getByRole('button', { name: 'Reprocess' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Tag names are 64 characters at most');
    expect(bar()).toHaveAccessibleName('1 selected');
  });

  it('offers a viewer no checkboxes and no bar', async () => {
    serve({ role: 'viewer' });
    await renderLibrary();
    expect(screen.queryAllByRole('checkbox', { name: /^Select / })).toHaveLength(0);
    expect(bar()).toBeNull();
  });
});

describe('facet counts', () => {
  it('counts each type and status, lists the top tags (a click filters by one), cameras and years, for the current filters', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const calls = serve();
    await renderLibrary('/?q=rome');
    await act(() => vi.advanceTimersByTimeAsync(300));
    expect(await screen.findByRole('option', { name: 'Images (5)' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'Videos (0)' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'Failed (1)' })).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Cameras' })).toHaveTextContent('Canon EOS R5 4');
    expect(screen.getByRole('list', { name: 'Years taken' })).toHaveTextContent('2026 42025 1');
    const facetRequests = () => calls.filter((call) => call.url.startsWith('/api/v1/assets/facets')).map((call) => call.url);
    expect(facetRequests()).toEqual(['/api/v1/assets/facets?q=rome']);

    await userEvent.click(within(screen.getByRole('list', { name: 'Top tags' })).getByRole('button', { name: 'beach, 3 assets' }));
    expect(window.location.search).toBe('?q=rome&tag=beach');
    await act(() => vi.advanceTimersByTimeAsync(300));
    await waitFor(() => expect(facetRequests()).toEqual(['/api/v1/assets/facets?q=rome', '/api/v1/assets/facets?q=rome&tag=beach']));
    // Filtered by beach already: not offered again.
    expect(within(screen.getByRole('list', { name: 'Top tags' })).queryByRole('button', { name: /^beach/ })).toBeNull();
    vi.useRealTimers();
  });

  it('asks once for a burst of filter changes', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const calls = serve();
    await renderLibrary();
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'image' } });
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'ready' } });
    await act(() => vi.advanceTimersByTimeAsync(300));
    const facetRequests = calls.filter((call) => call.url.startsWith('/api/v1/assets/facets')).map((call) => call.url);
    expect(facetRequests).toEqual(['/api/v1/assets/facets?type=image&status=ready']);
    // Only the type chosen says its count: the others count nothing within it.
    expect(await screen.findByRole('option', { name: 'Images (5)' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'Videos' })).toBeInTheDocument();
    vi.useRealTimers();
  });
});

describe('duplicates', () => {
  it('"Duplicates only" filters the list and the counts, and stays in the URL', async () => {
    const calls = serve();
    await renderLibrary();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Duplicates only' }));
    expect(window.location.search).toBe('?duplicates=true');
    await waitFor(() => expect(calls.map((call) => call.url)).toContain('/api/v1/assets?page_size=60&duplicates=true&ordering=-created_at'));
    await waitFor(() => expect(calls.map((call) => call.url)).toContain('/api/v1/assets/facets?duplicates=true'));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Duplicates only' }));
    expect(window.location.search).toBe('');
  });

  it('the detail view says which asset has the same file, with a link that opens it', async () => {
    serve();
    await renderLibrary('/?asset=2');
    const dialog = await screen.findByRole('dialog', { name: 'Photo 2' });
    const link = await within(dialog).findByRole('link', { name: 'Photo 1' });
    expect(link.closest('p')).toHaveTextContent('Same file as Photo 1');
    expect(link).toHaveAttribute('href', '?asset=1');
    await userEvent.click(link);
    expect(window.location.search).toBe('?asset=1');
    const original = await screen.findByRole('dialog', { name: 'Photo 1' });
    expect(within(original).queryByText(/Same file as/)).toBeNull();
  });
});
