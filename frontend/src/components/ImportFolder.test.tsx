import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportJob } from '../services/api';
import { errorResponse, jsonResponse, openFakeLiveConnection, routeFetch, serverSends, type RecordedCall } from '../test/fakes';
import { folderTree, importUpdate, makeImportJob } from '../test/imports';
import { ImportFolder } from './ImportFolder';

afterEach(() => vi.unstubAllGlobals());

const tree = folderTree({ '': ['holiday', 'work'], holiday: ['2024'], 'holiday/2024': [], work: [] });
const counts = (c: Partial<ImportJob['counts']>) => {
  const all = { added: 0, skipped: 0, ignored: 0, rejected: 0, excluded: 0, ...c };
  return { seen: all.added + all.skipped + all.ignored + all.rejected + all.excluded, ...all };
};

function serve(listed: ImportJob[] = [], extra: Record<string, (call: RecordedCall) => Response> = {}) {
  return routeFetch({
    'GET /api/v1/folders': (call) => jsonResponse(tree(new URL(call.url, 'http://test').searchParams.get('path') ?? '')),
    'GET /api/v1/imports': () =>
      jsonResponse({ items: listed, meta: { page: 1, page_size: 5, total: listed.length, pages: 1, total_estimated: false, next_cursor: null } }),
    ...extra,
  });
}

async function chooseFolder(...names: string[]) {
  for (const name of names) {
    const list = await screen.findByRole('list', { name: /^Folders in/ });
    await userEvent.click(within(list).getByRole('button', { name }));
    await screen.findByRole('heading', { name: `Folders in “${name}”` });
  }
  await userEvent.click(screen.getByRole('button', { name: 'Choose this folder' }));
}

const job = () => screen.getByRole('article', { name: /Import of holiday\/2024/ });

