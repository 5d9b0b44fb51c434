/**
 * The app's place (the view; the library's filters, ordering, open asset) as written in the URL's
 * query string. The library scrolls through its pages by cursor, so no page number is kept: an
 * old link's `?page=` is read as the start of the list.
 */
import {
  ASSET_STATUSES,
  DEFAULT_ORDERING,
  MAX_TAG_CHARS,
  MEDIA_TYPES,
  ORDERINGS,
  type AssetStatus,
  type MediaType,
  type Ordering,
} from '../contract';

/** The app's pages: the library, the collections, the duplicates review, the user's own API tokens, and (admins) the users. */
export const APP_VIEWS = ['library', 'collections', 'duplicates', 'tokens', 'users'] as const;
export type AppView = (typeof APP_VIEWS)[number];

export interface LibraryQuery {
  view: AppView;
  type: MediaType | '';
  status: AssetStatus | '';
  q: string;
  /** Only assets with every one of these tags (`tag=`, repeated), in the order they were chosen. */
  tags: readonly string[];
  /** Only assets whose bytes another asset has too (`duplicates=true`). */
  duplicates: boolean;
  /** Only the assets of this collection (`collection=<id>`): the collection opened. */
  collection: number | null;
  ordering: Ordering;
  /** The asset open in the detail view, if any. */
  asset: number | null;
}

/** The parts of the place that narrow the library. */
export type LibraryFilterKey = 'type' | 'status' | 'q' | 'tags' | 'duplicates' | 'collection';

export const DEFAULT_QUERY: LibraryQuery = {
  view: 'library',
  type: '',
  status: '',
  q: '',
  tags: [],
  duplicates: false,
  collection: null,
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

/**
 * Whether two tag names are the same tag: the server compares them case folded (Python's
 * casefold); lower and upper case together come close ("ß" and "SS" meet in upper case).
 */
export function sameTag(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();
}

/** Tag names as a filter: spaces collapsed, blanks and overlong names dropped, each tag once. */
export function cleanTagFilter(names: readonly string[]): string[] {
  const tags: string[] = [];
  for (const raw of names) {
    const name = raw.replace(/\s+/g, ' ').trim();
    if (name && name.length <= MAX_TAG_CHARS && !tags.some((tag) => sameTag(tag, name))) tags.push(name);
  }
  return tags;
}

/** The filter with one more tag (unchanged when it already holds that tag). */
export function withTag(tags: readonly string[], name: string): string[] {
  return cleanTagFilter([...tags, name]);
}

/** The order a list takes unless one is chosen: the best match while searching, else the newest first. */
export function defaultOrdering(q: string): Ordering {
  return q.trim() ? 'relevance' : DEFAULT_ORDERING;
}

/** Relevance means nothing without a search: then the list falls back to the default. */
function sensibleOrdering(ordering: Ordering, q: string): Ordering {
  return ordering === 'relevance' && !q.trim() ? DEFAULT_ORDERING : ordering;
}

/**
 * The place after a change. A new search keeps a chosen ordering, but an ordering left at its
 * default follows the search (best match while there is one, newest first once it is cleared).
 */
export function applyChange(current: LibraryQuery, change: Partial<LibraryQuery>): LibraryQuery {
  const next = { ...current, ...change };
  if (change.q !== undefined && change.ordering === undefined && current.ordering === defaultOrdering(current.q)) {
    next.ordering = defaultOrdering(next.q);
  }
  return { ...next, ordering: sensibleOrdering(next.ordering, next.q) };
}

/** Reads a query string; anything unknown or malformed falls back to the default rather than failing. */
export function parseLibraryQuery(search: string): LibraryQuery {
  const params = new URLSearchParams(search);
  const q = params.get('q') ?? '';
  return {
    view: oneOf(APP_VIEWS, params.get('view')) ?? 'library',
    type: oneOf(MEDIA_TYPES, params.get('type')) ?? '',
    status: oneOf(ASSET_STATUSES, params.get('status')) ?? '',
    q,
    tags: cleanTagFilter(params.getAll('tag')),
    duplicates: params.get('duplicates') === 'true',
    collection: positiveInt(params.get('collection')),
    ordering: sensibleOrdering(oneOf(ORDERINGS, params.get('ordering')) ?? defaultOrdering(q), q),
    asset: positiveInt(params.get('asset')),
  };
}

/** Writes only what differs from the defaults, so a plain library URL stays plain. */
export function serializeLibraryQuery(query: LibraryQuery): string {
  const params = new URLSearchParams();
  if (query.view !== 'library') params.set('view', query.view);
  if (query.type) params.set('type', query.type);
  if (query.status) params.set('status', query.status);
  if (query.q) params.set('q', query.q);
  for (const tag of query.tags) params.append('tag', tag);
  if (query.duplicates) params.set('duplicates', 'true');
  if (query.collection !== null) params.set('collection', String(query.collection));
  if (query.ordering !== defaultOrdering(query.q)) params.set('ordering', query.ordering);
  if (query.asset !== null) params.set('asset', String(query.asset));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Whether the place narrows the library at all (ordering aside). */
export function isFiltered(query: Pick<LibraryQuery, LibraryFilterKey>): boolean {
  return Boolean(
    query.type || query.status || query.q.trim() || query.tags.length > 0 || query.duplicates || query.collection !== null,
  );
}

/** The place with every filter cleared (ordering and the open asset aside). */
export const NO_FILTERS: Pick<LibraryQuery, LibraryFilterKey> = {
  type: DEFAULT_QUERY.type,
  status: DEFAULT_QUERY.status,
  q: DEFAULT_QUERY.q,
  tags: DEFAULT_QUERY.tags,
  duplicates: DEFAULT_QUERY.duplicates,
  collection: DEFAULT_QUERY.collection,
};
