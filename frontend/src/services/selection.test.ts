import { describe, expect, it } from 'vitest';
import { isEmpty, isSelected, NO_SELECTION, selectionCount, selectionReducer, type Selection, type SelectionAction } from './selection';

const ORDER = [50, 40, 30, 20, 10];

function run(...actions: SelectionAction[]): Selection {
  return actions.reduce(selectionReducer, NO_SELECTION);
}

const click = (id: number): SelectionAction => ({ type: 'toggle', id, range: false, order: ORDER });
const shiftClick = (id: number): SelectionAction => ({ type: 'toggle', id, range: true, order: ORDER });
const ids = (selection: Selection) => (selection.kind === 'ids' ? [...selection.ids].sort((a, b) => b - a) : 'all');

describe('selection', () => {
  it('selects and unselects a card by its checkbox', () => {
    expect(ids(run(click(40)))).toEqual([40]);
    expect(ids(run(click(40), click(20)))).toEqual([40, 20]);
    expect(isEmpty(run(click(40), click(40)))).toBe(true);
  });

  it('selects the range from the last card clicked to the one shift-clicked, in the list order, either way', () => {
    expect(ids(run(click(40), shiftClick(10)))).toEqual([40, 30, 20, 10]);
    expect(ids(run(click(10), shiftClick(40)))).toEqual([40, 30, 20, 10]);
  });

  it('keeps the anchor, so a second shift-click redraws the range from the same card', () => {
    const selection = run(click(30), shiftClick(10), shiftClick(50));
    expect(ids(selection)).toEqual([50, 40, 30, 20, 10]);
    expect(selection.kind === 'ids' && selection.anchor).toBe(30);
  });

  it('unselects a range when the card shift-clicked was selected', () => {
    expect(ids(run(click(50), shiftClick(10), click(40), shiftClick(20)))).toEqual([50, 10]);
  });

  it('treats a shift-click without an anchor, or with one that left the list, as a plain click', () => {
    expect(ids(run(shiftClick(20)))).toEqual([20]);
    const gone: SelectionAction = { type: 'toggle', id: 20, range: true, order: [30, 20] };
    expect(ids(run(click(50), gone))).toEqual([50, 20]);
  });

  it('selects everything in the filter, which single checkboxes do not undo, until cleared', () => {
    const all = run(click(40), { type: 'selectAll' });
    expect(all).toEqual({ kind: 'all' });
    expect(selectionReducer(all, click(40))).toBe(all);
    expect(isSelected(all, 999)).toBe(true);
    expect(selectionCount(all, 2345)).toBe(2345);
    expect(selectionReducer(all, { type: 'clear' })).toEqual(NO_SELECTION);
  });

  it('counts the cards chosen, and drops those that left the list', () => {
    const selection = run(click(50), click(30), click(10));
    expect(selectionCount(selection, 2345)).toBe(3);
    const kept = selectionReducer(selection, { type: 'keepOnly', held: new Set([50, 40, 30]) });
    expect(ids(kept)).toEqual([50, 30]);
    expect(kept.kind === 'ids' && kept.anchor).toBeNull();
    expect(selectionReducer(kept, { type: 'keepOnly', held: new Set([50, 30]) })).toBe(kept);
  });
});
