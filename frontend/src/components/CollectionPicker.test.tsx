import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectionRoutes, makeCollection } from '../test/collections';
import { errorResponse, routeFetch, type RecordedCall } from '../test/fakes';
import type { Collection } from '../services/api';
import { CollectionPicker } from './CollectionPicker';

let held: Collection[];
let calls: RecordedCall[];

beforeEach(() => {
  held = [
    makeCollection({ id: 1, name: 'Lisbon', asset_count: 12 }),
    makeCollection({ id: 2, name: 'Lisbon trams', asset_count: 1 }),
    makeCollection({ id: 3, name: 'Rome', asset_count: 4 }),
  ];
  calls = routeFetch(collectionRoutes(held));
});

afterEach(() => vi.unstubAllGlobals());

function renderPicker(onPick = vi.fn((_: Collection) => Promise.resolve(true)), exclude: number[] = []) {
  render(<CollectionPicker label="Add 3 assets to a collection" onPick={onPick} exclude={exclude} debounceMs={0} />);
  return { onPick, field: screen.getByRole('searchbox', { name: 'Add 3 assets to a collection' }) };
}

const choices = () =>
  within(screen.getByRole('list', { name: 'Collections to choose from' }))
    .getAllByRole('button')
    .map((button) => button.textContent);

describe('CollectionPicker', () => {
  it('lists the collections, searches them by name, and leaves out those excluded', async () => {
    const { field } = renderPicker(undefined, [3]);
    await waitFor(() => expect(choices()).toEqual(['Lisbon (12 assets)', 'Lisbon trams (1 asset)']));
    expect(calls[0]?.url).toBe('/api/v1/collections?ordering=-updated_at&page_size=9');
    await userEvent.type(field, 'tram');
    await waitFor(() => expect(choices()).toEqual(['Lisbon trams (1 asset)']));
    expect(calls.at(-1)?.url).toBe('/api/v1/collections?q=tram&ordering=name&page_size=9');
  });

  it('chooses a collection with a click', async () => {
    const { onPick } = renderPicker();
    await userEvent.click(await screen.findByRole('button', { name: /^Rome/ }));
    expect(onPick).toHaveBeenCalledWith(held[2]);
  });

  it('makes a new collection inline and chooses it at once', async () => {
    const { field, onPick } = renderPicker();
    await userEvent.type(field, '  Porto   2026 ');
    await userEvent.click(await screen.findByRole('button', { name: 'Create “Porto 2026”' }));
    const post = calls.find((call) => call.method === 'POST');
    expect(post?.url).toBe('/api/v1/collections');
    expect(post?.body).toEqual({ name: 'Porto 2026', description: '' });
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ id: 103, name: 'Porto 2026' }));
    await waitFor(() => expect(field).toHaveValue(''));
  });

  it('offers no "Create" for a name that exists (any case), and Enter chooses that one', async () => {
    const { field, onPick } = renderPicker();
    await userEvent.type(field, 'rome');
    await waitFor(() => expect(choices()).toEqual(['Rome (4 assets)']));
    expect(screen.queryByRole('button', { name: /^Create/ })).not.toBeInTheDocument();
    await userEvent.keyboard('{Enter}');
    expect(onPick).toHaveBeenCalledWith(held[2]);
    expect(calls.some((call) => call.method === 'POST')).toBe(false);
  });

  it('shows the server’s refusal in its words and keeps what was typed', async () => {
    routeFetch({
      ...collectionRoutes(held),
      'POST /api/v1/collections': () =>
        errorResponse(400, "A collection's name has at most 120 characters", { fields: { name: 'x' } }),
    });
    const { field, onPick } = renderPicker();
    await userEvent.type(field, 'Too long{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent("A collection's name has at most 120 characters");
    expect(onPick).not.toHaveBeenCalled();
    expect(field).toHaveValue('Too long');
  });
});
