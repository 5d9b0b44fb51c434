import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Asset } from '../services/api';
import type { DuplicateGroup } from '../services/duplicates';
import { errorResponse, jsonResponse, makeAsset, routeFetch, type RecordedCall } from '../test/fakes';
import { DuplicatesPage } from './DuplicatesPage';

afterEach(() => vi.unstubAllGlobals());

const beach = makeAsset({
  id: 3,
  title: 'Beach',
  file_path: 'holiday/beach.jpg',
  file_size: 2_097_152,
  media_metadata: { width: 4000, height: 3000, thumbnail_url: '/thumbnails/3.jpg' },
});
const beachCopy = makeAsset({ id: 8, title: 'Beach copy', file_path: 'inbox/beach (1).jpg', file_size: 2_097_152 });
const beachThird = makeAsset({ id: 12, title: 'Beach again', file_path: 'inbox/beach (2).jpg', file_size: 2_097_152 });
const harbour = makeAsset({ id: 20, title: 'Harbour', file_path: 'harbour.jpg' });
const harbourCopy = makeAsset({ id: 21, title: 'Harbour copy', file_path: 'copies/harbour.jpg' });

/**
 * `GET /duplicates` over groups held here (a deleted asset leaves its group; a group of one is
 * gone, as on the server), 20 a page, and `POST /assets/bulk` deleting from them.
 */
function serve(held: Asset[][], perPage = 20) {
  let groups = held.map((assets) => [...assets]);
  return routeFetch({
    'GET /api/v1/duplicates': (call: RecordedCall) => {
      const search = new URL(call.url, 'http://test').searchParams;
      const kind = (search.get('kind') ?? 'exact') as DuplicateGroup['kind'];
      const page = Number(search.get('page') ?? '1');
      const total = groups.length;
      const items = groups.slice((page - 1) * perPage, page * perPage).map((assets) => ({ kind, assets }));
      return jsonResponse({ items, meta: { page, page_size: perPage, total, pages: Math.ceil(total / perPage) } });
    },
    'POST /api/v1/assets/bulk': (call: RecordedCall) => {
      const ids = (call.body as { ids: number[] }).ids;
      groups = groups.map((assets) => assets.filter((asset) => !ids.includes(asset.id))).filter((assets) => assets.length > 1);
      return jsonResponse({ matched: ids.length, changed: ids.length });
    },
  });
}

const group = (name: string) => screen.getByRole('listitem', { name: new RegExp(`^${name}:`) });
const bulkCalls = (calls: RecordedCall[]) => calls.filter((call) => call.method === 'POST');

