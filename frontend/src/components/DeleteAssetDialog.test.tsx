import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DeleteAssetDialog } from './DeleteAssetDialog';

function renderDialog(props: Partial<Parameters<typeof DeleteAssetDialog>[0]> = {}) {
  const onCancel = vi.fn();
  const onConfirm = vi.fn();
  render(
    <DeleteAssetDialog title="Harbour" deleting={false} error={null} onCancel={onCancel} onConfirm={onConfirm} {...props} />,
  );
  return { onCancel, onConfirm };
}

describe('DeleteAssetDialog', () => {
  it('asks by name, with "Keep it" focused, so Enter by reflex keeps the asset', async () => {
    const { onCancel, onConfirm } = renderDialog();
    const dialog = screen.getByRole('alertdialog', { name: 'Delete “Harbour”?' });
    expect(dialog).toHaveTextContent('The original file stays in the media folder.');
    expect(screen.getByRole('button', { name: 'Keep it' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('cancels with Escape', async () => {
    const { onCancel, onConfirm } = renderDialog();
    await userEvent.keyboard('{Escape}');
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('deletes only when "Delete" is pressed', async () => {
    const { onCancel, onConfirm } = renderDialog();
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(onCancel).not.toHaveBeenCalled();
  });

  it('cannot be confirmed twice while the delete is under way', async () => {
    const { onConfirm } = renderDialog({ deleting: true });
    const button = screen.getByRole('button', { name: 'Deleting…' });
    expect(button).toBeDisabled();
    await userEvent.click(button);
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('says why the delete failed', () => {
    renderDialog({ error: 'Asset not found' });
    expect(screen.getByRole('alert')).toHaveTextContent('Asset not found');
  });
});
