import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, makeAsset } from '../test/fakes';
import {
  ApiError,
  buildQuery,
  createToken,
  createUser,
  csrfToken,
  deleteAsset,
  fieldErrors,
  getCurrentUser,
  onSessionExpired,
  parseRetryAfter,
  revokeToken,
  signIn,
  signOut,
  updateUser,
  errorFromResponse,
  getAsset,
  healthProcessing,
  listAssets,
  registerPath,
  renameAsset,
  setAssetTags,
  suggestTags,
  reprocessAsset,
  getUploadStatus,
} from './api';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function lastCall(): { url: string; init: RequestInit } {
  const call = fetchMock.mock.calls[fetchMock.mock.calls.length - 1];
  if (!call) throw new Error('fetch was not called');
  const input = call[0];
  return { url: input instanceof Request ? input.url : input.toString(), init: call[1] ?? {} };
}

describe('buildQuery', () => {
  it('writes only the parameters that are set, trimming the search', () => {
    expect(buildQuery({})).toBe('');
    expect(buildQuery({ page: 2, page_size: 20, type: 'video', status: '', q: '  beach ', ordering: '-file_size' })).toBe(
      '?page=2&page_size=20&type=video&q=beach&ordering=-file_size',
    );
  });

  it('encodes search text', () => {
    expect(buildQuery({ q: 'a&b c' })).toBe('?q=a%26b+c');
  });

  it('sends a cursor with the same filters and ordering, and never a page beside it (a 400)', () => {
    expect(buildQuery({ cursor: 'eyJ2Ijpb+/=', page: 3, page_size: 60, type: 'image', ordering: 'title' })).toBe(
      '?cursor=eyJ2Ijpb%2B%2F%3D&page_size=60&type=image&ordering=title',
    );
  });
});

describe('buildQuery with tags', () => {
  it('sends each tag as its own tag= parameter, with a cursor too', () => {
    expect(buildQuery({ q: 'rome', tags: ['beach', 'Sunset & sea'] })).toBe('?q=rome&tag=beach&tag=Sunset+%26+sea');
    expect(buildQuery({ cursor: 'c60', tags: ['beach'] })).toBe('?cursor=c60&tag=beach');
    expect(buildQuery({ tags: [] })).toBe('');
  });
});