describe('ImportFolder', () => {
  it('starts an import of the folder chosen and follows it live to the end, rejections and all', async () => {
    const rejection = { path: 'holiday/2024/broken.jpg', reason: 'Not a valid image: cannot identify image file' };
    const started = makeImportJob({ id: 7, exclude: ['*.tmp'], process: false });
    let fetched = makeImportJob({ id: 7, status: 'running', total: 7, counts: counts({ added: 2, rejected: 1 }), rejections: [rejection] });
    const calls = serve([], {
      'POST /api/v1/imports': () => jsonResponse(started, 201, 'Created'),
      'GET /api/v1/imports/7': () => jsonResponse(fetched),
    });
    const connection = openFakeLiveConnection();
    render(<ImportFolder connection={connection} />);
    expect(await screen.findByText('No folder imported from here yet.')).toBeInTheDocument();

    await chooseFolder('holiday', '2024');
    expect(screen.queryByRole('list', { name: /^Folders in/ })).not.toBeInTheDocument();
    expect(screen.getByText('holiday/2024', { selector: 'code' })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Leave out (optional)'), '*.tmp, ');
    const process = screen.getByRole('checkbox', { name: /Process the files now/ });
    expect(process).toBeChecked();
    await userEvent.click(process);
    await userEvent.click(screen.getByRole('button', { name: 'Start import of holiday/2024' }));
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({ path: 'holiday/2024', exclude: ['*.tmp'], process: false });

    // Queued: a bar that does not know how far yet, and a way to stop it.
    expect(await within(job()).findByRole('status')).toHaveTextContent('Waiting for a worker…');
    expect(within(job()).getByRole('progressbar', { name: 'Importing holiday/2024' })).toHaveAttribute('aria-valuetext', 'waiting');
    expect(within(job()).getByText(/registered without processing · leaving out \*\.tmp/)).toBeInTheDocument();

    serverSends(importUpdate(1, makeImportJob({ id: 7, status: 'running', total: null, counts: counts({ added: 1 }) })));
    expect(within(job()).getByRole('status')).toHaveTextContent('Counting files…');
    expect(within(job()).getByText(/^1 file looked at/)).toBeInTheDocument();

    serverSends(importUpdate(2, makeImportJob({ id: 7, status: 'running', total: 7, counts: counts({ added: 2, rejected: 1 }) })));
    const bar = within(job()).getByRole('progressbar', { name: 'Importing holiday/2024' });
    expect(bar).toHaveAttribute('aria-valuenow', '42');
    expect(within(job()).getByText(/^3 of 7 files looked at/)).toBeInTheDocument();
    const shown = within(await within(job()).findByRole('list', { name: 'Rejected files of the import of holiday/2024' }));
    expect(shown.getByText('holiday/2024/broken.jpg')).toBeInTheDocument();
    expect(shown.getByText(rejection.reason)).toBeInTheDocument();
    const numbers = within(job());
    expect(numbers.getByText('Added').nextSibling).toHaveTextContent('2');
    expect(numbers.getByText('Rejected').nextSibling).toHaveTextContent('1');

    fetched = makeImportJob({ id: 7, status: 'done', total: 7, counts: counts({ added: 6, rejected: 1 }), rejections: [rejection] });
    serverSends(importUpdate(3, makeImportJob({ id: 7, status: 'done', total: 7, counts: counts({ added: 6, rejected: 1 }) })));
    expect(within(job()).getByRole('status')).toHaveTextContent('Done');
    expect(within(job()).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    expect(within(job()).queryByRole('button', { name: /Cancel/ })).not.toBeInTheDocument();
    expect(numbers.getByText('Added').nextSibling).toHaveTextContent('6');
    // The end reads the rejections once more (the live updates carry none).
    await waitFor(() => expect(calls.filter((call) => call.url === '/api/v1/imports/7')).toHaveLength(2));
    expect(shown.getByText('holiday/2024/broken.jpg')).toBeInTheDocument();
  });

  it('shows the server’s 400 as an alert, and a bad pattern under its field', async () => {
    let answer = () => errorResponse(400, 'Not a folder under the media folder: holiday/gone', { path: 'holiday/gone' });
    serve([], { 'POST /api/v1/imports': () => answer() });
    render(<ImportFolder connection={null} />);
    await chooseFolder('holiday');
    await userEvent.click(screen.getByRole('button', { name: 'Start import of holiday' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Not a folder under the media folder: holiday/gone');
    expect(screen.getByRole('button', { name: 'Start import of holiday' })).toHaveAccessibleDescription(
      'Not a folder under the media folder: holiday/gone',
    );
    expect(screen.queryByRole('article')).not.toBeInTheDocument();

    answer = () => errorResponse(400, 'Invalid input', { fields: { exclude: ['Ensure this field has no more than 200 characters.'] } });
    await userEvent.type(screen.getByLabelText('Leave out (optional)'), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Start import of holiday' }));
    await waitFor(() => expect(screen.getByLabelText('Leave out (optional)')).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByLabelText('Leave out (optional)')).toHaveAccessibleDescription('Ensure this field has no more than 200 characters.');
  });

  it('asks for a folder before sending anything, and can import the whole media folder', async () => {
    const calls = serve([], { 'POST /api/v1/imports': () => jsonResponse(makeImportJob({ id: 3, path: '' }), 201) });
    render(<ImportFolder connection={null} />);
    await screen.findByRole('list', { name: 'Folders in the media folder' });
    await userEvent.click(screen.getByRole('button', { name: 'Start import' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Choose a folder first');
    expect(calls.some((call) => call.method === 'POST')).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Choose this folder' }));
    await userEvent.click(screen.getByRole('button', { name: 'Start import of the whole media folder' }));
    expect(await screen.findByRole('article', { name: 'Import of the whole media folder' })).toBeInTheDocument();
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({ path: '', process: true });
  });

  it('finds a running import again after a reload, and cancels it', async () => {
    const running = makeImportJob({ id: 9, status: 'running', total: 1200, counts: counts({ added: 300 }) });
    const older = makeImportJob({ id: 4, path: 'work', status: 'done', total: 2, counts: counts({ added: 2 }) });
    const calls = serve([running, older], { 'POST /api/v1/imports/9/cancel': () => jsonResponse(running) });
    const connection = openFakeLiveConnection();
    render(<ImportFolder connection={connection} />);
    const article = await screen.findByRole('article', { name: /Import of holiday\/2024/ });
    expect(within(article).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25');
    expect(within(screen.getByRole('article', { name: /Import of work/ })).getByRole('status')).toHaveTextContent('Done');

    await userEvent.click(within(article).getByRole('button', { name: 'Cancel the import of holiday/2024' }));
    expect(calls.some((call) => call.method === 'POST' && call.url === '/api/v1/imports/9/cancel')).toBe(true);
    expect(within(article).getByRole('button', { name: 'Cancel the import of holiday/2024' })).toHaveTextContent('Cancelling…');
    expect(within(article).getByRole('button', { name: 'Cancel the import of holiday/2024' })).toBeDisabled();

    serverSends(importUpdate(5, { ...running, status: 'cancelled', counts: counts({ added: 310 }) }));
    expect(within(article).getByRole('status')).toHaveTextContent('Cancelled');
    expect(within(article).queryByRole('button', { name: /Cancel/ })).not.toBeInTheDocument();
  });

  it('shows a cancel asked for elsewhere (another tab, before a reload) as under way', async () => {
    const running = makeImportJob({ id: 9, status: 'running', total: 40, counts: counts({ added: 4 }), cancel_requested: true });
    serve([running]);
    render(<ImportFolder connection={null} />);
    const article = await screen.findByRole('article', { name: /Import of holiday\/2024/ });
    const button = within(article).getByRole('button', { name: 'Cancel the import of holiday/2024' });
    expect(button).toHaveTextContent('Cancelling…');
    expect(button).toBeDisabled();
  });

  it('says so when the job ended before the cancel reached it', async () => {
    const running = makeImportJob({ id: 9, status: 'running', total: 10, counts: counts({ added: 9 }) });
    serve([running], { 'POST /api/v1/imports/9/cancel': () => errorResponse(409, 'This import has already ended (done)', { import_id: 9 }) });
    render(<ImportFolder connection={null} />);
    const article = await screen.findByRole('article', { name: /Import of holiday\/2024/ });
    await userEvent.click(within(article).getByRole('button', { name: /Cancel the import/ }));
    expect(await within(article).findByRole('alert')).toHaveTextContent('This import has already ended (done)');
    expect(within(article).getByRole('button', { name: /Cancel the import/ })).toBeEnabled();
  });

  it('shows an import another tab started, as it arrives', async () => {
    serve([]);
    const connection = openFakeLiveConnection();
    render(<ImportFolder connection={connection} />);
    await screen.findByText('No folder imported from here yet.');
    serverSends(importUpdate(8, makeImportJob({ id: 11, path: 'work', status: 'running', total: 4, counts: counts({ skipped: 1 }) })));
    const article = screen.getByRole('article', { name: /Import of work/ });
    expect(within(article).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25');
  });
});
