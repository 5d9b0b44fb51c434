import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { applyAssetChange } from '../services/assetUpdates';
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

  it('in the justified grid, is as wide as it is given and shows the blurhash until its picture, at the picture’s own shape, has loaded', () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(
      () =>
        ({
          createImageData: (width: number, height: number) => ({ data: new Uint8ClampedArray(width * height * 4) }),
          putImageData: vi.fn(),
        }) as unknown as CanvasRenderingContext2D,
    );
    vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockReturnValue('data:image/png;base64,CARD');
    const media_metadata = {
      width: 3000,
      height: 4000,
      thumbnail_url: '/thumbnails/7.jpg',
      thumbnail_width: 240,
      thumbnail_height: 320,
      blurhash: 'L^G;#w6;Ws$0o3a~fQjsfQfQfQfQ',
    };
    render(
      <ul>
        <AssetCard asset={makeAsset({ id: 7, title: 'Tower', media_metadata })} onOpen={vi.fn()} width={135} pictureHeight={180} />
      </ul>,
    );
    const card = screen.getByRole('listitem');
    expect(card).toHaveClass('card--justified');
    expect(card.style.width).toBe('135px');
    expect(card.style.getPropertyValue('--card-picture-height')).toBe('180px');
    const placeholder = screen.getByTestId('thumbnail-placeholder');
    expect(placeholder.parentElement?.style.backgroundImage).toBe('url("data:image/png;base64,CARD")');
    const img = screen.getByRole('img', { name: 'Thumbnail of Tower' });
    expect(img.style.aspectRatio).toBe('0.75');
    fireEvent.load(img);
    expect(img).toHaveClass('thumb__img--loaded');
    expect(screen.queryByTestId('thumbnail-placeholder')).not.toBeInTheDocument();
    vi.restoreAllMocks();
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

  it('shows its first three tags as chips and counts the rest', () => {
    renderCard(makeAsset({ tags: ['beach', 'family', 'Lisbon', 'summer', 'tram'] }));
    const chips = screen.getByRole('list', { name: 'Tags of Beach' });
    expect(within(chips).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'beach',
      'family',
      'Lisbon',
      '+2 more',
    ]);
    expect(within(chips).getByText('+2').closest('li')).toHaveAttribute('title', 'summer, tram');
  });

  it('shows no tag list for an untagged asset', () => {
    renderCard();
    expect(screen.queryByRole('list', { name: 'Tags of Beach' })).not.toBeInTheDocument();
  });

  it('filters by a tag clicked on the card without opening the asset', async () => {
    const onOpen = vi.fn();
    const onFilterTag = vi.fn();
    render(
      <ul>
        <AssetCard asset={makeAsset({ tags: ['beach'] })} onOpen={onOpen} onFilterTag={onFilterTag} />
      </ul>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'beach' }));
    expect(onFilterTag).toHaveBeenCalledWith('beach');
    expect(onOpen).not.toHaveBeenCalled();
  });
});

describe('AssetCard stage and selection', () => {
  it('says "Not queued" for an asset registered without processing, with no progress bar', () => {
    renderCard(makeAsset({ status: 'pending', processing: { stage: 'not_queued', progress: 0, error: null } }));
    expect(screen.getByText('Not queued')).toBeInTheDocument();
    expect(screen.queryByText('not_queued')).not.toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('has a checkbox only where selecting is offered, and tells whether shift was held', () => {
    const onSelect = vi.fn();
    const { rerender } = render(
      <ul>
        <AssetCard asset={makeAsset({ id: 4 })} onOpen={vi.fn()} />
      </ul>,
    );
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    rerender(
      <ul>
        <AssetCard asset={makeAsset({ id: 4 })} onOpen={vi.fn()} onSelect={onSelect} selected={false} />
      </ul>,
    );
    const box = screen.getByRole('checkbox', { name: 'Select Beach' });
    fireEvent.click(box);
    fireEvent.click(box, { shiftKey: true });
    expect(onSelect.mock.calls).toEqual([
      [4, false],
      [4, true],
    ]);
  });
});

describe('AssetCard missing file', () => {
  it('shows "Missing" while the watcher finds the file gone, and drops it when an update says it is back', () => {
    const gone = makeAsset({ missing_since: '2026-03-01T08:30:00Z' });
    const { rerender } = render(
      <ul>
        <AssetCard asset={gone} onOpen={vi.fn()} />
      </ul>,
    );
    const badge = screen.getByText('Missing');
    expect(badge).toHaveClass('badge--missing');
    expect(badge.getAttribute('title')).toMatch(/^File not found since /);
    expect(screen.getByRole('button', { name: 'Beach, image, ready, file missing. Open details' })).toBeInTheDocument();
    expect(screen.getByText('Ready')).toBeInTheDocument(); // its record, thumbnail and status are kept

    // The live asset_update the watcher sends when the file is back.
    rerender(
      <ul>
        <AssetCard asset={applyAssetChange(gone, { asset_id: 1, missing_since: null })} onOpen={vi.fn()} />
      </ul>,
    );
    expect(screen.queryByText('Missing')).not.toBeInTheDocument();
  });

  it('shows no badge for a present file or an older server that does not say', () => {
    renderCard(makeAsset({ missing_since: null }));
    expect(screen.queryByText('Missing')).not.toBeInTheDocument();
  });
});