describe('duplicates page', () => {
  it('shows each group as a row of its assets with title, size, dimensions and path, the original first', async () => {
    serve([[beach, beachCopy], [harbour, harbourCopy]]);
    const onOpen = vi.fn();
    render(<DuplicatesPage canEdit onOpen={onOpen} />);
    expect(await screen.findByText('2 groups to review')).toBeInTheDocument();
    const first = group('Group 1');
    expect(first).toHaveTextContent('2 assets');
    const [original, copy] = within(first).getAllByRole('listitem');
    expect(original).toHaveTextContent('Beach');
    expect(original).toHaveTextContent('Original');
    expect(original).toHaveTextContent('2.0 MB · 4000×3000');
    expect(original).toHaveTextContent('holiday/beach.jpg');
    expect(original?.querySelector('img')).toHaveAttribute('src', '/thumbnails/3.jpg');
    expect(copy).toHaveTextContent('inbox/beach (1).jpg');
    expect(copy).not.toHaveTextContent('Original');
    expect(within(group('Group 2')).getByText('Harbour copy')).toBeInTheDocument();

    const link = within(first).getByRole('link', { name: 'Beach copy' });
    expect(link).toHaveAttribute('href', '/?asset=8');
    await userEvent.click(link);
    expect(onOpen).toHaveBeenCalledWith(8);
  });

  it('keeps the original unless another is chosen, and deletes the others after confirming, in one bulk delete', async () => {
    const calls = serve([[beach, beachCopy, beachThird], [harbour, harbourCopy]]);
    render(<DuplicatesPage canEdit onOpen={vi.fn()} />);
    await screen.findByText('2 groups to review');
    const first = group('Group 1');
    expect(within(first).getByRole('radio', { name: 'Keep Beach' })).toBeChecked();

    await userEvent.click(within(first).getByRole('radio', { name: 'Keep Beach again' }));
    expect(within(first).getByRole('radio', { name: 'Keep Beach' })).not.toBeChecked();
    await userEvent.click(within(first).getByRole('button', { name: 'Delete the others…' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Delete 2 assets and keep “Beach again”?' });
    expect(within(confirm).getByText(/holiday\/beach\.jpg/)).toBeInTheDocument();
    expect(within(confirm).getByText(/inbox\/beach \(1\)\.jpg/)).toBeInTheDocument();
    expect(bulkCalls(calls)).toHaveLength(0);

    await userEvent.click(within(confirm).getByRole('button', { name: 'Delete 2 assets' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(bulkCalls(calls).map((call) => call.body)).toEqual([{ ids: [3, 8], action: 'delete' }]);
    // The page is read again: the resolved group is gone, the other moves up.
    expect(await screen.findByText('1 group to review')).toBeInTheDocument();
    expect(screen.getByText('2 deleted; kept “Beach again”.')).toBeInTheDocument();
    expect(within(group('Group 1')).getByText('Harbour')).toBeInTheDocument();
    expect(screen.queryByText('Beach copy')).not.toBeInTheDocument();

    // The default: the original is kept.
    await userEvent.click(within(group('Group 1')).getByRole('button', { name: 'Delete the others…' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete 1 asset' }));
    expect(await screen.findByRole('heading', { name: 'Nothing to review' })).toBeInTheDocument();
    expect(bulkCalls(calls).map((call) => call.body)).toEqual([
      { ids: [3, 8], action: 'delete' },
      { ids: [21], action: 'delete' },
    ]);
  });

  it('deletes nothing when the confirmation is cancelled, and shows a refusal in it', async () => {
    const calls = routeFetch({
      'GET /api/v1/duplicates': () =>
        jsonResponse({ items: [{ kind: 'exact', assets: [beach, beachCopy] }], meta: { page: 1, page_size: 20, total: 1, pages: 1 } }),
      'POST /api/v1/assets/bulk': () => errorResponse(403, 'Viewers cannot delete assets'),
    });
    render(<DuplicatesPage canEdit onOpen={vi.fn()} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete the others…' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(bulkCalls(calls)).toHaveLength(0);

    await userEvent.click(screen.getByRole('button', { name: 'Delete the others…' }));
    const confirm = screen.getByRole('alertdialog');
    await userEvent.click(within(confirm).getByRole('button', { name: 'Delete 1 asset' }));
    expect(await within(confirm).findByRole('alert')).toHaveTextContent('Viewers cannot delete assets');
    expect(group('Group 1')).toHaveTextContent('Beach copy');
  });

  it('shows a viewer the groups without keep choices or delete buttons', async () => {
    serve([[beach, beachCopy]]);
    render(<DuplicatesPage canEdit={false} onOpen={vi.fn()} />);
    expect(await screen.findByText('Beach copy')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Delete/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('radio', { name: /Keep/ })).not.toBeInTheDocument();
  });

  it('says there is nothing to review', async () => {
    serve([]);
    render(<DuplicatesPage canEdit onOpen={vi.fn()} />);
    expect(await screen.findByRole('heading', { name: 'Nothing to review' })).toBeInTheDocument();
    expect(screen.getByText('No two assets share the same file.')).toBeInTheDocument();
    expect(screen.getByText('0 groups to review')).toBeInTheDocument();
  });

  it('switches to pictures that look alike, with a strictness that sets max_distance', async () => {
    const calls = serve([[beach, beachCopy]]);
    render(<DuplicatesPage canEdit onOpen={vi.fn()} />);
    await screen.findByText('Beach copy');
    expect(screen.queryByLabelText('Strictness')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: 'Look alike' }));
    await waitFor(() => expect(calls.at(-1)?.url).toBe('/api/v1/duplicates?kind=similar&max_distance=3'));
    await userEvent.selectOptions(screen.getByLabelText('Strictness'), 'Strict: nearly identical');
    await waitFor(() => expect(calls.at(-1)?.url).toBe('/api/v1/duplicates?kind=similar&max_distance=1'));
    await userEvent.click(screen.getByRole('radio', { name: 'Same file' }));
    await waitFor(() => expect(calls.at(-1)?.url).toBe('/api/v1/duplicates?kind=exact'));
    expect(calls[0]?.url).toBe('/api/v1/duplicates?kind=exact');
  });

  it('pages through the groups by the meta', async () => {
    const calls = serve([[beach, beachCopy], [harbour, harbourCopy]], 1);
    render(<DuplicatesPage canEdit onOpen={vi.fn()} />);
    expect(await screen.findByText('Page 1 of 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Harbour copy')).toBeInTheDocument();
    expect(calls.at(-1)?.url).toBe('/api/v1/duplicates?kind=exact&page=2');
    expect(screen.getByText('Page 2 of 2')).toBeInTheDocument();
    expect(group('Group 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();

    // Resolving the last page's only group goes back to the page that is now the last.
    await userEvent.click(screen.getByRole('button', { name: 'Delete the others…' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete 1 asset' }));
    expect(await screen.findByText('Beach copy')).toBeInTheDocument();
    expect(screen.queryByText('Page 2 of 2')).not.toBeInTheDocument();
  });

  it('offers to try again when the groups cannot be read', async () => {
    let fail = true;
    routeFetch({
      'GET /api/v1/duplicates': () =>
        fail
          ? errorResponse(503, 'The database is busy')
          : jsonResponse({ items: [], meta: { page: 1, page_size: 20, total: 0, pages: 0 } }),
    });
    render(<DuplicatesPage canEdit onOpen={vi.fn()} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('The database is busy');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Nothing to review' })).toBeInTheDocument();
  });
});
