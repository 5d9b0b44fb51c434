import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fakes';
import { ApiError, type Asset, type ListParams, type ListResponse } from './api';
import { fetchAgain, type BatchApi } from './assetBatch';

/** created_at a given number of milliseconds into the day, in the API's format (microseconds, Z). */
function at(ms: number): string {
  return new Date(Date.UTC(2026, 0, 1) + ms).toISOString().replace('Z', '000Z');
}

/** The list API over an in-memory library (its range filters, created_at order, pages) and GET by id. */
function fakeApi(library: Asset[], options: { failLists?: boolean } = {}) {
  const lists: ListParams[] = [];
  const gets: number[] = [];
  const api: BatchApi = {
    list: (params: ListParams): Promise<ListResponse> => {
      lists.push(params);
      if (options.failLists) return Promise.reject(new ApiError('The database is unavailable.', 503));
      const inRange = library
        .filter((asset) => (!params.created_after || asset.created_at >= params.created_after))
        .filter((asset) => (!params.created_before || asset.created_at <= params.created_before))
        .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id));
      const size = params.page_size ?? 20;
      const items = inRange.slice(0, size);
      const meta = { page: 1, page_size: size, total: inRange.length, pages: 1, total_estimated: false, next_cursor: inRange.length > size ? 'more' : null };
      return Promise.resolve({ items, meta });
    },
    get: (id: number): Promise<Asset> => {
      gets.push(id);
      const asset = library.find((item) => item.id === id);
      return asset ? Promise.resolve(asset) : Promise.reject(new ApiError('Asset not found', 404));
    },
  };
  return { api, lists, gets };
}

const held = (asset: Asset): Asset => ({ ...asset, status: 'processing', media_metadata: {} });

describe('fetchAgain', () => {
  it('fetches a 300-file import finishing at once in three list requests and no single GET', async () => {
    const imported = Array.from({ length: 300 }, (_, n) => makeAsset({ id: n + 1, created_at: at(n) }));
    const { api, lists, gets } = fakeApi(imported);
    const { fresh, gone } = await fetchAgain(imported.map(held).reverse(), api);
    expect(lists).toHaveLength(3);
    expect(lists[0]).toEqual({ created_after: at(0), created_before: at(99), ordering: 'created_at', page_size: 100 });
    expect(gets).toEqual([]);
    expect(new Set(fresh.map((asset) => asset.id)).size).toBe(300);
    expect(fresh.every((asset) => asset.status === 'ready')).toBe(true);
    expect(gone).toEqual([]);
  });

  it('fetches one asset with one GET', async () => {
    const asset = makeAsset({ id: 4 });
    const { api, lists, gets } = fakeApi([asset]);
    expect(await fetchAgain([held(asset)], api)).toEqual({ fresh: [asset], gone: [] });
    expect(lists).toEqual([]);
    expect(gets).toEqual([4]);
  });

  it('splits a range crowded with other assets until each part fits, in a handful of requests', async () => {
    const library = Array.from({ length: 1000 }, (_, n) => makeAsset({ id: n + 1, created_at: at(n) }));
    const wanted = [library[0], library[250], library[600], library[999]].filter((asset): asset is Asset => !!asset);
    const { api, lists, gets } = fakeApi(library);
    const { fresh } = await fetchAgain(wanted.map(held), api);
    expect(wanted.every((asset) => fresh.some((item) => item.id === asset.id))).toBe(true);
    expect(lists.length + gets.length).toBeLessThanOrEqual(6);
  });

  it('reports assets deleted meanwhile as gone', async () => {
    const kept = makeAsset({ id: 1, created_at: at(0) });
    const deleted = makeAsset({ id: 2, created_at: at(1) });
    const { api, gets } = fakeApi([kept]);
    expect(await fetchAgain([held(kept), held(deleted)], api)).toEqual({ fresh: [kept], gone: [2] });
    expect(gets).toEqual([2]);
  });

  it('leaves the assets as they are when the server is away', async () => {
    const assets = [makeAsset({ id: 1, created_at: at(0) }), makeAsset({ id: 2, created_at: at(1) })];
    const { api, gets } = fakeApi(assets, { failLists: true });
    expect(await fetchAgain(assets.map(held), api)).toEqual({ fresh: [], gone: [] });
    expect(gets).toEqual([]);
  });
});
