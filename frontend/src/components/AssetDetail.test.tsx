import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, makeAsset } from '../test/fakes';
import { AssetDetail } from './AssetDetail';

let calls: string[];

beforeEach(() => {
  calls = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      calls.push(`${method} ${input instanceof Request ? input.url : input.toString()}`);
      if (method === 'DELETE') {
        return Promise.resolve(jsonResponse({ error: 'The asset is locked', timestamp: 't', context: {} }, 409, 'Conflict'));
      }
      if (method === 'POST') {
        const processing = { stage: null, progress: 0, error: null };
        const pending = makeAsset({ id: 3, title: 'Harbour', status: 'pending', processing });
        return Promise.resolve(jsonResponse(pending, 202, 'Accepted'));
      }
      return Promise.resolve(jsonResponse(makeAsset({ id: 3, title: 'Harbour' })));
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function renderDetail() {
  const props = { onClose: vi.fn(), onChanged: vi.fn(), onDeleted: vi.fn() };
  render(<AssetDetail assetId={3} connection={null} {...props} />);
  return props;
}

describe('AssetDetail', () => {
  it('closes only the confirmation on Escape, keeping the asset open', async () => {
    const { onClose } = renderDetail();
    const detail = await screen.findByRole('dialog', { name: 'Harbour' });
    await userEvent.click(within(detail).getByRole('button', { name: 'Delete' }));
    expect(screen.getByRole('alertdialog')).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog', { name: 'Harbour' })).toBeInTheDocument();
  });

  it('shows a failed delete in the confirmation, and keeps the asset', async () => {
    const { onDeleted } = renderDetail();
    const detail = await screen.findByRole('dialog', { name: 'Harbour' });
    await userEvent.click(within(detail).getByRole('button', { name: 'Delete' }));
    const confirm = screen.getByRole('alertdialog');
    await userEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    expect(await within(confirm).findByRole('alert')).toHaveTextContent('The asset is locked');
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(onDeleted).not.toHaveBeenCalled();
    expect(calls).toContain('DELETE /api/v1/assets/3');
  });

  it('shows the reprocessed asset as pending and tells the library', async () => {
    const { onChanged } = renderDetail();
    const detail = await screen.findByRole('dialog', { name: 'Harbour' });
    expect(within(detail).getByText('Ready')).toBeInTheDocument();
    await userEvent.click(within(detail).getByRole('button', { name: 'Reprocess' }));
    expect(await within(detail).findByText('Pending')).toBeInTheDocument();
    expect(within(detail).getByRole('progressbar', { name: 'Processing Harbour' })).toBeInTheDocument();
    expect(onChanged).toHaveBeenCalledWith(expect.objectContaining({ id: 3, status: 'pending' }));
  });
});