describe('requests', () => {
  it('lists assets from /api/v1/assets with the query', async () => {
    const body = {
      items: [makeAsset()],
      meta: { page: 1, page_size: 20, total: 1, pages: 1, total_estimated: false, next_cursor: null },
    };
    fetchMock.mockResolvedValue(jsonResponse(body));
    await expect(listAssets({ page: 1, page_size: 20, status: 'failed' })).resolves.toEqual(body);
    expect(lastCall().url).toBe('/api/v1/assets?page=1&page_size=20&status=failed');
    expect(lastCall().init.method).toBe('GET');
  });

  it('registers a path with a JSON body and omits an empty title', async () => {
    fetchMock.mockImplementation(() => Promise.resolve(jsonResponse(makeAsset(), 201, 'Created')));
    await registerPath('holiday/beach.jpg', '  ');
    const { url, init } = lastCall();
    expect(url).toBe('/api/v1/assets');
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body as string)).toEqual({ file_path: 'holiday/beach.jpg' });
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    await registerPath('a.png', 'Sunset');
    expect(JSON.parse(lastCall().init.body as string)).toEqual({ file_path: 'a.png', title: 'Sunset' });
  });

  it('replaces the tags with PATCH and the whole list, and asks for suggestions by prefix', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(makeAsset({ tags: ['beach', 'sunset'] })));
    await expect(setAssetTags(3, ['sunset', 'beach'])).resolves.toMatchObject({ tags: ['beach', 'sunset'] });
    expect(lastCall()).toMatchObject({
      url: '/api/v1/assets/3',
      init: { method: 'PATCH', body: '{"tags":["sunset","beach"]}' },
    });

    const items = [{ name: 'beach', asset_count: 12 }];
    fetchMock.mockResolvedValueOnce(jsonResponse({ items, meta: { page: 1, page_size: 8, total: 1, pages: 1 } }));
    await expect(suggestTags('be ach', 8)).resolves.toEqual(items);
    expect(lastCall().url).toBe('/api/v1/tags?q=be+ach&page_size=8');
  });

  it('renames with PATCH, reprocesses with POST, deletes with DELETE', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(makeAsset({ title: 'New' })));
    await expect(renameAsset(3, 'New')).resolves.toMatchObject({ title: 'New' });
    expect(lastCall()).toMatchObject({ url: '/api/v1/assets/3', init: { method: 'PATCH', body: '{"title":"New"}' } });

    fetchMock.mockResolvedValueOnce(jsonResponse(makeAsset({ status: 'pending' }), 202, 'Accepted'));
    await expect(reprocessAsset(3)).resolves.toMatchObject({ status: 'pending' });
    expect(lastCall()).toMatchObject({ url: '/api/v1/assets/3/reprocess', init: { method: 'POST' } });

    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    await expect(deleteAsset(3)).resolves.toBeUndefined();
    expect(lastCall()).toMatchObject({ url: '/api/v1/assets/3', init: { method: 'DELETE' } });
  });

  it('throws the server error message, status and context as an ApiError', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(
        { error: 'File already registered', timestamp: '2026-01-01T00:00:00Z', context: { file_path: 'a.jpg', asset_id: 4 } },
        409,
        'Conflict',
      ),
    );
    const error = await registerPath('a.jpg').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      message: 'File already registered',
      status: 409,
      context: { file_path: 'a.jpg', asset_id: 4 },
      timestamp: '2026-01-01T00:00:00Z',
    });
  });

  it('turns a non-JSON error body into a readable ApiError without the markup', async () => {
    fetchMock.mockResolvedValue(new Response('<html><body>Bad Gateway</body></html>', { status: 502, statusText: 'Bad Gateway' }));
    const error = await getAsset(1).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(502);
    expect((error as ApiError).message).toBe('The server answered 502 Bad Gateway without an explanation.');
    expect((error as ApiError).message).not.toContain('<html>');
  });

  it('reports an unreachable server as status 0', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    const error = await getAsset(1).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ name: 'ApiError', status: 0 });
    expect((error as ApiError).message).toMatch(/could not reach/i);
  });

  it('treats a 503 health answer as a report, not an exception', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ queued: 3, workers: 0 }, 503, 'Service Unavailable'));
    await expect(healthProcessing()).resolves.toEqual({ ok: false, httpStatus: 503, body: { queued: 3, workers: 0 } });
    expect(lastCall().url).toBe('/api/v1/health/processing');
  });
});

describe('csrfToken', () => {
  it('reads Django\'s csrftoken cookie and sends it on unsafe requests only', async () => {
    expect(csrfToken('a=1; csrftoken=abc%3D; b=2')).toBe('abc=');
    expect(csrfToken('sessionid=x')).toBeNull();
    document.cookie = 'csrftoken=tok123';
    fetchMock.mockImplementation(() => Promise.resolve(jsonResponse(makeAsset())));
    await getAsset(1);
    expect((lastCall().init.headers as Record<string, string>)['X-CSRFToken']).toBeUndefined();
    await renameAsset(1, 'x');
    expect((lastCall().init.headers as Record<string, string>)['X-CSRFToken']).toBe('tok123');
    document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });
});

describe('the CSRF header on every change', () => {
  const setCookie = (value: string) => {
    document.cookie = `csrftoken=${value}`;
  };
  afterEach(() => {
    document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });

  it.each([
    ['register', () => registerPath('a.jpg')],
    ['rename', () => renameAsset(1, 'x')],
    ['reprocess', () => reprocessAsset(1)],
    ['delete', () => deleteAsset(1)],
    ['sign in', () => signIn('alice', 'pw')],
    ['sign out', () => signOut()],
    ['create a token', () => createToken('ci', 'read')],
    ['revoke a token', () => revokeToken(4)],
    ['create a user', () => createUser({ username: 'bob', password: 'pw', role: 'viewer' })],
    ['change a user', () => updateUser(2, { role: 'editor' })],
  ] as const)('%s sends the cookie’s current value, with the session cookie', async (_name, call) => {
    fetchMock.mockImplementation(() => Promise.resolve(jsonResponse({ id: 1, username: 'a', role: 'viewer' })));
    setCookie('first');
    await call();
    expect((lastCall().init.headers as Record<string, string>)['X-CSRFToken']).toBe('first');
    expect(lastCall().init.credentials).toBe('same-origin');
    // Django rotates the token at login: the next request must send the new one, not a cached copy.
    setCookie('rotated');
    await call();
    expect((lastCall().init.headers as Record<string, string>)['X-CSRFToken']).toBe('rotated');
  });
});

