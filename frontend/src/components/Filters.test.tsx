import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useLibraryQuery } from '../hooks/useLibraryQuery';
import { Filters } from './Filters';

function Harness() {
  const [query, update] = useLibraryQuery();
  return (
    <>
      <Filters query={query} onChange={update} />
      <output data-testid="page">{query.page}</output>
    </>
  );
}

beforeEach(() => {
  window.history.replaceState(null, '', '/?page=3');
});

afterEach(() => {
  vi.useRealTimers();
  window.history.replaceState(null, '', '/');
});

describe('Filters', () => {
  it('reads its starting values from the URL', () => {
    window.history.replaceState(null, '', '/?type=video&status=failed&q=rome&ordering=title');
    render(<Harness />);
    expect(screen.getByLabelText('Type')).toHaveValue('video');
    expect(screen.getByLabelText('Status')).toHaveValue('failed');
    expect(screen.getByLabelText('Search')).toHaveValue('rome');
    expect(screen.getByLabelText('Sort by')).toHaveValue('title');
  });

  it('writes type, status and ordering to the URL and goes back to page 1', () => {
    const push = vi.spyOn(window.history, 'pushState');
    render(<Harness />);
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'video' } });
    expect(window.location.search).toBe('?type=video');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'processing' } });
    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: '-file_size' } });
    expect(window.location.search).toBe('?type=video&status=processing&ordering=-file_size');
    expect(push).toHaveBeenCalledTimes(3);
    expect(screen.getByTestId('page')).toHaveTextContent('1');
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
});
