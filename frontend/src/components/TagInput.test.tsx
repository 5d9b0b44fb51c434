import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, routeFetch, type RecordedCall } from '../test/fakes';
import { TagInput } from './TagInput';

const USED = [
  { name: 'beach', asset_count: 12 },
  { name: 'Bern', asset_count: 4 },
  { name: 'berries', asset_count: 1 },
];

let calls: RecordedCall[];

beforeEach(() => {
  calls = routeFetch({
    'GET /api/v1/tags': (call) => {
      const prefix = new URL(call.url, 'http://test').searchParams.get('q')?.toLowerCase() ?? '';
      const items = USED.filter((tag) => tag.name.toLowerCase().startsWith(prefix));
      return jsonResponse({ items, meta: { page: 1, page_size: 8, total: items.length, pages: 1 } });
    },
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function renderInput(existing: string[] = [], onAdd = vi.fn(() => Promise.resolve(true))) {
  render(<TagInput existing={existing} saving={false} onAdd={onAdd} debounceMs={0} />);
  return { onAdd, input: screen.getByRole('combobox', { name: 'Add a tag' }) };
}

const tagRequests = () => calls.filter((call) => call.url.startsWith('/api/v1/tags'));

describe('TagInput', () => {
  it('suggests tags in use as a listbox, leaving out the tags the asset already has', async () => {
    const { input } = renderInput(['Beach']);
    expect(input).toHaveAttribute('aria-expanded', 'false');
    await userEvent.type(input, 'be');
    const list = await screen.findByRole('listbox', { name: 'Suggested tags' });
    expect(within(list).getAllByRole('option').map((option) => option.textContent)).toEqual(['Bern, 4 assets', 'berries, 1 asset']);
    expect(input).toHaveAttribute('aria-expanded', 'true');
    expect(input).toHaveAttribute('aria-controls', list.id);
    expect(input).toHaveAttribute('aria-autocomplete', 'list');
    expect(tagRequests().at(-1)?.url).toMatch(/^\/api\/v1\/tags\?q=be&page_size=\d+$/);
  });

  it('moves through the suggestions with the arrow keys and adds the one chosen with Enter', async () => {
    const { input, onAdd } = renderInput();
    await userEvent.type(input, 'be');
    await screen.findByRole('listbox');
    expect(input).not.toHaveAttribute('aria-activedescendant');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    const second = screen.getByRole('option', { name: /^Bern/ });
    expect(second).toHaveAttribute('aria-selected', 'true');
    expect(input).toHaveAttribute('aria-activedescendant', second.id);
    await userEvent.keyboard('{ArrowUp}{ArrowUp}');
    // Up from the first wraps to the last.
    expect(screen.getByRole('option', { name: /^berries/ })).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{Enter}');
    expect(onAdd).toHaveBeenCalledWith('berries');
    expect(await screen.findByRole('combobox')).toHaveValue('');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
  });

  it('adds the text typed with Enter when no suggestion is chosen, spaces collapsed', async () => {
    const { input, onAdd } = renderInput();
    await userEvent.type(input, '  night   sky {Enter}');
    expect(onAdd).toHaveBeenCalledWith('night sky');
  });

  it('keeps the text when the tag could not be saved', async () => {
    const onAdd = vi.fn(() => Promise.resolve(false));
    const { input } = renderInput([], onAdd);
    await userEvent.type(input, 'sunset{Enter}');
    expect(onAdd).toHaveBeenCalledWith('sunset');
    expect(input).toHaveValue('sunset');
  });

  it('does not add a tag the asset already has, whatever its case', async () => {
    const { input, onAdd } = renderInput(['Beach']);
    await userEvent.type(input, 'BEACH{Enter}');
    expect(onAdd).not.toHaveBeenCalled();
    expect(input).toHaveValue('');
  });

  it('closes the list on Escape, then clears the field, and only then lets Escape through', async () => {
    const outer = vi.fn();
    render(
      <div
        onKeyDown={(event) => {
          if (event.key === 'Escape') outer();
        }}
      >
        <TagInput existing={[]} saving={false} onAdd={() => Promise.resolve(true)} debounceMs={0} />
      </div>,
    );
    const input = screen.getByRole('combobox');
    await userEvent.type(input, 'be');
    await screen.findByRole('listbox');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    expect(input).toHaveValue('be');
    await userEvent.keyboard('{Escape}');
    expect(input).toHaveValue('');
    expect(outer).not.toHaveBeenCalled();
    await userEvent.keyboard('{Escape}');
    expect(outer).toHaveBeenCalledTimes(1);
  });

  it('adds a suggestion clicked with the mouse', async () => {
    const { input, onAdd } = renderInput();
    await userEvent.type(input, 'b');
    await userEvent.click(await screen.findByRole('option', { name: /^beach/ }));
    expect(onAdd).toHaveBeenCalledWith('beach');
  });

  it('asks for suggestions once typing pauses, not per key', () => {
    vi.useFakeTimers();
    render(<TagInput existing={[]} saving={false} onAdd={() => Promise.resolve(true)} debounceMs={200} />);
    const input = screen.getByRole('combobox');
    for (const text of ['b', 'be', 'bea']) {
      fireEvent.change(input, { target: { value: text } });
      act(() => {
        vi.advanceTimersByTime(100);
      });
    }
    expect(tagRequests()).toHaveLength(0);
    act(() => {
      vi.advanceTimersByTime(100);
    });
    expect(tagRequests().map((call) => call.url)).toEqual([expect.stringContaining('q=bea&')]);
  });
});
