import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorResponse, jsonResponse, makeAsset, routeFetch } from '../test/fakes';
import { ApiError, onSessionExpired } from './api';
import {
  deleteOthers,
  duplicatesQuery,
  getSimilarAssets,
  listDuplicateGroups,
  othersThan,
  similarityWording,
  type DuplicateGroup,
} from './duplicates';

afterEach(() => vi.unstubAllGlobals());

const group: DuplicateGroup = {
  kind: 'exact',
  assets: [makeAsset({ id: 3 }), makeAsset({ id: 7 }), makeAsset({ id: 9 })],
};

describe('duplicates service', () => {
  it('asks for max_distance only with similar, and a page only past the first', () => {
    expect(duplicatesQuery({ kind: 'exact', maxDistance: 5, page: 1 })).toBe('?kind=exact');
    expect(duplicatesQuery({ kind: 'similar', maxDistance: 5 })).toBe('?kind=similar&max_distance=5');
    expect(duplicatesQuery({ kind: 'similar', maxDistance: 0, page: 3 })).toBe('?kind=similar&max_distance=0&page=3');
  });

  it('deletes every asset of the group but the one kept, in one bulk request', async () => {
    const calls = routeFetch({ 'POST /api/v1/assets/bulk': () => jsonResponse({ matched: 2, changed: 2 }) });
    expect(othersThan(group, 7)).toEqual([3, 9]);
    await expect(deleteOthers(group, 3)).resolves.toEqual({ matched: 2, changed: 2 });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).toEqual({ ids: [7, 9], action: 'delete' });
  });

  it('reads the groups and an asset’s similar assets', async () => {
    const calls = routeFetch({
      'GET /api/v1/duplicates': () => jsonResponse({ items: [group], meta: { page: 1, page_size: 20, total: 1, pages: 1 } }),
      'GET /api/v1/assets/3/similar': () =>
        jsonResponse({ asset_id: 3, hashed: true, max_distance: 10, items: [{ distance: 2, asset: makeAsset({ id: 7 }) }] }),
    });
    expect((await listDuplicateGroups({ kind: 'similar', maxDistance: 3 })).items[0]?.assets.map((a) => a.id)).toEqual([3, 7, 9]);
    expect(calls[0]?.url).toBe('/api/v1/duplicates?kind=similar&max_distance=3');
    expect(calls[0]?.credentials).toBe('same-origin');
    expect((await getSimilarAssets(3)).items[0]?.distance).toBe(2);
  });

  it('turns a refusal into an ApiError in the server’s words, and a 401 into an ended session', async () => {
    routeFetch({
      'GET /api/v1/duplicates': () => errorResponse(400, 'max_distance must be a whole number from 0 to 8'),
      'GET /api/v1/assets/3/similar': () => errorResponse(401, 'Not signed in'),
    });
    const error = await listDuplicateGroups({ kind: 'similar', maxDistance: 9 }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('max_distance must be a whole number from 0 to 8');
    expect((error as ApiError).status).toBe(400);

    const ended = vi.fn();
    const stop = onSessionExpired(ended);
    await expect(getSimilarAssets(3)).rejects.toThrow('Not signed in');
    stop();
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('says the distance in words', () => {
    expect(similarityWording(0)).toBe('almost the same');
    expect(similarityWording(4)).toBe('almost the same');
    expect(similarityWording(5)).toBe('similar');
    expect(similarityWording(10)).toBe('similar');
  });
});
