import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Collection } from '../services/api';
import { collectionRoutes, makeCollection } from '../test/collections';
import { errorResponse, jsonResponse, routeFetch } from '../test/fakes';
import { CollectionsPage } from './CollectionsPage';

afterEach(() => vi.unstubAllGlobals());

const lisbon = makeCollection({
  id: 4,
  name: 'Lisbon',
  description: 'Trams and tiles',
  asset_count: 3,
  cover: { asset_id: 9, thumbnail_url: '/thumbnails/9.jpg', chosen: false },
});
const empty = makeCollection({ id: 5, name: 'Empty', asset_count: 0 });

function serve(held: Collection[] = [lisbon, empty]) {
  return routeFetch({
    ...collectionRoutes(held),
    'PATCH /api/v1/collections/4': (call) => {
      const body = call.body as { name: string };
      if (body.name.length > 10) return errorResponse(400, 'Invalid input', { fields: { name: ['Ensure this field has no more than 10 characters.'] } });
      return jsonResponse({ ...lisbon, ...(call.body as object) });
    },
    'DELETE /api/v1/collections/4': () => new Response(null, { status: 204 }),
  });
}

const card = (name: string) => screen.getByText(name, { selector: '.collection-card__name' }).closest('li')!;

describe('collections page', () => {
  it('shows each collection’s cover, name, count and description, and opens one', async () => {
    serve();
    const onOpen = vi.fn();
    render(<CollectionsPage canEdit onOpen={onOpen} />);
    const link = await screen.findByRole('link', { name: /Lisbon/ });
    expect(link).toHaveAttribute('href', '/?collection=4');
    expect(card('Lisbon')).toHaveTextContent('3 assets');
    expect(card('Lisbon')).toHaveTextContent('Trams and tiles');
    expect(card('Lisbon').querySelector('img')).toHaveAttribute('src', '/thumbnails/9.jpg');
    expect(card('Empty')).toHaveTextContent('0 assets');
    expect(screen.getByText('2 collections')).toBeInTheDocument();
    await userEvent.click(link);
    expect(onOpen).toHaveBeenCalledWith(4);
  });

  it('makes a collection from the form, refusing an empty name next to the field', async () => {
    const calls = serve();
    render(<CollectionsPage canEdit onOpen={vi.fn()} />);
    const form = await screen.findByRole('form', { name: 'New collection' });
    await userEvent.click(within(form).getByRole('button', { name: 'Create collection' }));
    expect(within(form).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).getByRole('alert')).toHaveTextContent('Give the collection a name.');
    expect(calls.some((call) => call.method === 'POST')).toBe(false);

    await userEvent.type(within(form).getByLabelText('Name'), 'Porto');
    await userEvent.type(within(form).getByLabelText('Description'), 'Bridges');
    await userEvent.click(within(form).getByRole('button', { name: 'Create collection' }));
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({ name: 'Porto', description: 'Bridges' });
    expect(await screen.findByText('Collection “Porto” created.')).toBeInTheDocument();
    expect(card('Porto')).toHaveTextContent('0 assets');
    expect(within(form).getByLabelText('Name')).toHaveValue('');
  });

  it('shows the server’s refusal of a new collection under the field it names', async () => {
    routeFetch({
      ...collectionRoutes([]),
      'POST /api/v1/collections': () =>
        errorResponse(400, 'Invalid input', { fields: { description: ['Ensure this field has no more than 2000 characters.'] } }),
    });
    render(<CollectionsPage canEdit onOpen={vi.fn()} />);
    expect(await screen.findByText(/No collections yet/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Name'), 'Long');
    await userEvent.click(screen.getByRole('button', { name: 'Create collection' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Ensure this field has no more than 2000 characters.');
    expect(screen.getByLabelText('Description')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Name')).toHaveValue('Long');
  });

  it('renames and describes a collection, with the server’s refusal shown in the dialog', async () => {
    const calls = serve();
    render(<CollectionsPage canEdit onOpen={vi.fn()} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Lisbon' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit “Lisbon”' });
    const name = within(dialog).getByLabelText('Name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Lisbon in the rain');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Ensure this field has no more than 10 characters.');
    await userEvent.clear(name);
    await userEvent.type(name, 'Lisboa');
    await userEvent.clear(within(dialog).getByLabelText('Description'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(calls.filter((call) => call.method === 'PATCH').at(-1)?.body).toEqual({ name: 'Lisboa', description: '' });
    expect(card('Lisboa')).toHaveTextContent('3 assets');
  });

  it('deletes a collection after a confirmation that says its assets stay', async () => {
    const calls = serve();
    render(<CollectionsPage canEdit onOpen={vi.fn()} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Lisbon' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete the collection “Lisbon”?' });
    expect(dialog).toHaveTextContent('Its 3 assets stay in the library: only the collection goes.');
    expect(within(dialog).getByRole('button', { name: 'Keep it' })).toHaveFocus();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete collection' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(calls.some((call) => call.method === 'DELETE' && call.url === '/api/v1/collections/4')).toBe(true);
    expect(screen.queryByText('Lisbon', { selector: '.collection-card__name' })).not.toBeInTheDocument();
    expect(screen.getByText('Collection “Lisbon” deleted; its assets stay in the library.')).toBeInTheDocument();
  });

  it('lets a viewer browse and open collections, with no form, edit or delete', async () => {
    serve();
    render(<CollectionsPage canEdit={false} onOpen={vi.fn()} />);
    await screen.findByRole('link', { name: /Lisbon/ });
    expect(screen.queryByRole('form', { name: 'New collection' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^(Edit|Delete)/ })).not.toBeInTheDocument();
  });

  it('finds collections by part of their name', async () => {
    const calls = serve();
    render(<CollectionsPage canEdit onOpen={vi.fn()} debounceMs={0} />);
    await screen.findByRole('link', { name: /Lisbon/ });
    await userEvent.type(screen.getByRole('searchbox', { name: 'Find a collection' }), 'emp');
    await waitFor(() => expect(screen.queryByRole('link', { name: /Lisbon/ })).not.toBeInTheDocument());
    expect(screen.getByRole('link', { name: /Empty/ })).toBeInTheDocument();
    expect(calls.at(-1)?.url).toBe('/api/v1/collections?q=emp&page_size=60');
  });
});
