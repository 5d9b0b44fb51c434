import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { UploadQueue } from '../services/uploadQueue';
import { Upload } from '../test/fakeTus';
import { jsonResponse, makeAsset } from '../test/fakes';
import { UploadZone } from './UploadZone';

vi.mock('tus-js-client', () => import('../test/fakeTus'));

const MB = 1024 * 1024;

function setup() {
  let now = 0;
  const uploads = new UploadQueue(undefined, () => now);
  const onOpen = vi.fn();
  render(<UploadZone uploads={uploads} onOpen={onOpen} />);
  return { uploads, onOpen, tick: (ms: number) => (now += ms) };
}

function row(name: string): HTMLElement {
  const items = within(screen.getByRole('list', { name: 'Uploads' })).getAllByRole('listitem');
  const found = items.find((item) => item.querySelector('.upload-item__name')?.textContent === name);
  if (!found) throw new Error(`no row for ${name}`);
  return found;
}

function sized(name: string, bytes: number, type = 'video/mp4'): File {
  const file = new File(['x'], name, { type });
  Object.defineProperty(file, 'size', { value: bytes });
  return file;
}

/** Lets the upload's findPreviousUploads settle, so tus-js-client's start() has run. */
async function started(upload: Upload) {
  await vi.waitFor(() => expect(upload.start).toHaveBeenCalled());
}

beforeEach(() => {
  Upload.reset();
  document.cookie = 'csrftoken=zone-token; path=/';
});