describe('an ended session', () => {
  it('is announced on a 401 from any request, but not from signing in or asking who is signed in', async () => {
    const expired = vi.fn();
    const stop = onSessionExpired(expired);
    fetchMock.mockImplementation(() =>
      Promise.resolve(jsonResponse({ error: 'Not signed in.', timestamp: 't', context: {} }, 401, 'Unauthorized')),
    );
    await expect(getCurrentUser()).rejects.toMatchObject({ status: 401 });
    await expect(signIn('alice', 'wrong')).rejects.toMatchObject({ status: 401, message: 'Not signed in.' });
    expect(expired).not.toHaveBeenCalled();
    await expect(listAssets({})).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledTimes(1);
    await expect(healthProcessing()).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledTimes(2);
    await expect(getUploadStatus('http://localhost/api/v1/uploads/abc')).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledTimes(3);
    stop();
    await expect(listAssets({})).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledTimes(3);
  });

  it('reads the signed-in user, taking an unknown role as the least one', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ id: 5, username: 'eve', role: 'superuser', auth_enabled: true }));
    await expect(getCurrentUser()).resolves.toEqual({ id: 5, username: 'eve', role: 'viewer', auth_enabled: true });
    fetchMock.mockResolvedValue(jsonResponse({ id: null, username: 'local', role: 'admin', auth_enabled: false }));
    await expect(getCurrentUser()).resolves.toEqual({ id: null, username: 'local', role: 'admin', auth_enabled: false });
  });
});

describe('refusals with details', () => {
  it('carries Retry-After from a 429', async () => {
    fetchMock.mockResolvedValue(
      new Response(JSON.stringify({ error: 'Slow down.', timestamp: 't', context: {} }), {
        status: 429,
        headers: { 'Retry-After': '12' },
      }),
    );
    await expect(signIn('a', 'b')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 12, message: 'Slow down.' });
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });

  it('reads the messages per field of a validation error', () => {
    const error = new ApiError('Invalid.', 400, {
      fields: { password: ['Too short.', 'Too common.'], username: ['Taken.'], role: 'viewer', is_active: false },
    });
    expect(fieldErrors(error)).toEqual({ password: 'Too short. Too common.', username: 'Taken.' });
    expect(fieldErrors(new ApiError('x', 400))).toEqual({});
    expect(fieldErrors(null)).toEqual({});
  });
});

describe('errorFromResponse', () => {
  it.each([
    ['an empty body', ''],
    ['JSON without an error field', '{"detail":"x"}'],
    ['a JSON array', '[1,2]'],
    ['plain text', 'Internal Server Error'],
  ])('falls back to the HTTP status for %s', (_label, body) => {
    const error = errorFromResponse(500, 'Internal Server Error', body);
    expect(error.message).toBe('The server answered 500 Internal Server Error without an explanation.');
    expect(error.context).toEqual({});
  });
});

describe('getUploadStatus', () => {
  it('asks the API for the upload the server named, by its path', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ offset: 10, length: 10, asset_id: 42 }));
    await expect(getUploadStatus('http://localhost:3000/api/v1/uploads/9f3a')).resolves.toEqual({
      offset: 10,
      length: 10,
      asset_id: 42,
    });
    expect(lastCall().url).toBe('/api/v1/uploads/9f3a');
    expect((lastCall().init.headers as Record<string, string>).Accept).toBe('application/json');
  });

  it('refuses an upload URL outside the API', async () => {
    await expect(getUploadStatus('/elsewhere/1')).rejects.toBeInstanceOf(ApiError);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
