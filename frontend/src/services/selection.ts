/**
 * Which library cards are selected for a bulk action, as one value outside the cards (the grid is
 * virtualized: a card scrolled away is unmounted, its selection must not go with it). Either
 * cards by id, chosen one by one or by shift-click ranges over the list's order, or every asset
 * the current filters find, loaded or not ("select all N in this filter").
 */

export type Selection =
  | {
      kind: 'ids';
      ids: ReadonlySet<number>;
      /** The card clicked last without shift: where a shift-click range starts. */
      anchor: number | null;
    }
  | { kind: 'all' };

export const NO_SELECTION: Selection = { kind: 'ids', ids: new Set(), anchor: null };

export type SelectionAction =
  /**
   * A card's checkbox was clicked; `order` is the ids loaded, in the list's order. With `range`
   * (shift held) every card from the anchor to this one takes the state this one takes.
   */
  | { type: 'toggle'; id: number; range: boolean; order: readonly number[] }
  /** Every asset the filters find, loaded or not. */
  | { type: 'selectAll' }
  | { type: 'clear' }
  /** Cards that left the list (deleted, no longer in the filter): no longer selected. */
  | { type: 'keepOnly'; held: ReadonlySet<number> };

function rangeOf(order: readonly number[], from: number, to: number): number[] | null {
  const start = order.indexOf(from);
  const end = order.indexOf(to);
  if (start === -1 || end === -1) return null;
  return order.slice(Math.min(start, end), Math.max(start, end) + 1);
}

export function selectionReducer(selection: Selection, action: SelectionAction): Selection {
  switch (action.type) {
    case 'clear':
      return isEmpty(selection) ? selection : NO_SELECTION;
    case 'selectAll':
      return { kind: 'all' };
    case 'toggle': {
      // Everything in the filter stays everything until cleared: the API takes a filter or ids, not "all but".
      if (selection.kind === 'all') return selection;
      const selecting = !selection.ids.has(action.id);
      const range = action.range && selection.anchor !== null ? rangeOf(action.order, selection.anchor, action.id) : null;
      const ids = new Set(selection.ids);
      for (const id of range ?? [action.id]) {
        if (selecting) ids.add(id);
        else ids.delete(id);
      }
      // A range keeps its anchor, so the next shift-click redraws from the same card.
      return { kind: 'ids', ids, anchor: range ? selection.anchor : action.id };
    }
    case 'keepOnly': {
      if (selection.kind === 'all') return selection;
      const ids = [...selection.ids].filter((id) => action.held.has(id));
      if (ids.length === selection.ids.size) return selection;
      const anchor = selection.anchor !== null && action.held.has(selection.anchor) ? selection.anchor : null;
      return { kind: 'ids', ids: new Set(ids), anchor };
    }
  }
}

export function isEmpty(selection: Selection): boolean {
  return selection.kind === 'ids' && selection.ids.size === 0;
}

export function isSelected(selection: Selection, id: number): boolean {
  return selection.kind === 'all' || selection.ids.has(id);
}

/** How many assets a bulk action would touch: the ids chosen, or the filter's total. */
export function selectionCount(selection: Selection, total: number): number {
  return selection.kind === 'all' ? total : selection.ids.size;
}
