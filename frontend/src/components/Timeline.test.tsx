import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useMemo } from 'react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useAssetLibrary } from '../hooks/useAssetLibrary';
import { useLibraryQuery } from '../hooks/useLibraryQuery';
import { useTimeline } from '../hooks/useTimeline';
import { assetFilters, type Asset, type AssetFilters } from '../services/api';
import { isDateOrdering, jumpedMonth } from '../services/timeline';
import { jsonResponse, makeAsset, routeFetch, type RecordedCall } from '../test/fakes';
import { ESTIMATED_ROW_PX } from './LibraryGrid';
import { LibraryView } from './LibraryView';
import { TimelineScrubber } from './TimelineScrubber';

/** The library page's wiring of the list, the timeline and the view (without uploads and detail). */
function Harness() {
  const [query, update] = useLibraryQuery();
  const library = useAssetLibrary(query, null);
  const key = JSON.stringify(assetFilters(jumpedMonth(query) === null ? query : { ...query, takenAfter: '', takenBefore: '' }));
  const filters = useMemo(() => JSON.parse(key) as AssetFilters, [key]);
  const timeline = useTimeline(filters, { enabled: isDateOrdering(query.ordering), delayMs: 0 });
  return <LibraryView query={query} library={library} onQueryChange={update} onOpen={() => undefined} timeline={timeline} />;
}

// Taken around the turn of July into August: in Berlin (UTC+2) the second is already in August.
const ASSETS: Asset[] = [
  makeAsset({ id: 1, title: 'Harbour', captured_at: '2024-08-02T09:00:00Z' }),
  makeAsset({ id: 2, title: 'Midnight', captured_at: '2024-07-31T22:30:00Z' }),
  makeAsset({ id: 3, title: 'Market', captured_at: '2024-07-04T12:00:00Z' }),
  makeAsset({ id: 4, title: 'Snow', captured_at: '2023-12-24T18:00:00Z' }),
];

/** The list and the timeline over ASSETS, sorted and bounded by date taken as the API does. */
function server(): RecordedCall[] {
  return routeFetch({
    'GET /api/v1/assets': ({ url }) => {
      const params = new URL(url, 'http://test').searchParams;
      const after = params.get('taken_after');
      const before = params.get('taken_before');
      const items = ASSETS.filter(
        ({ captured_at = '' }) => (!after || Date.parse(captured_at) >= Date.parse(after)) && (!before || Date.parse(captured_at) <= Date.parse(before)),
      );
      if (params.get('ordering') === 'captured_at') items.reverse();
      const meta = { page: 1, page_size: 50, total: items.length, pages: 1, total_estimated: false, next_cursor: null };
      return jsonResponse({ items, meta });
    },
    'GET /api/v1/assets/timeline': () =>
      jsonResponse({
        months: [
          { month: '2024-08', count: 1 },
          { month: '2024-07', count: 2 },
          { month: '2023-12', count: 1 },
        ],
      }),
  });
}

const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = zone;
});
beforeEach(() => window.history.replaceState(null, '', '/'));
afterEach(() => vi.unstubAllGlobals());

const grid = () => screen.getByRole('list', { name: 'Assets' });
const timeline = () => screen.getByRole('navigation', { name: 'Timeline' });
const params = () => new URLSearchParams(window.location.search);
const listCalls = (calls: RecordedCall[]) => calls.filter(({ url }) => url.split('?')[0] === '/api/v1/assets');

