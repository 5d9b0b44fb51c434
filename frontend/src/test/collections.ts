/** Collections as the server lists them, and a fake of its /collections endpoints, for the UI's tests. */
import type { Collection } from '../services/api';
import { errorResponse, jsonResponse, type RecordedCall } from './fakes';

export function makeCollection(overrides: Partial<Collection> = {}): Collection {
  return {
    id: 1,
    name: 'Lisbon',
    description: '',
    asset_count: 0,
    cover: null,
    created_at: '2026-03-01T10:00:00Z',
    updated_at: '2026-03-01T10:00:00Z',
    ...overrides,
  };
}

/** `GET /collections` (q: name contains, any case) and `POST /collections` over a list held here. */
export function collectionRoutes(held: Collection[]): Record<string, (call: RecordedCall) => Response> {
  return {
    'GET /api/v1/collections': (call) => {
      const q = new URL(call.url, 'http://test').searchParams.get('q')?.toLowerCase() ?? '';
      const items = held.filter((collection) => collection.name.toLowerCase().includes(q));
      return jsonResponse({
        items,
        meta: { page: 1, page_size: 60, total: items.length, pages: 1, total_estimated: false, next_cursor: null },
      });
    },
    'POST /api/v1/collections': (call) => {
      const body = call.body as { name: string; description: string };
      if (!body.name.trim()) return errorResponse(400, 'A collection needs a name', { fields: { name: body.name } });
      const made = makeCollection({ id: 100 + held.length, name: body.name, description: body.description });
      held.push(made);
      return jsonResponse(made, 201, 'Created');
    },
  };
}
