import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Asset } from '../services/api';
import { makeAsset } from '../test/fakes';
import { AssetPreview } from './AssetPreview';

function clip(overrides: Partial<Asset> = {}, media_metadata: Asset['media_metadata'] = {}): Asset {
  return makeAsset({
    id: 5,
    title: 'Clip',
    mime_type: 'video/mp4',
    ...overrides,
    media_metadata: { width: 1280, height: 720, thumbnail_url: '/thumbnails/5.jpg', ...media_metadata },
  });
}

describe('AssetPreview: pictures', () => {
  it('shows the sharp preview, with the thumbnail painted in its place until it has loaded', () => {
    const media_metadata = { width: 3000, height: 2000, thumbnail_url: '/thumbnails/4.jpg', preview_url: '/thumbnails/4-preview.webp' };
    render(<AssetPreview asset={makeAsset({ id: 4, title: 'Harbour', media_metadata })} />);
    const picture = screen.getByRole('img', { name: 'Preview of Harbour' });
    expect(picture).toHaveAttribute('src', '/thumbnails/4-preview.webp');
    // The space is the original's shape before anything has loaded.
    expect(picture).toHaveAttribute('width', '3000');
    expect(picture).toHaveAttribute('height', '2000');
    expect(picture.style.backgroundImage).toBe('url("/thumbnails/4.jpg")');
    fireEvent.load(picture);
    expect(picture.style.backgroundImage).toBe('');
    expect(screen.queryByLabelText('Video: Harbour')).not.toBeInTheDocument();
  });

  it('paints the blurhash in the picture’s place when there is no thumbnail yet', () => {
    const painted = { data: new Uint8ClampedArray(0) };
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(
      () =>
        ({
          createImageData: (width: number, height: number) => Object.assign(painted, { data: new Uint8ClampedArray(width * height * 4) }),
          putImageData: vi.fn(),
        }) as unknown as CanvasRenderingContext2D,
    );
    vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockReturnValue('data:image/png;base64,AAAA');
    const media_metadata = { width: 3000, height: 2000, preview_url: '/thumbnails/4-preview.webp', blurhash: 'L^G;#w6;Ws$0o3a~fQjsfQfQfQfQ' };
    render(<AssetPreview asset={makeAsset({ id: 4, title: 'Harbour', media_metadata })} />);
    expect(screen.getByRole('img', { name: 'Preview of Harbour' }).style.backgroundImage).toBe('url("data:image/png;base64,AAAA")');
    // Decoded at the picture's 3:2 shape, blue on the left as the encoded picture was.
    expect(painted.data.length).toBe(32 * 21 * 4);
    expect(painted.data[2]).toBeGreaterThan(painted.data[0] ?? 255);
  });

  it('shows the original when there is no preview (the original is no larger than one)', () => {
    render(<AssetPreview asset={makeAsset({ id: 8, title: 'Icon', media_metadata: { width: 64, height: 64, thumbnail_url: '/thumbnails/8.jpg' } })} />);
    expect(screen.getByRole('img', { name: 'Preview of Icon' })).toHaveAttribute('src', '/api/v1/assets/8/content');
  });

  it('zooms to the original at 100% on a click, and back to the fitted preview with the button', async () => {
    const media_metadata = { width: 3000, height: 2000, thumbnail_url: '/thumbnails/4.jpg', preview_url: '/thumbnails/4-preview.webp' };
    render(<AssetPreview asset={makeAsset({ id: 4, title: 'Harbour', media_metadata })} />);
    await userEvent.click(screen.getByRole('img', { name: 'Preview of Harbour' }));
    const original = screen.getByRole('img', { name: 'Preview of Harbour at full size' });
    expect(original).toHaveAttribute('src', '/api/v1/assets/4/content');
    expect(original).toHaveAttribute('width', '3000');
    // The preview stands in, stretched to full size, while the original loads.
    expect(original.style.backgroundImage).toBe('url("/thumbnails/4-preview.webp")');
    expect(screen.queryByRole('img', { name: 'Preview of Harbour' })).not.toBeInTheDocument();
    const button = screen.getByRole('button', { name: 'Fit to screen' });
    expect(button).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(button);
    expect(screen.getByRole('img', { name: 'Preview of Harbour' })).toHaveAttribute('src', '/thumbnails/4-preview.webp');
    await userEvent.click(screen.getByRole('button', { name: 'Zoom to 100%' }));
    expect(screen.getByRole('img', { name: 'Preview of Harbour at full size' })).toBeInTheDocument();
  });

  it('leaves the zoom on Escape, without closing anything else', async () => {
    const media_metadata = { width: 3000, height: 2000, preview_url: '/thumbnails/4-preview.webp' };
    const outside = vi.fn();
    render(
      <div onKeyDown={outside}>
        <AssetPreview asset={makeAsset({ id: 4, title: 'Harbour', media_metadata })} />
      </div>,
    );
    await userEvent.click(screen.getByRole('img', { name: 'Preview of Harbour' }));
    expect(screen.getByRole('group', { name: /at 100%/ })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(screen.getByRole('img', { name: 'Preview of Harbour' })).toBeInTheDocument();
    expect(outside).not.toHaveBeenCalled();
  });

  it('offers no zoom for a picture already shown at its own size', () => {
    render(<AssetPreview asset={makeAsset({ id: 9, title: 'Icon', media_metadata: { width: 64, height: 48 } })} />);
    const picture = screen.getByRole('img', { name: 'Preview of Icon' });
    Object.defineProperty(picture, 'clientWidth', { value: 64 });
    Object.defineProperty(picture, 'clientHeight', { value: 48 });
    expect(screen.getByRole('button', { name: 'Zoom to 100%' })).toBeInTheDocument();
    fireEvent.load(picture);
    expect(screen.queryByRole('button', { name: 'Zoom to 100%' })).not.toBeInTheDocument();
    fireEvent.click(picture);
    expect(screen.queryByRole('img', { name: /at full size/ })).not.toBeInTheDocument();
  });

  it('links to the original file in a new tab', () => {
    render(<AssetPreview asset={makeAsset({ id: 4 })} />);
    const link = screen.getByRole('link', { name: 'Open the original file' });
    expect(link).toHaveAttribute('href', '/api/v1/assets/4/content');
    expect(link).toHaveAttribute('target', '_blank');
  });
});

describe('AssetPreview: videos', () => {
  it('plays the original when the browser can, with the thumbnail as its poster', () => {
    render(<AssetPreview asset={clip({}, { browser_playable: true })} />);
    const video = screen.getByLabelText('Video: Clip');
    expect(video).toHaveAttribute('src', '/api/v1/assets/5/content');
    expect(video).toHaveAttribute('poster', '/thumbnails/5.jpg');
    expect(video).toHaveAttribute('controls');
  });

  it('plays the proxy when there is one, even for an original no browser can play', () => {
    render(<AssetPreview asset={clip({}, { browser_playable: false, proxy_url: '/thumbnails/ab/5-proxy.mp4' })} />);
    expect(screen.getByLabelText('Video: Clip')).toHaveAttribute('src', '/thumbnails/ab/5-proxy.mp4');
  });

  it('shows no dead player but why, and a download link, when nothing playable exists', () => {
    const { container } = render(<AssetPreview asset={clip({}, { browser_playable: false, renditions_missing: { proxy: 'ffmpeg ran out of time' } })} />);
    expect(container.querySelector('video')).toBeNull();
    expect(screen.getByText("This video's format cannot be played in the browser.")).toBeInTheDocument();
    expect(screen.getByText('A playable copy could not be made: ffmpeg ran out of time')).toBeInTheDocument();
    const download = screen.getByRole('link', { name: 'Download the original' });
    expect(download).toHaveAttribute('href', '/api/v1/assets/5/content');
    expect(download).toHaveAttribute('download');
  });

  it('says a playable copy is being made while the video is still processing', () => {
    const processing = { stage: 'proxy', progress: 40, error: null };
    const { container } = render(<AssetPreview asset={clip({ status: 'processing', processing }, { browser_playable: false })} />);
    expect(container.querySelector('video')).toBeNull();
    expect(screen.getByText(/A playable copy is being made/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download the original' })).toBeInTheDocument();
  });

  it('replaces the player with the message when the browser fails to play the file', () => {
    const { container } = render(<AssetPreview asset={clip()} />);
    const video = container.querySelector('video');
    expect(video).not.toBeNull();
    fireEvent.error(video as HTMLVideoElement);
    expect(container.querySelector('video')).toBeNull();
    expect(screen.getByText('This browser could not play the file.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download the original' })).toHaveAttribute('href', '/api/v1/assets/5/content');
  });

  it('treats a video whose picture the browser cannot decode (sound only) as not playable', () => {
    const { container } = render(<AssetPreview asset={clip()} />);
    const video = container.querySelector('video') as HTMLVideoElement;
    Object.defineProperty(video, 'videoWidth', { value: 0 });
    fireEvent.loadedMetadata(video);
    expect(container.querySelector('video')).toBeNull();
    expect(screen.getByRole('link', { name: 'Download the original' })).toBeInTheDocument();
  });
});
