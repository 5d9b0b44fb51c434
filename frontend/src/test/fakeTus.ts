/**
 * A stand-in for tus-js-client's Upload: it records the options and calls the app gave it, and a
 * test plays the server's side by calling the options' callbacks (progress, HEAD, success, errors).
 * Use with `vi.mock('tus-js-client', () => import('../test/fakeTus'))`.
 */
import { vi } from 'vitest';
import type { HttpRequest, HttpResponse, PreviousUpload, UploadOptions } from 'tus-js-client';

export class FakeRequest implements HttpRequest {
  readonly headers: Record<string, string> = {};
  readonly xhr = new XMLHttpRequest();
  constructor(
    readonly method: string,
    readonly url: string,
  ) {}
  getMethod() {
    return this.method;
  }
  getURL() {
    return this.url;
  }
  /** Like XMLHttpRequest.setRequestHeader: a header set twice is sent as both values joined. */
  setHeader(name: string, value: string) {
    this.headers[name] = name in this.headers ? `${this.headers[name]}, ${value}` : value;
  }
  getHeader(name: string) {
    return this.headers[name];
  }
  setProgressHandler() {}
  send(): Promise<HttpResponse> {
    return Promise.reject(new Error('FakeRequest does not send'));
  }
  abort() {
    return Promise.resolve();
  }
  getUnderlyingObject() {
    return this.xhr;
  }
}

export class FakeResponse implements HttpResponse {
  constructor(
    readonly status: number,
    readonly body = '',
    readonly headers: Record<string, string> = {},
  ) {}
  getStatus() {
    return this.status;
  }
  getHeader(name: string) {
    return this.headers[name];
  }
  getBody() {
    return this.body;
  }
  getUnderlyingObject() {
    return null;
  }
}

/** What tus-js-client hands onError: the request that failed and, when the server answered, its response. */
export class DetailedError extends Error {
  constructor(
    message: string,
    readonly originalRequest: HttpRequest | null,
    readonly originalResponse: HttpResponse | null,
  ) {
    super(message);
  }
}

export class Upload {
  static instances: Upload[] = [];
  /** What findPreviousUploads answers for every file. */
  static previousUploads: PreviousUpload[] = [];

  static reset() {
    Upload.instances = [];
    Upload.previousUploads = [];
  }

  static last(): Upload {
    const upload = Upload.instances[Upload.instances.length - 1];
    if (!upload) throw new Error('no upload was made');
    return upload;
  }

  static of(name: string): Upload {
    const upload = Upload.instances.find((u) => (u.file as File).name === name);
    if (!upload) throw new Error(`no upload of ${name}`);
    return upload;
  }

  url: string | null = null;
  resumedFrom: PreviousUpload | null = null;
  readonly start = vi.fn();
  readonly abort = vi.fn((_shouldTerminate?: boolean) => Promise.resolve());

  constructor(
    readonly file: File | Blob,
    readonly options: UploadOptions,
  ) {
    Upload.instances.push(this);
  }

  findPreviousUploads(): Promise<PreviousUpload[]> {
    return Promise.resolve(Upload.previousUploads);
  }

  resumeFromPreviousUpload(previous: PreviousUpload) {
    this.resumedFrom = previous;
    this.url = previous.uploadUrl;
  }

  // The server's side, as a test plays it.

  /** A request as tus-js-client would prepare it: the fixed headers, then onBeforeRequest. */
  async request(method: string, url = this.url ?? '/api/v1/uploads'): Promise<FakeRequest> {
    const request = new FakeRequest(method, url);
    for (const [name, value] of Object.entries(this.options.headers ?? {})) request.setHeader(name, value);
    await this.options.onBeforeRequest?.(request);
    return request;
  }

  progress(sent: number, total: number) {
    this.options.onProgress?.(sent, total);
  }

  /** The HEAD that picks up an upload the server already has. */
  async head(offset: number, length: number) {
    const request = await this.request('HEAD');
    await this.options.onAfterResponse?.(
      request,
      new FakeResponse(200, '', { 'Upload-Offset': String(offset), 'Upload-Length': String(length) }),
    );
  }

  succeed(url = this.url ?? '/api/v1/uploads/abc') {
    this.url = url;
    this.options.onSuccess?.({ lastResponse: new FakeResponse(204) });
  }

  refuse(status: number, error: string) {
    const body = JSON.stringify({ error, timestamp: '2026-01-01T00:00:00Z', context: {} });
    this.options.onError?.(
      new DetailedError('tus: unexpected response', new FakeRequest('PATCH', this.url ?? ''), new FakeResponse(status, body)),
    );
  }

  /** A request that got no answer at all (the network went away, the server is down). */
  dropConnection() {
    this.options.onError?.(new DetailedError('tus: failed to upload chunk', new FakeRequest('PATCH', this.url ?? ''), null));
  }
}
