import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { VirtualizerOptions } from '@tanstack/react-virtual';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeAsset } from '../test/fakes';
import { ESTIMATED_ROW_PX, LibraryGrid } from './LibraryGrid';

/** How many times the virtualizer asked the grid for a line's key: once per line it lays out. */
const keys = vi.hoisted(() => ({ asked: 0, counted: new WeakMap<object, (index: number) => string | number>() }));

vi.mock('@tanstack/react-virtual', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@tanstack/react-virtual')>();
  return {
    ...actual,
    useWindowVirtualizer: (options: Parameters<typeof actual.useWindowVirtualizer>[0]) => {
      const own = options.getItemKey as NonNullable<VirtualizerOptions<Window, Element>['getItemKey']>;
      // The same function for the same one given: what the virtualizer sees stays as stable as the grid makes it.
      let counting = keys.counted.get(own);
      if (!counting) {
        counting = (index: number) => {
          keys.asked += 1;
          return own(index) as string | number;
        };
        keys.counted.set(own, counting);
      }
      return actual.useWindowVirtualizer({ ...options, getItemKey: counting });
    },
  };
});

const library = (count: number) =>
  Array.from({ length: count }, (_, index) => makeAsset({ id: count - index, title: `Asset ${count - index}` }));

function scrollTo(y: number) {
  act(() => {
    Object.assign(window, { scrollY: y });
    fireEvent.scroll(window);
  });
}

beforeEach(() => {
  keys.asked = 0;
  Object.assign(window, { scrollY: 0 });
});

afterEach(() => {
  Object.assign(window, { scrollY: 0 });
});

describe('the library grid, scrolled', () => {
  it('lays out its thousands of loaded rows once, not again on every scroll event', () => {
    const items = library(5_000); // jsdom lays nothing out: one card a row, 5,000 rows
    render(<LibraryGrid items={items} onOpen={() => undefined} onNearEnd={() => undefined} />);
    const grid = screen.getByRole('list', { name: 'Assets' });
    expect(within(grid).getByRole('button', { name: /^Asset 5000,/ })).toBeInTheDocument();
    const afterFirstLayout = keys.asked;
    expect(afterFirstLayout).toBeGreaterThanOrEqual(items.length);

    // 30 scroll events, ten rows further down each time.
    for (let step = 1; step <= 30; step += 1) scrollTo(step * ESTIMATED_ROW_PX * 10);

    // The grid followed the scroll...
    expect(within(grid).queryByRole('button', { name: /^Asset 5000,/ })).not.toBeInTheDocument();
    expect(within(grid).getByRole('button', { name: /^Asset 4700,/ })).toBeInTheDocument();
    expect(within(grid).getAllByRole('listitem').length).toBeLessThan(20);
    // ...without going over every loaded row for each event (30 x 5,000 keys before).
    expect(keys.asked - afterFirstLayout).toBeLessThan(items.length);
  }, 30_000);

  it('lays the rows out again when more are loaded, and shows them', () => {
    const items = library(3_000);
    const { rerender } = render(<LibraryGrid items={items.slice(0, 60)} onOpen={() => undefined} onNearEnd={() => undefined} />);
    scrollTo(50 * ESTIMATED_ROW_PX);
    const before = keys.asked;
    rerender(<LibraryGrid items={items.slice(0, 120)} onOpen={() => undefined} onNearEnd={() => undefined} />);
    expect(keys.asked - before).toBeGreaterThanOrEqual(120);
    scrollTo(110 * ESTIMATED_ROW_PX);
    const grid = screen.getByRole('list', { name: 'Assets' });
    expect(within(grid).getByRole('button', { name: /^Asset 2890,/ })).toBeInTheDocument();
  });
});
