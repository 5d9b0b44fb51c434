import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, makeAsset } from '../test/fakes';
import {
  ApiError,
  buildQuery,
  csrfToken,
  deleteAsset,
  errorFromResponse,
  getAsset,
  healthProcessing,
  listAssets,
  registerPath,
  renameAsset,
  reprocessAsset,
  uploadFile,
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
});

describe('requests', () => {
  it('lists assets from /api/v1/assets with the query', async () => {
    const body = { items: [makeAsset()], meta: { page: 1, page_size: 20, total: 1, pages: 1 } };
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

class FakeXhr {
  static last: FakeXhr | null = null;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: FormData | null = null;
  status = 0;
  statusText = '';
  responseText = '';
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  respond(status: number, body: string, statusText = '') {
    this.status = status;
    this.statusText = statusText;
    this.responseText = body;
    this.onload?.();
  }
}

describe('uploadFile', () => {
  const make = () => new FakeXhr() as unknown as XMLHttpRequest;

  it('posts multipart with the file field and reports progress', async () => {
    const progress: (number | null)[] = [];
    const file = new File(['abc'], 'clip.mp4', { type: 'video/mp4' });
    const done = uploadFile(file, 'My clip', (p) => progress.push(p.fraction), { createRequest: make });
    const xhr = FakeXhr.last!;
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/assets');
    expect((xhr.body?.get('file') as File).name).toBe('clip.mp4');
    expect(xhr.body?.get('title')).toBe('My clip');
    xhr.upload.onprogress?.({ loaded: 50, total: 200, lengthComputable: true } as ProgressEvent);
    xhr.upload.onprogress?.({ loaded: 50, total: 0, lengthComputable: false } as ProgressEvent);
    xhr.respond(201, JSON.stringify(makeAsset({ id: 9 })));
    await expect(done).resolves.toMatchObject({ id: 9 });
    expect(progress).toEqual([0.25, null]);
  });

  it('rejects with the server message on an error status', async () => {
    const done = uploadFile(new File(['x'], 'evil.jpg'), undefined, undefined, { createRequest: make });
    expect(FakeXhr.last!.body?.has('title')).toBe(false);
    FakeXhr.last!.respond(400, JSON.stringify({ error: 'Content does not match its extension', timestamp: 't', context: {} }));
    await expect(done).rejects.toMatchObject({ message: 'Content does not match its extension', status: 400 });
  });

  it('rejects with a readable message when the upload is too large for a proxy that answers in HTML', async () => {
    const done = uploadFile(new File(['x'], 'big.mov'), undefined, undefined, { createRequest: make });
    FakeXhr.last!.respond(413, '<html>Request Entity Too Large</html>', 'Payload Too Large');
    await expect(done).rejects.toMatchObject({ status: 413, message: 'The server answered 413 Payload Too Large without an explanation.' });
  });
});
