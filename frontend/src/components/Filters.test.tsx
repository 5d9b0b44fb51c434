import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useLibraryQuery } from '../hooks/useLibraryQuery';
import { Filters } from './Filters';

function Harness() {
  const [query, update] = useLibraryQuery();
  return (
    <>
      <Filters query={query} onChange={update} />
    </>
  );
}

beforeEach(() => {
  // A link from before infinite scroll: its page number is read as the start of the list.
  window.history.replaceState(null, '', '/?page=3');
});

afterEach(() => {
  vi.useRealTimers();
  window.history.replaceState(null, '', '/');
});

describe('Filters', () => {
  it('shows the collection filtered by as a chip with its name, whose × leaves the URL without it', () => {
    window.history.replaceState(null, '', '/?collection=4&tag=tram');
    function WithCollection() {
      const [query, update] = useLibraryQuery();
      return <Filters query={query} onChange={update} collectionName="Lisbon" />;
    }
    render(<WithCollection />);
    const chips = screen.getByRole('list', { name: 'Collection filter' });
    expect(chips).toHaveTextContent('Lisbon');
    fireEvent.click(within(chips).getByRole('button', { name: 'Stop filtering by collection Lisbon' }));
    expect(window.location.search).toBe('?tag=tram');
    expect(screen.queryByRole('list', { name: 'Collection filter' })).not.toBeInTheDocument();
  });

  it('reads its starting values from the URL', () => {
    window.history.replaceState(null, '', '/?type=video&status=failed&q=rome&ordering=title');
    render(<Harness />);
    expect(screen.getByLabelText('Type')).toHaveValue('video');
    expect(screen.getByLabelText('Status')).toHaveValue('failed');
    expect(screen.getByLabelText('Search')).toHaveValue('rome');
    expect(screen.getByLabelText('Sort by')).toHaveValue('title');
  });

  it('writes type, status and ordering to the URL, dropping an old page number', () => {
    const push = vi.spyOn(window.history, 'pushState');
    render(<Harness />);
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'video' } });
    expect(window.location.search).toBe('?type=video');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'processing' } });
    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: '-file_size' } });
    expect(window.location.search).toBe('?type=video&status=processing&ordering=-file_size');
    expect(push).toHaveBeenCalledTimes(3);
  });

  it('debounces the search box by about 300 ms and replaces the history entry', () => {
    vi.useFakeTimers();
    const replace = vi.spyOn(window.history, 'replaceState');
    render(<Harness />);
    const box = screen.getByLabelText('Search');
    fireEvent.change(box, { target: { value: 'be' } });
    act(() => {
      vi.advanceTimersByTime(200);
    });
    fireEvent.change(box, { target: { value: 'beach' } });
    act(() => {
      vi.advanceTimersByTime(299);
    });
    expect(window.location.search).toBe('?page=3');
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(window.location.search).toBe('?q=beach');
    expect(replace).toHaveBeenCalledTimes(1);
  });

  it('follows the URL on back/forward', () => {
    render(<Harness />);
    act(() => {
      window.history.replaceState(null, '', '/?type=image&q=cat');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    expect(screen.getByLabelText('Type')).toHaveValue('image');
    expect(screen.getByLabelText('Search')).toHaveValue('cat');
  });

  it('offers best match while searching, chosen by itself, and not without a search', () => {
    render(<Harness />);
    const sort = screen.getByLabelText('Sort by');
    expect(screen.queryByRole('option', { name: 'Best match' })).toBeNull();
    fireEvent.submit(screen.getByRole('search'));
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'belem' } });
    fireEvent.submit(screen.getByRole('search'));
    expect(sort).toHaveValue('relevance');
    expect(screen.getByRole('option', { name: 'Best match' })).toBeInTheDocument();
    expect(window.location.search).toBe('?q=belem');
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: '' } });
    fireEvent.submit(screen.getByRole('search'));
    expect(sort).toHaveValue('-created_at');
    expect(screen.queryByRole('option', { name: 'Best match' })).toBeNull();
  });

  it('shows the tags filtered by as chips, each removable, and says the search finds tags', () => {
    window.history.replaceState(null, '', '/?tag=beach&tag=Lisbon&q=tram');
    render(<Harness />);
    expect(screen.getByLabelText('Search')).toHaveAttribute('placeholder', 'Title, file, tag, camera, codec…');
    const filters = screen.getByRole('list', { name: 'Tag filters' });
    expect(within(filters).getAllByRole('listitem').map((item) => item.firstChild?.textContent)).toEqual(['beach', 'Lisbon']);
    fireEvent.click(screen.getByRole('button', { name: 'Stop filtering by tag beach' }));
    expect(window.location.search).toBe('?q=tram&tag=Lisbon');
    fireEvent.click(screen.getByRole('button', { name: 'Stop filtering by tag Lisbon' }));
    expect(window.location.search).toBe('?q=tram');
    expect(screen.queryByRole('list', { name: 'Tag filters' })).not.toBeInTheDocument();
  });
});
