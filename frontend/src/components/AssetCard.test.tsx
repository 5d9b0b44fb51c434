import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { makeAsset } from '../test/fakes';
import { AssetCard } from './AssetCard';

function renderCard(asset = makeAsset(), onOpen = vi.fn()) {
  render(
    <ul>
      <AssetCard asset={asset} onOpen={onOpen} />
    </ul>,
  );
  return onOpen;
}

describe('AssetCard', () => {
  it('shows title, type, size, dimensions and the ready badge, without a progress bar', () => {
    renderCard();
    expect(screen.getByText('Beach')).toBeInTheDocument();
    expect(screen.getByText('image · 5.0 MB · 6000×4000')).toBeInTheDocument();
    expect(screen.getByText('Ready')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('shows live progress and the stage while processing', () => {
    renderCard(makeAsset({ status: 'processing', processing: { stage: 'thumbnail', progress: 40, error: null } }));
    const bar = screen.getByRole('progressbar', { name: 'Processing Beach' });
    expect(bar).toHaveAttribute('aria-valuenow', '40');
    expect(screen.getByText('Processing')).toBeInTheDocument();
    expect(screen.getByText('thumbnail')).toBeInTheDocument();
  });

  it('shows the failure reason on a failed asset', () => {
    renderCard(makeAsset({ status: 'failed', processing: { stage: 'metadata', progress: 10, error: 'ffprobe: invalid data' } }));
    expect(screen.getByText('Failed')).toBeInTheDocument();
    expect(screen.getByText('ffprobe: invalid data')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('shows a placeholder until there is a thumbnail, then fades the image in once loaded', () => {
    const { rerender } = render(
      <ul>
        <AssetCard asset={makeAsset({ status: 'pending', media_metadata: {} })} onOpen={vi.fn()} />
      </ul>,
    );
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.getByTestId('thumbnail-placeholder')).toBeInTheDocument();
    rerender(
      <ul>
        <AssetCard asset={makeAsset()} onOpen={vi.fn()} />
      </ul>,
    );
    const img = screen.getByRole('img', { name: 'Thumbnail of Beach' });
    expect(img).toHaveAttribute('src', '/thumbnails/1.jpg');
    expect(img).not.toHaveClass('thumb__img--loaded');
    fireEvent.load(img);
    expect(img).toHaveClass('thumb__img--loaded');
    expect(screen.queryByTestId('thumbnail-placeholder')).not.toBeInTheDocument();
  });

  it('video cards list the duration', () => {
    renderCard(makeAsset({ mime_type: 'video/mp4', file_size: 1024, media_metadata: { duration: 12.5 } }));
    expect(screen.getByText('video · 1.0 KB · 0:13')).toBeInTheDocument();
  });

  it('is a button that opens the asset from the keyboard', async () => {
    const onOpen = renderCard(makeAsset({ id: 42 }));
    await userEvent.tab();
    expect(screen.getByRole('button', { name: /Beach, image, ready/ })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(onOpen).toHaveBeenCalledWith(42);
  });
});
