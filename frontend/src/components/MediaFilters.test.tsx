import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { useLibraryQuery } from '../hooks/useLibraryQuery';
import type { Asset, Facets } from '../services/api';
import { fakeLiveConnection, jsonResponse, makeAsset, routeFetch, type RecordedCall } from '../test/fakes';
import { FacetSummary } from './FacetSummary';
import { Filters } from './Filters';

function Harness() {
  const [query, update] = useLibraryQuery();
  return <Filters query={query} onChange={update} debounceMs={300} />;
}

const YEAR_2024 = 'taken_after=2024-01-01T00%3A00%3A00Z&taken_before=2024-12-31T23%3A59%3A59.999999Z';

beforeEach(() => {
  window.history.replaceState(null, '', '/');
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

describe('the media filters in the filter bar', () => {
  it('read their values from the URL, cameras and the year taken as chips', () => {
    window.history.replaceState(
      null,
      '',
      `/?orientation=portrait&has_audio=false&min_width=1920&min_duration=2.5&max_duration=60&camera=Canon+EOS+R5&camera=DJI+Mavic+3&${YEAR_2024}`,
    );
    render(<Harness />);
    expect(screen.getByLabelText('Orientation')).toHaveValue('portrait');
    expect(screen.getByLabelText('Sound')).toHaveValue('false');
    expect(screen.getByLabelText('Min width (px)')).toHaveValue(1920);
    expect(screen.getByLabelText('Min height (px)')).toHaveValue(null);
    expect(screen.getByLabelText('Min length (s)')).toHaveValue(2.5);
    expect(screen.getByLabelText('Max length (s)')).toHaveValue(60);
    const cameras = screen.getByRole('list', { name: 'Camera filters' });
    expect(within(cameras).getAllByRole('listitem').map((item) => item.firstChild?.textContent)).toEqual(['Canon EOS R5', 'DJI Mavic 3']);
    expect(screen.getByRole('list', { name: 'Date taken filter' })).toHaveTextContent('in 2024');
  });

  it('write orientation and sound to the URL as history entries', () => {
    const push = vi.spyOn(window.history, 'pushState');
    render(<Harness />);
    fireEvent.change(screen.getByLabelText('Orientation'), { target: { value: 'square' } });
    expect(window.location.search).toBe('?orientation=square');
    fireEvent.change(screen.getByLabelText('Sound'), { target: { value: 'true' } });
    expect(window.location.search).toBe('?orientation=square&has_audio=true');
    fireEvent.change(screen.getByLabelText('Sound'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Orientation'), { target: { value: '' } });
    expect(window.location.search).toBe('');
    expect(push).toHaveBeenCalledTimes(4);
  });

  it('write a size or a length once typing pauses, replacing the history entry, and at once on Enter', () => {
    vi.useFakeTimers();
    const replace = vi.spyOn(window.history, 'replaceState');
    render(<Harness />);
    const width = screen.getByLabelText('Min width (px)');
    fireEvent.change(width, { target: { value: '19' } });
    act(() => {
      vi.advanceTimersByTime(200);
    });
    fireEvent.change(width, { target: { value: '1920' } });
    act(() => {
      vi.advanceTimersByTime(299);
    });
    expect(window.location.search).toBe('');
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(window.location.search).toBe('?min_width=1920');
    expect(replace).toHaveBeenCalledTimes(1);

    const longest = screen.getByLabelText('Max length (s)');
    fireEvent.change(longest, { target: { value: '90.5' } });
    fireEvent.keyDown(longest, { key: 'Enter' });
    expect(window.location.search).toBe('?min_width=1920&max_duration=90.5');
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(replace).toHaveBeenCalledTimes(2); // the pending write was the one Enter made

    // Emptied: the filter goes.
    fireEvent.change(width, { target: { value: '' } });
    act(() => {
      vi.advanceTimersByTime(300);
    });
    expect(window.location.search).toBe('?max_duration=90.5');
  });

  it('never write a value the server would refuse, and say it is invalid', () => {
    vi.useFakeTimers();
    render(<Harness />);
    const height = screen.getByLabelText('Min height (px)');
    fireEvent.change(height, { target: { value: '-5' } });
    fireEvent.keyDown(height, { key: 'Enter' });
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(window.location.search).toBe('');
    expect(height).toHaveAttribute('aria-invalid', 'true');
    fireEvent.change(height, { target: { value: '1.5' } }); // pixels are whole
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(window.location.search).toBe('');
    fireEvent.change(height, { target: { value: '1080' } });
    act(() => {
      vi.advanceTimersByTime(300);
    });
    expect(height).not.toHaveAttribute('aria-invalid');
    expect(window.location.search).toBe('?min_height=1080');
  });

  it('show a value changed from outside (back/forward)', () => {
    render(<Harness />);
    act(() => {
      window.history.replaceState(null, '', '/?min_width=640&orientation=landscape');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    expect(screen.getByLabelText('Min width (px)')).toHaveValue(640);
    expect(screen.getByLabelText('Orientation')).toHaveValue('landscape');
  });

  it('remove a camera or the time taken with the chip’s ×', async () => {
    window.history.replaceState(null, '', `/?camera=Canon+EOS+R5&camera=DJI+Mavic+3&${YEAR_2024}&type=image`);
    render(<Harness />);
    await userEvent.click(screen.getByRole('button', { name: 'Stop filtering by camera Canon EOS R5' }));
    expect(window.location.search).toBe(`?type=image&camera=DJI+Mavic+3&${YEAR_2024}`);
    await userEvent.click(screen.getByRole('button', { name: 'Stop filtering by date taken (in 2024)' }));
    expect(window.location.search).toBe('?type=image&camera=DJI+Mavic+3');
    expect(screen.queryByRole('list', { name: 'Date taken filter' })).toBeNull();
  });
});

const FACETS: Facets = {
  total: 5,
  media_type: [{ value: 'image', count: 5 }],
  status: [{ value: 'ready', count: 5 }],
  tag: [],
  camera: [
    { value: 'Canon EOS R5', count: 4 },
    { value: 'DJI Mavic 3', count: 1 },
  ],
  year: [
    { value: 2026, count: 4 },
    { value: 2024, count: 1 },
  ],
};

describe('the camera and year facets', () => {
  it('are buttons reached by Tab and pressed with Enter or Space', async () => {
    const onFilterCamera = vi.fn();
    const onFilterYear = vi.fn();
    render(
      <FacetSummary
        facets={FACETS}
        filteredTags={[]}
        onFilterTag={vi.fn()}
        filteredCameras={['dji mavic 3']}
        onFilterCamera={onFilterCamera}
        onFilterYear={onFilterYear}
      />,
    );
    const cameras = screen.getByRole('list', { name: 'Cameras' });
    // Filtered by already (in another case): not offered again.
    expect(within(cameras).getAllByRole('button').map((button) => button.getAttribute('aria-label'))).toEqual(['Canon EOS R5, 4 assets']);
    await userEvent.tab();
    expect(within(cameras).getByRole('button')).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(onFilterCamera).toHaveBeenCalledWith('Canon EOS R5');
    await userEvent.tab();
    expect(screen.getByRole('button', { name: '2026, 4 assets' })).toHaveFocus();
    await userEvent.tab();
    await userEvent.keyboard(' ');
    expect(onFilterYear).toHaveBeenCalledWith(2024);
    expect(screen.getByRole('button', { name: '2024, 1 asset' })).toHaveAttribute('title', 'Show the assets taken in 2024');
  });

  it('are plain text where they cannot filter', () => {
    render(<FacetSummary facets={FACETS} filteredTags={[]} onFilterTag={vi.fn()} />);
    expect(screen.getByRole('list', { name: 'Cameras' })).toHaveTextContent('Canon EOS R5 4');
    expect(screen.queryByRole('button', { name: /Canon/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /2026/ })).toBeNull();
  });
});

describe('the library filtered by camera and year', () => {
  const ASSETS: Asset[] = [2, 1].map((id) => makeAsset({ id, title: `Photo ${id}`, file_path: `trip/${id}.jpg` }));

  function serve(): RecordedCall[] {
    return routeFetch({
      'GET /api/v1/auth/me': () => jsonResponse({ id: 2, username: 'alice', role: 'editor', auth_enabled: true }),
      'GET /api/v1/health/processing': () => jsonResponse({ status: 'healthy' }),
      'GET /api/v1/assets': () =>
        jsonResponse({
          items: ASSETS,
          meta: { page: 1, page_size: 60, total: 40, pages: 1, total_estimated: false, next_cursor: null },
        }),
      'GET /api/v1/assets/facets': () => jsonResponse(FACETS),
      'POST /api/v1/assets/bulk': () => jsonResponse({ matched: 40, changed: 40 }),
    });
  }

  const urls = (calls: RecordedCall[], prefix: string) => calls.filter((call) => call.url.startsWith(prefix)).map((call) => call.url);

  it('a camera, then a year from the facets narrow the list, the counts and the URL', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const calls = serve();
    render(<App connection={fakeLiveConnection()} />);
    await screen.findByText('Photo 1');
    await act(() => vi.advanceTimersByTimeAsync(300));
    await userEvent.click(await screen.findByRole('button', { name: 'Canon EOS R5, 4 assets' }));
    expect(window.location.search).toBe('?camera=Canon+EOS+R5');
    await waitFor(() =>
      expect(urls(calls, '/api/v1/assets?')).toContain('/api/v1/assets?page_size=60&camera=Canon+EOS+R5&ordering=-created_at'),
    );
    await act(() => vi.advanceTimersByTimeAsync(300));
    await waitFor(() => expect(urls(calls, '/api/v1/assets/facets')).toContain('/api/v1/assets/facets?camera=Canon+EOS+R5'));

    screen.getByRole('button', { name: '2024, 1 asset' }).focus();
    await userEvent.keyboard('{Enter}');
    expect(window.location.search).toBe(`?camera=Canon+EOS+R5&${YEAR_2024}`);
    await waitFor(() =>
      expect(urls(calls, '/api/v1/assets?')).toContain(`/api/v1/assets?page_size=60&camera=Canon+EOS+R5&${YEAR_2024}&ordering=-created_at`),
    );
    expect(screen.getByRole('list', { name: 'Date taken filter' })).toHaveTextContent('in 2024');
  });

  it('"select all in this filter" acts on the media filters too', async () => {
    const calls = serve();
    window.history.replaceState(null, '', '/?orientation=portrait&min_width=1000&has_audio=true&camera=Canon+EOS+R5');
    render(<App connection={fakeLiveConnection()} />);
    await screen.findByText('Photo 1');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Photo 2' }));
    await userEvent.click(screen.getByRole('button', { name: 'Select all 40 assets in this filter' }));
    await userEvent.click(screen.getByRole('button', { name: 'Reprocess' }));
    await waitFor(() =>
      expect(calls.filter((call) => call.url === '/api/v1/assets/bulk').map((call) => call.body)).toEqual([
        {
          filter: { camera: ['Canon EOS R5'], min_width: '1000', orientation: 'portrait', has_audio: 'true' },
          action: 'reprocess',
        },
      ]),
    );
  });
});