describe('UploadZone', () => {
  it('uploads several files, two at a time, each with its percent, speed and time left', async () => {
    const { tick } = setup();
    const picker = screen.getByLabelText('Choose files…');
    expect(picker).toHaveAttribute('multiple');
    expect(picker.getAttribute('accept')).toContain('.mp4');
    await userEvent.upload(picker, [sized('one.mp4', 40 * MB), sized('two.mp4', 20 * MB), sized('three.jpg', 1 * MB, 'image/jpeg')]);

    expect(Upload.instances.map((u) => (u.file as File).name)).toEqual(['one.mp4', 'two.mp4']);
    expect(within(row('three.jpg')).getByText('Waiting for its turn…')).toBeInTheDocument();
    const one = Upload.of('one.mp4');
    await started(one);
    const request = await one.request('PATCH', '/api/v1/uploads/1');
    expect(request.headers['X-CSRFToken']).toBe('zone-token');

    act(() => one.progress(0, 40 * MB));
    tick(2000);
    act(() => one.progress(8 * MB, 40 * MB));
    expect(within(row('one.mp4')).getByRole('progressbar', { name: 'Uploading one.mp4' })).toHaveAttribute('aria-valuenow', '20');
    // 8 MB in 2 s: 4 MB/s, and 32 MB to go: 8 s.
    expect(within(row('one.mp4')).getByText('20% · 4.0 MB/s · 8 s left')).toBeInTheDocument();

    act(() => Upload.of('two.mp4').progress(5 * MB, 20 * MB));
    expect(within(row('two.mp4')).getByText('25% · —')).toBeInTheDocument();
  });

  it('lists the finished upload with a way to open its asset, and starts the next file', async () => {
    const { uploads, onOpen } = setup();
    const uploaded = vi.fn();
    uploads.onUploaded(uploaded);
    const asset = makeAsset({ id: 42, title: 'one' });
    vi.stubGlobal(
      'fetch',
      vi.fn((input: RequestInfo | URL) =>
        Promise.resolve(
          (input as string).startsWith('/api/v1/uploads/')
            ? jsonResponse({ offset: 3, length: 3, asset_id: 42 })
            : jsonResponse(asset),
        ),
      ),
    );
    await userEvent.upload(screen.getByLabelText('Choose files…'), [sized('one.jpg', 3), sized('two.jpg', 3), sized('three.jpg', 3)]);
    await act(async () => {
      Upload.of('one.jpg').succeed('/api/v1/uploads/u1');
      await vi.waitFor(() => expect(uploaded).toHaveBeenCalledWith(asset));
    });
    expect(within(row('one.jpg')).getByRole('status')).toHaveTextContent('Uploaded.');
    expect(within(row('one.jpg')).queryByRole('button', { name: /Cancel/ })).not.toBeInTheDocument();
    expect(Upload.instances.map((u) => (u.file as File).name)).toEqual(['one.jpg', 'two.jpg', 'three.jpg']);
    await userEvent.click(within(row('one.jpg')).getByRole('button', { name: 'Open' }));
    expect(onOpen).toHaveBeenCalledWith(42);
    vi.unstubAllGlobals();
  });

  it('Cancel aborts the upload and terminates it on the server', async () => {
    setup();
    await userEvent.upload(screen.getByLabelText('Choose files…'), [sized('big.mov', 100 * MB, 'video/quicktime')]);
    const upload = Upload.last();
    await started(upload);
    act(() => upload.progress(10 * MB, 100 * MB));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel big.mov' }));
    expect(upload.abort).toHaveBeenCalledWith(true);
    expect(within(row('big.mov')).getByText('Cancelled.')).toBeInTheDocument();
    expect(within(row('big.mov')).queryByRole('progressbar')).not.toBeInTheDocument();
    expect(within(row('big.mov')).queryByRole('button', { name: /Cancel/ })).not.toBeInTheDocument();
  });

  it('shows the server’s message when it refuses the file', async () => {
    setup();
    await userEvent.upload(screen.getByLabelText('Choose files…'), [sized('fake.jpg', 2 * MB, 'image/jpeg')]);
    const upload = Upload.last();
    await started(upload);
    act(() => upload.refuse(415, 'The content of fake.jpg is not a JPEG image.'));
    expect(within(row('fake.jpg')).getByRole('alert')).toHaveTextContent('The content of fake.jpg is not a JPEG image.');
    expect(within(row('fake.jpg')).queryByRole('button')).not.toBeInTheDocument();
  });

  it('says where it resumed from when tus-js-client found a previous upload of the file', async () => {
    Upload.previousUploads = [
      { size: 10 * MB, metadata: {}, creationTime: '2026-01-01T00:00:00Z', urlStorageKey: 'k', uploadUrl: '/api/v1/uploads/prev', parallelUploadUrls: null },
    ];
    setup();
    await userEvent.upload(screen.getByLabelText('Choose files…'), [sized('again.mp4', 10 * MB)]);
    const upload = Upload.last();
    await started(upload);
    expect(upload.resumedFrom?.uploadUrl).toBe('/api/v1/uploads/prev');
    await act(() => upload.head(4 * MB, 10 * MB));
    expect(within(row('again.mp4')).getByText('Resumed from 40%.')).toBeInTheDocument();
    expect(within(row('again.mp4')).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '40');
  });

  it('waits for the network when it goes away, and offers to try again when the server stays unreachable', async () => {
    setup();
    await userEvent.upload(screen.getByLabelText('Choose files…'), [sized('trip.mp4', 10 * MB)]);
    const upload = Upload.last();
    await started(upload);
    act(() => upload.progress(5 * MB, 10 * MB));
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    act(() => upload.dropConnection());
    expect(within(row('trip.mp4')).getByText('50% · Waiting for the network…')).toBeInTheDocument();
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    expect(upload.start).toHaveBeenCalledTimes(2);

    act(() => upload.dropConnection());
    expect(within(row('trip.mp4')).getByRole('alert')).toHaveTextContent('Could not reach the MAM server');
    await userEvent.click(within(row('trip.mp4')).getByRole('button', { name: 'Try again: trip.mp4' }));
    expect(upload.start).toHaveBeenCalledTimes(3);
    expect(within(row('trip.mp4')).queryByRole('alert')).not.toBeInTheDocument();
  });
});
