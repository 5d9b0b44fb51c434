/**
 * The app's place (the view; the library's filters, ordering, open asset) as written in the URL's
 * query string. The library scrolls through its pages by cursor, so no page number is kept: an
 * old link's `?page=` is read as the start of the list.
 */
import {
  ASSET_STATUSES,
  DEFAULT_ORDERING,
  MAX_CAMERA_CHARS,
  MAX_CAMERAS,
  MAX_PIXELS_EDGE,
  MAX_TAG_CHARS,
  MEDIA_TYPES,
  ORDERINGS,
  ORIENTATIONS,
  type AssetStatus,
  type MediaType,
  type Ordering,
  type Orientation,
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
  /** Only assets from one of these cameras ("Make Model" as the facets list them, any case): `camera=`, repeated. */
  cameras: readonly string[];
  /** Taken at or after / at or before (`taken_after` / `taken_before`, ISO 8601); '' for no bound. A year of the facets sets both. */
  takenAfter: string;
  takenBefore: string;
  /** At least this many pixels wide / high (`min_width` / `min_height`). */
  minWidth: number | null;
  minHeight: number | null;
  /** Lasting at least / at most this many seconds (`min_duration` / `max_duration`): videos and animations. */
  minDuration: number | null;
  maxDuration: number | null;
  orientation: Orientation | '';
  /** Videos with a sound track (true) or without (false); null: any asset (`has_audio`). */
  hasAudio: boolean | null;
  ordering: Ordering;
  /** The asset open in the detail view, if any. */
  asset: number | null;
}

/** The parts of the place that narrow the library. */
export type LibraryFilterKey =
  | 'type'
  | 'status'
  | 'q'
  | 'tags'
  | 'duplicates'
  | 'collection'
  | MediaFilterKey
  | 'takenAfter'
  | 'takenBefore';

/** The filters on what processing found in a file (its camera, size, length, shape and sound). */
export type MediaFilterKey = 'cameras' | 'minWidth' | 'minHeight' | 'minDuration' | 'maxDuration' | 'orientation' | 'hasAudio';

export const DEFAULT_QUERY: LibraryQuery = {
  view: 'library',
  type: '',
  status: '',
  q: '',
  tags: [],
  duplicates: false,
  collection: null,
  cameras: [],
  takenAfter: '',
  takenBefore: '',
  minWidth: null,
  minHeight: null,
  minDuration: null,
  maxDuration: null,
  orientation: '',
  hasAudio: null,
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

/** A whole number from 0 to `max`, or null (absent, malformed, out of range). */
export function wholeNumber(value: string | null, max = MAX_PIXELS_EDGE): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  const parsed = Number(value);
  return parsed <= max ? parsed : null;
}

/** A number of seconds (fractions allowed) of at least 0, or null. */
export function seconds(value: string | null): number | null {
  if (value === null || !/^\d+(\.\d+)?$|^\.\d+$/.test(value.trim())) return null;
  const parsed = Number(value.trim());
  return Number.isFinite(parsed) ? parsed : null;
}

/** An ISO 8601 time with a zone, as the API takes for taken_after / taken_before; '' otherwise. */
function isoTime(value: string | null): string {
  if (value === null) return '';
  const valid = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d)$/.test(value) && !Number.isNaN(Date.parse(value));
  return valid ? value : '';
}

/** The taken range of one year (UTC, as the year facet counts): what a click on a year filters by. */
export function yearRange(year: number): Pick<LibraryQuery, 'takenAfter' | 'takenBefore'> {
  const padded = String(year).padStart(4, '0');
  return { takenAfter: `${padded}-01-01T00:00:00Z`, takenBefore: `${padded}-12-31T23:59:59.999999Z` };
}

/** The year a taken range covers exactly (as `yearRange` writes it), or null for any other range. */
export function rangeYear(query: Pick<LibraryQuery, 'takenAfter' | 'takenBefore'>): number | null {
  const year = Number(query.takenAfter.slice(0, 4));
  if (!query.takenAfter || !Number.isInteger(year)) return null;
  const range = yearRange(year);
  return range.takenAfter === query.takenAfter && range.takenBefore === query.takenBefore ? year : null;
}

/** Camera names as a filter: trimmed, blanks and overlong ones dropped, each once whatever its case, at most MAX_CAMERAS. */
export function cleanCameraFilter(names: readonly string[]): string[] {
  const cameras: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    const known = cameras.some((camera) => camera.toLowerCase() === name.toLowerCase());
    if (name && name.length <= MAX_CAMERA_CHARS && !known && cameras.length < MAX_CAMERAS) cameras.push(name);
  }
  return cameras;
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
    cameras: cleanCameraFilter(params.getAll('camera')),
    takenAfter: isoTime(params.get('taken_after')),
    takenBefore: isoTime(params.get('taken_before')),
    minWidth: wholeNumber(params.get('min_width')),
    minHeight: wholeNumber(params.get('min_height')),
    minDuration: seconds(params.get('min_duration')),
    maxDuration: seconds(params.get('max_duration')),
    orientation: oneOf(ORIENTATIONS, params.get('orientation')) ?? '',
    hasAudio: params.get('has_audio') === 'true' ? true : params.get('has_audio') === 'false' ? false : null,
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
  for (const camera of query.cameras) params.append('camera', camera);
  if (query.takenAfter) params.set('taken_after', query.takenAfter);
  if (query.takenBefore) params.set('taken_before', query.takenBefore);
  if (query.minWidth !== null) params.set('min_width', String(query.minWidth));
  if (query.minHeight !== null) params.set('min_height', String(query.minHeight));
  if (query.minDuration !== null) params.set('min_duration', String(query.minDuration));
  if (query.maxDuration !== null) params.set('max_duration', String(query.maxDuration));
  if (query.orientation) params.set('orientation', query.orientation);
  if (query.hasAudio !== null) params.set('has_audio', String(query.hasAudio));
  if (query.ordering !== defaultOrdering(query.q)) params.set('ordering', query.ordering);
  if (query.asset !== null) params.set('asset', String(query.asset));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Whether any filter on what processing found (camera, size, length, shape, sound) is set. */
export function hasMediaFilter(query: Pick<LibraryQuery, MediaFilterKey>): boolean {
  return (
    query.cameras.length > 0 ||
    query.minWidth !== null ||
    query.minHeight !== null ||
    query.minDuration !== null ||
    query.maxDuration !== null ||
    query.orientation !== '' ||
    query.hasAudio !== null
  );
}

/** Whether the place narrows the library at all (ordering aside). */
export function isFiltered(query: Pick<LibraryQuery, LibraryFilterKey>): boolean {
  return Boolean(
    query.type ||
      query.status ||
      query.q.trim() ||
      query.tags.length > 0 ||
      query.duplicates ||
      query.collection !== null ||
      query.takenAfter ||
      query.takenBefore ||
      hasMediaFilter(query),
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
  cameras: DEFAULT_QUERY.cameras,
  takenAfter: DEFAULT_QUERY.takenAfter,
  takenBefore: DEFAULT_QUERY.takenBefore,
  minWidth: DEFAULT_QUERY.minWidth,
  minHeight: DEFAULT_QUERY.minHeight,
  minDuration: DEFAULT_QUERY.minDuration,
  maxDuration: DEFAULT_QUERY.maxDuration,
  orientation: DEFAULT_QUERY.orientation,
  hasAudio: DEFAULT_QUERY.hasAudio,
};
