import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Upload } from '../test/fakeTus';
import { jsonResponse, makeAsset } from '../test/fakes';
import { onSessionExpired } from './api';
import { startUpload, type UploadEvents } from './uploads';

vi.mock('tus-js-client', () => import('../test/fakeTus'));

const fetchMock = vi.fn<typeof fetch>();

function events(): UploadEvents & { [K in keyof UploadEvents]: ReturnType<typeof vi.fn> } {
  return {
    onProgress: vi.fn(),
    onResumed: vi.fn(),
    onWaitingForNetwork: vi.fn(),
    onComplete: vi.fn(),
    onError: vi.fn(),
  };
}

function setCookie(token: string) {
  document.cookie = `csrftoken=${token}; path=/`;
}

/** Lets findPreviousUploads (a promise) settle, so start() has been called. */
async function started(upload: Upload) {
  await vi.waitFor(() => expect(upload.start).toHaveBeenCalled());
}

function setOnline(online: boolean) {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
}

beforeEach(() => {
  Upload.reset();
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  vi.unstubAllGlobals();
  setOnline(true);
});

describe('startUpload', () => {
  it('creates a tus upload of the file in 4 MiB chunks, with its name and title, retrying with backoff', async () => {
    const file = new File(['abc'], 'holiday.mp4', { type: 'video/mp4' });
    startUpload(file, events(), { title: '  Holiday  ' });
    const upload = Upload.last();
    expect(upload.file).toBe(file);
    expect(upload.options).toMatchObject({
      endpoint: '/api/v1/uploads',
      chunkSize: 4 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      removeFingerprintOnSuccess: true,
      metadata: { filename: 'holiday.mp4', title: 'Holiday' },
    });
    // The default fingerprint and URL storage are what make a reload resume the same upload.
    expect(upload.options.fingerprint).toBeUndefined();
    expect(upload.options.urlStorage).toBeUndefined();
    await started(upload);
    expect(upload.resumedFrom).toBeNull();
  });

  it('leaves the title out when there is none', () => {
    startUpload(new File(['a'], 'a.jpg'), events());
    expect(Upload.last().options.metadata).toEqual({ filename: 'a.jpg' });
  });

  it('sends the CSRF cookie’s current value on every request, with credentials', async () => {
    setCookie('first');
    startUpload(new File(['a'], 'a.jpg'), events());
    const upload = Upload.last();
    const create = await upload.request('POST');
    expect(create.headers['X-CSRFToken']).toBe('first');
    expect(create.xhr.withCredentials).toBe(true);
    // Django rotates the token at sign-in: later requests carry the new one.
    setCookie('rotated');
    for (const method of ['HEAD', 'PATCH', 'DELETE']) {
      const request = await upload.request(method, '/api/v1/uploads/abc');
      expect(request.headers['X-CSRFToken']).toBe('rotated');
      expect(request.xhr.withCredentials).toBe(true);
    }
  });

  it('resumes the newest upload tus-js-client remembers for the file, and says how far the server had it', async () => {
    Upload.previousUploads = [
      { size: 100, metadata: {}, creationTime: '2026-01-01T10:00:00Z', urlStorageKey: 'k1', uploadUrl: '/api/v1/uploads/old', parallelUploadUrls: null },
      { size: 100, metadata: {}, creationTime: '2026-01-02T10:00:00Z', urlStorageKey: 'k2', uploadUrl: '/api/v1/uploads/new', parallelUploadUrls: null },
    ];
    const on = events();
    startUpload(new File(['a'], 'a.jpg'), on);
    const upload = Upload.last();
    await started(upload);
    expect(upload.resumedFrom?.uploadUrl).toBe('/api/v1/uploads/new');
    await upload.head(40, 100);
    expect(on.onResumed).toHaveBeenCalledWith(40, 100);
  });

  it('passes progress on', () => {
    const on = events();
    startUpload(new File(['a'], 'a.jpg'), on);
    Upload.last().progress(10, 40);
    expect(on.onProgress).toHaveBeenCalledWith(10, 40);
  });

  it('when every byte landed, reads the asset the server registered and hands it over', async () => {
    const asset = makeAsset({ id: 123, title: 'a' });
    fetchMock.mockImplementation((input) =>
      Promise.resolve(
        (input as string) === '/api/v1/uploads/abc'
          ? jsonResponse({ offset: 3, length: 3, asset_id: 123 })
          : jsonResponse(asset),
      ),
    );
    const on = events();
    startUpload(new File(['abc'], 'a.jpg'), on);
    Upload.last().succeed('http://localhost:3000/api/v1/uploads/abc');
    await vi.waitFor(() => expect(on.onComplete).toHaveBeenCalledWith(asset));
    expect(fetchMock.mock.calls.map(([url]) => url as string)).toEqual(['/api/v1/uploads/abc', '/api/v1/assets/123']);
    expect(on.onError).not.toHaveBeenCalled();
  });

  it('says so when the finished upload has no asset', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ offset: 3, length: 3, asset_id: null }));
    const on = events();
    startUpload(new File(['abc'], 'a.jpg'), on);
    Upload.last().succeed('/api/v1/uploads/abc');
    await vi.waitFor(() => expect(on.onError).toHaveBeenCalled());
    expect(on.onComplete).not.toHaveBeenCalled();
  });

  it('shows the server’s refusal in its own words', () => {
    const on = events();
    startUpload(new File(['abc'], 'fake.jpg'), on);
    Upload.last().refuse(415, 'The file’s content is not a JPEG image.');
    expect(on.onError).toHaveBeenCalledWith(expect.objectContaining({ status: 415, message: 'The file’s content is not a JPEG image.' }));
  });

  it('announces a 401 like every other request, so the app goes back to the login page', () => {
    const expired = vi.fn();
    const stop = onSessionExpired(expired);
    const on = events();
    startUpload(new File(['abc'], 'a.jpg'), on);
    Upload.last().refuse(401, 'Not signed in.');
    stop();
    expect(expired).toHaveBeenCalledWith(expect.objectContaining({ status: 401 }));
    expect(on.onError).toHaveBeenCalledWith(expect.objectContaining({ status: 401 }));
  });

  it('waits for the network while the browser is offline, then goes on from the server’s offset', async () => {
    const on = events();
    startUpload(new File(['abc'], 'a.jpg'), on);
    const upload = Upload.last();
    await started(upload);
    setOnline(false);
    upload.dropConnection();
    expect(on.onWaitingForNetwork).toHaveBeenCalledTimes(1);
    expect(on.onError).not.toHaveBeenCalled();
    expect(upload.start).toHaveBeenCalledTimes(1);
    setOnline(true);
    window.dispatchEvent(new Event('online'));
    expect(upload.start).toHaveBeenCalledTimes(2);
  });

  it('fails with a readable message when the server stays unreachable, and can go on after that', async () => {
    const on = events();
    const running = startUpload(new File(['abc'], 'a.jpg'), on);
    const upload = Upload.last();
    await started(upload);
    upload.dropConnection();
    expect(on.onError).toHaveBeenCalledWith(expect.objectContaining({ status: 0, message: expect.stringContaining('Could not reach') as string }));
    running.resume();
    expect(upload.start).toHaveBeenCalledTimes(2);
  });

  it('cancel aborts and terminates the upload on the server, and nothing is reported after it', async () => {
    const on = events();
    const running = startUpload(new File(['abc'], 'a.jpg'), on);
    const upload = Upload.last();
    await started(upload);
    await running.cancel();
    expect(upload.abort).toHaveBeenCalledWith(true);
    upload.dropConnection();
    expect(on.onError).not.toHaveBeenCalled();
  });

  it('cancel while offline stops waiting for the network', async () => {
    const on = events();
    const running = startUpload(new File(['abc'], 'a.jpg'), on);
    const upload = Upload.last();
    await started(upload);
    setOnline(false);
    upload.dropConnection();
    await running.cancel();
    setOnline(true);
    window.dispatchEvent(new Event('online'));
    expect(upload.start).toHaveBeenCalledTimes(1);
  });

  it('a cancel before the upload even started never starts it', async () => {
    const running = startUpload(new File(['abc'], 'a.jpg'), events());
    const upload = Upload.last();
    await running.cancel();
    await Promise.resolve();
    await Promise.resolve();
    expect(upload.start).not.toHaveBeenCalled();
  });
});
