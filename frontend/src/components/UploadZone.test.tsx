import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, type Asset, type UploadProgress } from '../services/api';
import { makeAsset } from '../test/fakes';
import { UploadZone } from './UploadZone';

describe('UploadZone', () => {
  it('uploads several files at once, each with its own progress and outcome', async () => {
    const pending = new Map<string, { progress: (p: UploadProgress) => void; resolve: (a: Asset) => void; reject: (e: unknown) => void }>();
    const upload = vi.fn((file: File, _title?: string, onProgress?: (p: UploadProgress) => void) =>
      new Promise<Asset>((resolve, reject) => {
        pending.set(file.name, { progress: onProgress ?? (() => undefined), resolve, reject });
      }),
    );
    const onUploaded = vi.fn();
    render(<UploadZone onUploaded={onUploaded} onOpen={vi.fn()} upload={upload} />);
    const picker = screen.getByLabelText('Choose files…');
    expect(picker).toHaveAttribute('multiple');
    expect(picker.getAttribute('accept')).toContain('.mp4');
    await userEvent.upload(picker, [new File(['a'], 'one.jpg', { type: 'image/jpeg' }), new File(['b'], 'two.mp4', { type: 'video/mp4' })]);
    expect(upload).toHaveBeenCalledTimes(2);

    act(() => pending.get('one.jpg')?.progress({ loaded: 1, total: 4, fraction: 0.25 }));
    act(() => pending.get('two.mp4')?.progress({ loaded: 3, total: 4, fraction: 0.75 }));
    expect(screen.getByRole('progressbar', { name: 'Uploading one.jpg' })).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByRole('progressbar', { name: 'Uploading two.mp4' })).toHaveAttribute('aria-valuenow', '75');

    const asset = makeAsset({ id: 5 });
    await act(async () => {
      pending.get('one.jpg')?.resolve(asset);
      await Promise.resolve();
    });
    await act(async () => {
      pending.get('two.mp4')?.reject(new ApiError('Unsupported file type', 415));
      await Promise.resolve();
    });

    expect(onUploaded).toHaveBeenCalledWith(asset);
    const items = within(screen.getByRole('list', { name: 'Uploads' })).getAllByRole('listitem');
    const two = items.find((item) => item.textContent?.includes('two.mp4'));
    const one = items.find((item) => item.textContent?.includes('one.jpg'));
    expect(within(two!).getByRole('alert')).toHaveTextContent('Unsupported file type');
    expect(within(one!).getByText(/Uploaded/)).toBeInTheDocument();
    expect(within(one!).queryByRole('alert')).not.toBeInTheDocument();
  });
});
