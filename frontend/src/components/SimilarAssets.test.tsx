import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorResponse, jsonResponse, makeAsset, routeFetch } from '../test/fakes';
import { SimilarAssets } from './SimilarAssets';

afterEach(() => vi.unstubAllGlobals());

function serveSimilar(body: unknown) {
  return routeFetch({ 'GET /api/v1/assets/3/similar': () => jsonResponse(body) });
}

describe('similar assets ("Looks like")', () => {
  it('lists the near pictures nearest first, in words, each opening in the detail view', async () => {
    serveSimilar({
      asset_id: 3,
      hashed: true,
      max_distance: 10,
      items: [
        { distance: 1, asset: makeAsset({ id: 8, title: 'Beach small', media_metadata: { thumbnail_url: '/thumbnails/8.jpg' } }) },
        { distance: 9, asset: makeAsset({ id: 9, title: 'Beach cropped' }) },
      ],
    });
    const onOpen = vi.fn();
    render(<SimilarAssets assetId={3} onOpen={onOpen} />);
    const section = await screen.findByRole('region', { name: 'Looks like' });
    const [near, far] = within(section).getAllByRole('listitem');
    expect(near).toHaveTextContent('Beach small');
    expect(near).toHaveTextContent('almost the same');
    expect(near?.querySelector('img')).toHaveAttribute('src', '/thumbnails/8.jpg');
    expect(far).toHaveTextContent('Beach cropped');
    expect(far).toHaveTextContent('similar');
    expect(far).not.toHaveTextContent('almost the same');
    const link = within(section).getByRole('link', { name: /Beach cropped/ });
    expect(link).toHaveAttribute('href', '?asset=9');
    await userEvent.click(link);
    expect(onOpen).toHaveBeenCalledWith(9);
  });

  it('says "Not processed yet" until the asset has a picture hash', async () => {
    serveSimilar({ asset_id: 3, hashed: false, max_distance: 10, items: [] });
    render(<SimilarAssets assetId={3} />);
    const section = await screen.findByRole('region', { name: 'Looks like' });
    expect(section).toHaveTextContent('Not processed yet');
    expect(within(section).queryByRole('list')).not.toBeInTheDocument();
  });

  it('shows nothing when nothing looks alike', async () => {
    const calls = serveSimilar({ asset_id: 3, hashed: true, max_distance: 10, items: [] });
    const { container } = render(<SimilarAssets assetId={3} />);
    await waitFor(() => expect(calls).toHaveLength(1));
    // Let the answer land, then check that nothing was drawn.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(container).toBeEmptyDOMElement();
    expect(screen.queryByText('Looks like')).not.toBeInTheDocument();
  });

  it('says so when the similar assets cannot be read', async () => {
    routeFetch({ 'GET /api/v1/assets/3/similar': () => errorResponse(503, 'The database is busy') });
    render(<SimilarAssets assetId={3} />);
    expect(await screen.findByText(/Could not look for similar assets: The database is busy/)).toBeInTheDocument();
  });
});
