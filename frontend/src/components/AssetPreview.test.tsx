import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fakes';
import { AssetPreview } from './AssetPreview';

describe('AssetPreview', () => {
  it('shows a picture large, preferring the preview to the thumbnail', () => {
    const media_metadata = { thumbnail_url: '/thumbnails/4.jpg', preview_url: '/thumbnails/4-large.jpg' };
    render(<AssetPreview asset={makeAsset({ id: 4, title: 'Harbour', media_metadata })} />);
    expect(screen.getByRole('img', { name: 'Preview of Harbour' })).toHaveAttribute('src', '/thumbnails/4-large.jpg');
    expect(screen.queryByLabelText('Video: Harbour')).not.toBeInTheDocument();
  });

  it('plays a video from the original file, with the thumbnail as its poster', () => {
    const media_metadata = { thumbnail_url: '/thumbnails/5.jpg' };
    const clip = makeAsset({ id: 5, title: 'Clip', mime_type: 'video/mp4', media_metadata });
    render(<AssetPreview asset={clip} />);
    const video = screen.getByLabelText('Video: Clip');
    expect(video).toHaveAttribute('src', '/api/v1/assets/5/content');
    expect(video).toHaveAttribute('poster', '/thumbnails/5.jpg');
    expect(video).toHaveAttribute('controls');
  });

  it('links to the original file in a new tab', () => {
    render(<AssetPreview asset={makeAsset({ id: 4 })} />);
    const link = screen.getByRole('link', { name: 'Open the original file' });
    expect(link).toHaveAttribute('href', '/api/v1/assets/4/content');
    expect(link).toHaveAttribute('target', '_blank');
  });
});
