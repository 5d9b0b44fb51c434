import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Collection } from '../services/api';
import { collectionRoutes, makeCollection } from '../test/collections';
import { openFakeLiveConnection, jsonResponse, makeAsset, routeFetch, serverSends } from '../test/fakes';
import { AssetDetail } from './AssetDetail';
import { BulkBar } from './BulkBar';

afterEach(() => vi.unstubAllGlobals());

const lisbon = makeCollection({ id: 4, name: 'Lisbon', asset_count: 2, cover: { asset_id: 1, thumbnail_url: null, chosen: false } });
const rome = makeCollection({ id: 5, name: 'Rome', asset_count: 1 });
const harbour = makeAsset({ id: 3, title: 'Harbour', collections: [{ id: 4, name: 'Lisbon' }] });

function serve(held: Collection[] = [lisbon, rome]) {
  return routeFetch({
    ...collectionRoutes(held),
    'GET /api/v1/assets/3': () => jsonResponse(harbour),
    'POST /api/v1/collections/5/assets': () => jsonResponse({ changed: [3], collection: { ...rome, asset_count: 2 } }),
    'DELETE /api/v1/collections/4/assets': () => jsonResponse({ changed: [3], collection: { ...lisbon, asset_count: 1 } }),
    'PATCH /api/v1/collections/4': (call) =>
      jsonResponse({ ...lisbon, cover: { asset_id: (call.body as { cover: number }).cover, thumbnail_url: null, chosen: true } }),
  });
}

function renderDetail(canEdit: boolean, extra: Partial<Parameters<typeof AssetDetail>[0]> = {}) {
  const props = { onClose: vi.fn(), onChanged: vi.fn(), onDeleted: vi.fn(), onOpenCollection: vi.fn(), onCollectionChanged: vi.fn() };
  const connection = openFakeLiveConnection();
  render(<AssetDetail assetId={3} connection={connection} canEdit={canEdit} {...props} {...extra} />);
  return props;
}

const links = () =>
  within(screen.getByRole('list', { name: 'Collections' }))
    .queryAllByRole('link')
    .map((link) => link.textContent);

describe('the detail view’s collections', () => {
  it('links each collection the asset is in, opens one on a click, and follows asset_update live', async () => {
    serve();
    const { onOpenCollection } = renderDetail(false);
    const link = await screen.findByRole('link', { name: 'Lisbon' });
    expect(link).toHaveAttribute('href', '/?collection=4');
    await userEvent.click(link);
    expect(onOpenCollection).toHaveBeenCalledWith(4);
    // A viewer reads them only.
    expect(screen.queryByRole('button', { name: 'Add to collection' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Take out of/ })).not.toBeInTheDocument();

    serverSends({ type: 'asset_update', seq: 10, data: { asset_id: 3, collections: [{ id: 4, name: 'Lisbon' }, { id: 5, name: 'Rome' }] } });
    expect(links()).toEqual(['Lisbon', 'Rome']);
    serverSends({ type: 'asset_update', seq: 11, data: { asset_id: 3, collections: [] } });
    expect(screen.getByText('In no collection.')).toBeInTheDocument();
  });

  it('adds the asset to a collection from the picker and takes it out of one with its ×', async () => {
    const calls = serve();
    const { onChanged } = renderDetail(true);
    await screen.findByRole('link', { name: 'Lisbon' });
    await userEvent.click(screen.getByRole('button', { name: 'Add to collection' }));
    // The collections it is in already are not offered.
    const rome = await screen.findByRole('button', { name: /^Rome/ });
    expect(screen.queryByRole('button', { name: /^Lisbon/ })).not.toBeInTheDocument();
    await userEvent.click(rome);
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({ asset_ids: [3] });
    await waitFor(() => expect(links()).toEqual(['Lisbon', 'Rome']));
    expect(onChanged).toHaveBeenLastCalledWith(expect.objectContaining({ collections: [{ id: 4, name: 'Lisbon' }, { id: 5, name: 'Rome' }] }));

    await userEvent.click(screen.getByRole('button', { name: 'Take out of Lisbon' }));
    expect(calls.find((call) => call.method === 'DELETE')?.body).toEqual({ asset_ids: [3] });
    await waitFor(() => expect(links()).toEqual(['Rome']));
  });

  it('makes the asset the cover of the collection viewed', async () => {
    const calls = serve();
    const { onCollectionChanged } = renderDetail(true, { viewedCollection: lisbon });
    await userEvent.click(await screen.findByRole('button', { name: 'Use as cover of “Lisbon”' }));
    expect(calls.find((call) => call.method === 'PATCH')?.body).toEqual({ cover: 3 });
    await waitFor(() =>
      expect(onCollectionChanged).toHaveBeenCalledWith(expect.objectContaining({ cover: { asset_id: 3, thumbnail_url: null, chosen: true } })),
    );
    expect(screen.getByText('Now the cover of “Lisbon”.')).toBeInTheDocument();
  });
});

describe('the bulk bar’s collection actions', () => {
  const selection = { kind: 'ids' as const, ids: new Set([7, 3, 9]), anchor: 9 };

  function renderBar(collection: { id: number; name: string } | null = null) {
    const onDone = vi.fn();
    render(
      <BulkBar
        selection={selection}
        filters={{ collection: '4' }}
        total={10}
        onSelectAll={vi.fn()}
        onClear={vi.fn()}
        collection={collection}
        onDone={onDone}
      />,
    );
    return onDone;
  }

  it('adds the selection to a collection made inline', async () => {
    const held = [lisbon];
    const calls = routeFetch({
      ...collectionRoutes(held),
      'POST /api/v1/assets/bulk': () => jsonResponse({ matched: 3, changed: 3 }),
    });
    const onDone = renderBar();
    expect(screen.queryByRole('button', { name: 'Remove from collection' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Add to collection…' }));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Add 3 assets to a collection' }), 'Porto');
    await userEvent.click(await screen.findByRole('button', { name: 'Create “Porto”' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls.find((call) => call.url === '/api/v1/assets/bulk')?.body).toEqual({
      ids: [7, 3, 9],
      action: 'add_to_collection',
      collection: 101,
    });
    expect(onDone).toHaveBeenCalledWith('add_to_collection', { matched: 3, changed: 3 }, { tagCount: 0, collectionName: 'Porto' });
    expect(screen.queryByRole('searchbox')).not.toBeInTheDocument();
  });

  it('takes the selection out of the collection viewed, and shows a refusal in the server’s words', async () => {
    const calls = routeFetch({
      'POST /api/v1/assets/bulk': () =>
        jsonResponse({ error: 'You do not have permission to perform this action.', timestamp: 't', context: {} }, 403, 'Forbidden'),
    });
    renderBar({ id: 4, name: 'Lisbon' });
    await userEvent.click(screen.getByRole('button', { name: 'Remove from collection' }));
    expect(calls[0]?.body).toEqual({ ids: [7, 3, 9], action: 'remove_from_collection', collection: 4 });
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission to perform this action.');
  });
});
