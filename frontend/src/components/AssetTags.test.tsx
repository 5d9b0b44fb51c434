import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Asset } from '../services/api';
import { errorResponse, jsonResponse, makeAsset, openFakeLiveConnection, routeFetch, serverSends, type RecordedCall } from '../test/fakes';
import { AssetDetail } from './AssetDetail';

let calls: RecordedCall[];
let stored: Asset;

beforeEach(() => {
  stored = makeAsset({ id: 3, title: 'Harbour', tags: ['boats', 'Lisbon'] });
  calls = routeFetch({
    'GET /api/v1/assets/3': () => jsonResponse(stored),
    'PATCH /api/v1/assets/3': (call) => {
      const { tags } = call.body as { tags: string[] };
      if (tags.some((tag) => tag.length > 10)) {
        return errorResponse(400, 'A tag has at most 64 characters', { fields: { tags: tags.at(-1) } });
      }
      stored = { ...stored, tags: [...tags].sort((a, b) => a.localeCompare(b)) };
      return jsonResponse(stored);
    },
    'GET /api/v1/tags': () =>
      jsonResponse({ items: [{ name: 'harbour', asset_count: 3 }], meta: { page: 1, page_size: 8, total: 1, pages: 1 } }),
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function renderDetail(canEdit = true, connection: Parameters<typeof AssetDetail>[0]['connection'] = null) {
  const props = { onClose: vi.fn(), onChanged: vi.fn(), onDeleted: vi.fn(), onFilterTag: vi.fn() };
  render(<AssetDetail assetId={3} connection={connection} canEdit={canEdit} {...props} />);
  return props;
}

const patches = () => calls.filter((call) => call.method === 'PATCH').map((call) => call.body);

async function tagList() {
  const dialog = await screen.findByRole('dialog', { name: 'Harbour' });
  return within(dialog).getByRole('list', { name: 'Tags' });
}

describe('the detail view’s tags', () => {
  it('shows the tags as chips that filter the library', async () => {
    const { onFilterTag } = renderDetail();
    const list = await tagList();
    expect(within(list).getAllByRole('listitem').map((item) => item.firstChild?.textContent)).toEqual(['boats', 'Lisbon']);
    await userEvent.click(within(list).getByRole('button', { name: 'Lisbon' }));
    expect(onFilterTag).toHaveBeenCalledWith('Lisbon');
  });

  it('adds a suggested tag with the keyboard, sending the whole list, and shows the server’s answer', async () => {
    const { onChanged } = renderDetail();
    await tagList();
    const input = screen.getByRole('combobox', { name: 'Add a tag' });
    await userEvent.type(input, 'har');
    await screen.findByRole('option', { name: /^harbour/ });
    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(await screen.findByRole('button', { name: 'harbour' })).toBeInTheDocument();
    expect(patches()).toEqual([{ tags: ['boats', 'Lisbon', 'harbour'] }]);
    expect(onChanged).toHaveBeenLastCalledWith(expect.objectContaining({ id: 3, tags: ['boats', 'harbour', 'Lisbon'] }));
    const names = within(await tagList()).getAllByRole('listitem').map((item) => item.firstChild?.textContent);
    expect(names).toEqual(['boats', 'harbour', 'Lisbon']);
    expect(input).toHaveValue('');
    expect(input).toHaveFocus();
  });

  it('removes a tag with its × button, sending the list without it', async () => {
    renderDetail();
    const list = await tagList();
    await userEvent.click(within(list).getByRole('button', { name: 'Remove tag boats' }));
    expect(patches()).toEqual([{ tags: ['Lisbon'] }]);
    await vi.waitFor(() => expect(screen.queryByRole('button', { name: 'boats' })).not.toBeInTheDocument());
  });

  it('shows the server’s refusal in its own words and keeps what was typed', async () => {
    renderDetail();
    await tagList();
    const input = screen.getByRole('combobox', { name: 'Add a tag' });
    await userEvent.type(input, 'much-too-long-a-tag{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Harbour' });
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('A tag has at most 64 characters');
    expect(input).toHaveValue('much-too-long-a-tag');
    expect(within(await tagList()).getAllByRole('listitem')).toHaveLength(2);
  });

  it('shows a viewer the chips without × buttons or the field to add one', async () => {
    const { onFilterTag } = renderDetail(false);
    const list = await tagList();
    expect(within(list).queryByRole('button', { name: /^Remove/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox')).not.toBeInTheDocument();
    await userEvent.click(within(list).getByRole('button', { name: 'boats' }));
    expect(onFilterTag).toHaveBeenCalledWith('boats');
  });

  it('says when there are no tags', async () => {
    stored = { ...stored, tags: [] };
    renderDetail(false);
    expect(await screen.findByText('No tags yet.')).toBeInTheDocument();
  });

  it('takes tags changed in another tab from asset_update', async () => {
    renderDetail(true, openFakeLiveConnection());
    await tagList();
    serverSends({ type: 'asset_update', seq: 4, data: { asset_id: 3, tags: ['night'] } });
    expect(within(await tagList()).getByRole('button', { name: 'night' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'boats' })).not.toBeInTheDocument();
  });
});