describe('the library sorted by date taken', () => {
  it('heads each month (UTC) before its first card, as headings, with every card still a list item', async () => {
    window.history.replaceState(null, '', '/?ordering=-captured_at');
    server();
    render(<Harness />);
    await screen.findByText('Harbour');
    const headings = within(grid()).getAllByRole('heading', { level: 3 });
    expect(headings.map((heading) => heading.textContent)).toEqual(['August 2024', 'July 2024', 'December 2023']);
    // "Midnight" is 1 August in Berlin but 31 July in UTC: under July, with "Market".
    const items = within(grid()).getAllByRole('listitem');
    const july = items.findIndex((item) => item.textContent === 'July 2024');
    expect(items[july + 1]).toHaveTextContent('Midnight');
    expect(items[july + 2]).toHaveTextContent('Market');
    expect(items[july + 3]).toHaveTextContent('December 2023');
  });

  it('shows no month headings when sorted otherwise', async () => {
    window.history.replaceState(null, '', '/?ordering=title');
    server();
    render(<Harness />);
    await screen.findByText('Harbour');
    expect(within(grid()).queryAllByRole('heading')).toHaveLength(0);
  });
});

describe('the timeline scrubber', () => {
  it('lists the years with their months and counts from the timeline', async () => {
    window.history.replaceState(null, '', '/?ordering=-captured_at');
    const calls = server();
    render(<Harness />);
    const july = await screen.findByRole('button', { name: 'July 2024, 2 assets' });
    expect(july).toHaveTextContent('July 2');
    expect(within(timeline()).getByRole('button', { name: 'August 2024, 1 asset' })).toBeInTheDocument();
    expect(within(timeline()).getByText('2023')).toBeInTheDocument();
    const select = within(timeline()).getByRole('combobox', { name: 'Jump to a month' });
    expect(within(select).getByRole('option', { name: 'December 2023 (1)' })).toBeInTheDocument();
    expect(calls.some(({ url }) => url === '/api/v1/assets/timeline')).toBe(true);
  });

  it('newest first: a month sets taken_before to its end, shown as a removable chip, and Back returns', async () => {
    window.history.replaceState(null, '', '/?ordering=-captured_at');
    const calls = server();
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(await screen.findByRole('button', { name: 'July 2024, 2 assets' }));
    expect(params().get('taken_before')).toBe('2024-07-31T23:59:59.999999Z');
    expect(params().get('taken_after')).toBeNull();
    await waitFor(() => expect(within(grid()).queryByText('Harbour')).not.toBeInTheDocument());
    expect(within(grid()).getAllByRole('heading').map((heading) => heading.textContent)).toEqual(['July 2024', 'December 2023']);
    expect(listCalls(calls).at(-1)?.url).toContain('taken_before=2024-07-31T23%3A59%3A59.999999Z');
    // The months stay to jump back up: the timeline is counted without the jump.
    const timelineCalls = calls.filter(({ url }) => url.startsWith('/api/v1/assets/timeline'));
    expect(timelineCalls.every(({ url }) => !url.includes('taken_'))).toBe(true);
    expect(within(timeline()).getByRole('button', { name: 'August 2024, 1 asset' })).toBeInTheDocument();
    expect(within(timeline()).getByRole('button', { name: 'July 2024, 2 assets' })).toHaveAttribute('aria-current', 'true');
    expect(screen.getByRole('list', { name: 'Date taken filter' })).toHaveTextContent('from July 2024');

    act(() => window.history.back());
    await waitFor(() => expect(params().get('taken_before')).toBeNull());
    await screen.findByText('Harbour');
    act(() => window.history.forward());
    await waitFor(() => expect(params().get('taken_before')).toBe('2024-07-31T23:59:59.999999Z'));
    await user.click(await screen.findByRole('button', { name: 'Stop filtering by date taken (from July 2024)' }));
    expect(params().get('taken_before')).toBeNull();
    await screen.findByText('Harbour');
  });

  it('oldest first: a month sets taken_after to its start', async () => {
    window.history.replaceState(null, '', '/?ordering=captured_at');
    server();
    const user = userEvent.setup();
    render(<Harness />);
    // Read in the grid's direction: the oldest month first.
    const buttons = (await screen.findByRole('navigation', { name: 'Timeline' }), within(timeline()).getAllByRole('button'));
    expect(buttons[0]).toHaveAccessibleName('December 2023, 1 asset');
    await user.click(within(timeline()).getByRole('button', { name: 'July 2024, 2 assets' }));
    expect(params().get('taken_after')).toBe('2024-07-01T00:00:00Z');
    expect(params().get('taken_before')).toBeNull();
    await waitFor(() => expect(within(grid()).queryByText('Snow')).not.toBeInTheDocument());
    expect(screen.getByRole('list', { name: 'Date taken filter' })).toHaveTextContent('from July 2024');
  });

  it('jumps from the narrow screen’s select too', async () => {
    window.history.replaceState(null, '', '/?ordering=-captured_at');
    server();
    const user = userEvent.setup();
    render(<Harness />);
    await screen.findByRole('button', { name: 'July 2024, 2 assets' });
    await user.selectOptions(within(timeline()).getByRole('combobox', { name: 'Jump to a month' }), 'December 2023 (1)');
    expect(params().get('taken_before')).toBe('2023-12-31T23:59:59.999999Z');
  });

  it('sorted otherwise, offers the sort by date taken in one click, and reads no timeline until then', async () => {
    const calls = server();
    const user = userEvent.setup();
    render(<Harness />);
    await screen.findByText('Harbour');
    expect(within(grid()).queryAllByRole('heading')).toHaveLength(0);
    expect(calls.some(({ url }) => url.startsWith('/api/v1/assets/timeline'))).toBe(false);
    await user.click(within(timeline()).getByRole('button', { name: 'Sort by date taken' }));
    expect(params().get('ordering')).toBe('-captured_at');
    expect(screen.getByLabelText('Sort by')).toHaveValue('-captured_at');
    await screen.findByRole('button', { name: 'July 2024, 2 assets' });
    await waitFor(() => expect(within(grid()).getAllByRole('heading')).toHaveLength(3));
  });
});

