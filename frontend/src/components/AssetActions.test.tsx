import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { makeAsset } from '../test/fakes';
import { AssetActions } from './AssetActions';

function renderActions(props: Partial<Parameters<typeof AssetActions>[0]> = {}) {
  const handlers = {
    onRename: vi.fn((_title: string) => Promise.resolve(true)),
    onReprocess: vi.fn(),
    onDelete: vi.fn(),
  };
  render(<AssetActions asset={makeAsset({ title: 'Harbour' })} busy={null} error={null} {...handlers} {...props} />);
  return handlers;
}

describe('AssetActions', () => {
  it('renames through a form that starts from the current title and closes once saved', async () => {
    const { onRename } = renderActions();
    await userEvent.click(screen.getByRole('button', { name: 'Rename' }));
    const field = screen.getByLabelText('New title');
    expect(field).toHaveValue('Harbour');
    expect(field).toHaveFocus();
    await userEvent.clear(field);
    await userEvent.type(field, '  Harbour at dusk {Enter}');
    expect(onRename).toHaveBeenCalledWith('Harbour at dusk');
    expect(await screen.findByRole('button', { name: 'Rename' })).toBeInTheDocument();
    expect(screen.queryByLabelText('New title')).not.toBeInTheDocument();
  });

  it('keeps the form and the typed title when the rename fails', async () => {
    renderActions({ onRename: vi.fn(() => Promise.resolve(false)) });
    await userEvent.click(screen.getByRole('button', { name: 'Rename' }));
    await userEvent.type(screen.getByLabelText('New title'), ' 2{Enter}');
    expect(screen.getByLabelText('New title')).toHaveValue('Harbour 2');
  });

  it('will not save an empty title, and Cancel leaves the title alone', async () => {
    const { onRename } = renderActions();
    await userEvent.click(screen.getByRole('button', { name: 'Rename' }));
    await userEvent.clear(screen.getByLabelText('New title'));
    await userEvent.type(screen.getByLabelText('New title'), '   ');
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onRename).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Rename' })).toBeInTheDocument();
  });

  it('reprocesses and asks to delete', async () => {
    const { onReprocess, onDelete } = renderActions();
    await userEvent.click(screen.getByRole('button', { name: 'Reprocess' }));
    expect(onReprocess).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(onDelete).toHaveBeenCalledTimes(1);
  });

  it('holds every button while an action runs, and says which', () => {
    renderActions({ busy: 'reprocess' });
    expect(screen.getByRole('button', { name: 'Rename' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Reprocessing…' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled();
  });

  it('shows why the last action failed', () => {
    renderActions({ error: 'The asset is being processed' });
    expect(screen.getByRole('alert')).toHaveTextContent('The asset is being processed');
  });
});
