/** The numbers and names this UI shares with the server (CONTRACT.md), defined once and imported. */

export const API_PREFIX = '/api/v1';
export const WEBSOCKET_PATH = '/ws';

/** The list's page size: the server's default, and the most a page may hold (more is a 400). */
export const PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/**
 * What the library asks for per page as it scrolls: a few screens of cards (fewer requests
 * through a 100,000-asset library), and a whole number of rows at 1 to 6 columns.
 */
export const LIBRARY_PAGE_SIZE = 60;

/** CONTRACT.md section 4: the client pings every 25 s; the server drops clients silent for 60 s. */
export const PING_INTERVAL_MS = 25_000;
/** No frame at all (not even a pong) for this long means the connection is dead though not closed. */
export const SILENCE_TIMEOUT_MS = 60_000;
/** Reconnect backoff: full jitter over a window that starts at 0.5 s and doubles up to 30 s. */
export const RECONNECT_BASE_MS = 500;
export const RECONNECT_MAX_MS = 30_000;
/** A connection that stayed up this long counts as healthy, so the next failure starts over at the base. */
export const STABLE_CONNECTION_MS = 10_000;

export const HEALTH_POLL_MS = 15_000;
export const SEARCH_DEBOUNCE_MS = 300;
/** Tag suggestions follow typing more closely than the library's search: they are one small query. */
export const TAG_SUGGEST_DEBOUNCE_MS = 200;
export const TAG_SUGGESTIONS = 8;
/** The server's limits on tags (assets/library/tags.py): it refuses more, and says why. */
export const MAX_TAG_CHARS = 64;
export const MAX_TAGS_PER_ASSET = 50;

export const ASSET_STATUSES = ['pending', 'processing', 'ready', 'failed'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export const MEDIA_TYPES = ['image', 'video', 'audio'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** The list's `orientation` filter: wider than high, higher than wide, as wide as high (as displayed). */
export const ORIENTATIONS = ['landscape', 'portrait', 'square'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];
/** The list's `camera` filter (assets/api/filters.py): at most this many at once, each a stored "Make Model" of at most this length. */
export const MAX_CAMERAS = 100;
export const MAX_CAMERA_CHARS = 120;
/** The largest `min_width` / `min_height` the server takes (its column's ceiling). */
export const MAX_PIXELS_EDGE = 2_147_483_647;

/** `relevance`: the best match to `q` first (the list's order while searching, else the default). */
export const ORDERINGS = [
  'relevance',
  '-created_at',
  'created_at',
  '-captured_at',
  'captured_at',
  'title',
  '-title',
  'file_size',
  '-file_size',
] as const;
export type Ordering = (typeof ORDERINGS)[number];
export const DEFAULT_ORDERING: Ordering = '-created_at';

/** Supported files (CONTRACT.md section 2), as the file picker's accept list. */
export const SUPPORTED_EXTENSIONS = [
  '.mp4',
  '.mov',
  '.avi',
  '.jpg',
  '.jpeg',
  '.png',
  '.gif',
  '.mp3',
  '.m4a',
  '.wav',
  '.flac',
  '.ogg',
  '.oga',
  '.opus',
] as const;
export const UPLOAD_ACCEPT = [
  ...SUPPORTED_EXTENSIONS,
  'video/mp4',
  'video/quicktime',
  'video/x-msvideo',
  'image/jpeg',
  'image/png',
  'image/gif',
  'audio/mpeg',
  'audio/mp4',
  'audio/wav',
  'audio/flac',
  'audio/ogg',
].join(',');

/** Issue 9: what each role may do is decided by the server; the UI only hides what would be refused. */
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** An API token reads, or reads and writes (never more than its owner's role allows). */
export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** While the live connection is down, how often to ask whether the session is still valid. */
export const SESSION_CHECK_MS = 15_000;

/**
 * Issue 9, uploads that cannot hurt the server: files go up by the tus 1.0 resumable protocol
 * (core, creation, termination) to this endpoint, in chunks well under the server's request cap
 * (8 MiB by default), so no request holds a whole file and a dropped connection loses one chunk.
 */
export const UPLOADS_ENDPOINT = `${API_PREFIX}/uploads`;
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;
/** Waits before each retry of a failed request; progress made in between starts the list over. */
export const UPLOAD_RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10000] as const;

/** Facet counts follow the filters once they have been still this long (one request per pause, not per change). */
export const FACETS_DEBOUNCE_MS = 250;
/** Values per open-ended facet (tags, cameras, years) the filter panel shows; the server sends up to 20. */
export const FACETS_SHOWN = 6;

/** The server's limits on a collection (assets/library/collections.py): it refuses more, and says why. */
export const MAX_COLLECTION_NAME_CHARS = 120;
export const MAX_COLLECTION_DESCRIPTION_CHARS = 2000;
/** Collections per request: the Collections page's pages and the picker's matches. */
export const COLLECTIONS_PAGE_SIZE = 60;
export const COLLECTION_PICKER_SIZE = 8;