describe('the month in view', () => {
  it('marks in the scrubber the month at the top of the screen as the grid scrolls', async () => {
    window.history.replaceState(null, '', '/?ordering=-captured_at');
    server();
    render(<Harness />);
    const august = await screen.findByRole('button', { name: 'August 2024, 1 asset' });
    const july = within(timeline()).getByRole('button', { name: 'July 2024, 2 assets' });
    await waitFor(() => expect(august).toHaveClass('timeline__month--in-view'));
    expect(july).not.toHaveClass('timeline__month--in-view');
    // jsdom lays nothing out: each line (a heading, a card) is the estimated row, one card a line.
    // Lines: August, Harbour, July, Midnight, Market, December, Snow; the fourth (Midnight) at the top.
    act(() => {
      Object.assign(window, { scrollY: 3 * ESTIMATED_ROW_PX + 10 });
      fireEvent.scroll(window);
    });
    await waitFor(() => expect(july).toHaveClass('timeline__month--in-view'));
    expect(august).not.toHaveClass('timeline__month--in-view');
    act(() => {
      Object.assign(window, { scrollY: 0 });
      fireEvent.scroll(window);
    });
    await waitFor(() => expect(august).toHaveClass('timeline__month--in-view'));
  });
});

describe('TimelineScrubber', () => {
  it('shows nothing while sorted by date and the months are not read yet', () => {
    const { container } = render(
      <TimelineScrubber months={null} ordering="-captured_at" onJump={() => undefined} onSortByDate={() => undefined} />,
    );
    expect(container).toBeEmptyDOMElement();
  });

  it('leaves out a month it cannot name rather than failing', () => {
    const months = [{ month: '2024-07', count: 2 }, { month: null as unknown as string, count: 1 }];
    render(<TimelineScrubber months={months} ordering="-captured_at" onJump={() => undefined} onSortByDate={() => undefined} />);
    expect(screen.getByRole('button', { name: 'July 2024, 2 assets' })).toBeInTheDocument();
    expect(screen.getAllByRole('button')).toHaveLength(1);
  });
});
