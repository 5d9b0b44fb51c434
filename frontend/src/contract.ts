/** The numbers and names this UI shares with the server (CONTRACT.md), defined once and imported. */

export const API_PREFIX = '/api/v1';
export const WEBSOCKET_PATH = '/ws';

/** The list's page size: the server's default, and what the library view asks for. */
export const PAGE_SIZE = 20;

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

export const ASSET_STATUSES = ['pending', 'processing', 'ready', 'failed'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export const MEDIA_TYPES = ['image', 'video'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export const ORDERINGS = ['-created_at', 'created_at', 'title', '-title', 'file_size', '-file_size'] as const;
export type Ordering = (typeof ORDERINGS)[number];
export const DEFAULT_ORDERING: Ordering = '-created_at';

/** Supported files (CONTRACT.md section 2), as the file picker's accept list. */
export const SUPPORTED_EXTENSIONS = ['.mp4', '.mov', '.avi', '.jpg', '.jpeg', '.png', '.gif'] as const;
export const UPLOAD_ACCEPT = [
  ...SUPPORTED_EXTENSIONS,
  'video/mp4',
  'video/quicktime',
  'video/x-msvideo',
  'image/jpeg',
  'image/png',
  'image/gif',
].join(',');
