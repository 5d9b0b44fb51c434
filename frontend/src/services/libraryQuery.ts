/** The library's place (page, filters, ordering, open asset) as it is written in the URL's query string. */
import {
  ASSET_STATUSES,
  DEFAULT_ORDERING,
  MEDIA_TYPES,
  ORDERINGS,
  type AssetStatus,
  type MediaType,
  type Ordering,
} from '../contract';

export interface LibraryQuery {
  page: number;
  type: MediaType | '';
  status: AssetStatus | '';
  q: string;
  ordering: Ordering;
  /** The asset open in the detail view, if any. */
  asset: number | null;
}

export const DEFAULT_QUERY: LibraryQuery = {
  page: 1,
  type: '',
  status: '',
  q: '',
  ordering: DEFAULT_ORDERING,
  asset: null,
};

function oneOf<T extends string>(allowed: readonly T[], value: string | null): T | undefined {
  return allowed.find((candidate) => candidate === value);
}

function positiveInt(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  const parsed = Number(value);
  return parsed >= 1 && Number.isSafeInteger(parsed) ? parsed : null;
}

/** Reads a query string; anything unknown or malformed falls back to the default rather than failing. */
export function parseLibraryQuery(search: string): LibraryQuery {
  const params = new URLSearchParams(search);
  return {
    page: positiveInt(params.get('page')) ?? 1,
    type: oneOf(MEDIA_TYPES, params.get('type')) ?? '',
    status: oneOf(ASSET_STATUSES, params.get('status')) ?? '',
    q: params.get('q') ?? '',
    ordering: oneOf(ORDERINGS, params.get('ordering')) ?? DEFAULT_ORDERING,
    asset: positiveInt(params.get('asset')),
  };
}

/** Writes only what differs from the defaults, so a plain library URL stays plain. */
export function serializeLibraryQuery(query: LibraryQuery): string {
  const params = new URLSearchParams();
  if (query.page !== 1) params.set('page', String(query.page));
  if (query.type) params.set('type', query.type);
  if (query.status) params.set('status', query.status);
  if (query.q) params.set('q', query.q);
  if (query.ordering !== DEFAULT_ORDERING) params.set('ordering', query.ordering);
  if (query.asset !== null) params.set('asset', String(query.asset));
  const text = params.toString();
  return text ? `?${text}` : '';
}
