/**
 * The library's cards as a justified grid (rows of one height, each card as wide as its picture,
 * no crop) whose rows are virtualized against the window's scroll: only the rows on screen, and
 * a few either side, are in the DOM however many thousand assets are loaded. Padding above and
 * below stands in for the rows left out, so the scrollbar keeps its size. The rows are computed
 * here (services/justify.ts) from the grid's measured width, and the browser's flex wrap lays
 * the same cards on each line. Rendering rows near the end of what is loaded asks for the next
 * page. Sorted by date taken, a month's heading (a real h3, a line of its own) goes before its
 * first card, computed from the cards loaded, in UTC as the timeline counts.
 */
import { measureElement, useWindowVirtualizer, type VirtualItem, type Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { Asset } from '../services/api';
import { justifiedLines } from '../services/justify';
import { isEmpty, isSelected, type Selection } from '../services/selection';
import { monthLabel, monthOf, type MonthKey } from '../services/timeline';
import { AssetCard } from './AssetCard';

/** A row's height before it is measured where nothing is laid out (one card a row). */
export const ESTIMATED_ROW_PX = 300;
/** A card's title, facts and status under its picture, before the row is measured. */
const ESTIMATED_CARD_BODY_PX = 90;
/** A month heading's line before it is measured. */
const ESTIMATED_HEADING_PX = 48;
/** The rows' target picture height when the stylesheet does not say (--grid-row-height). */
const DEFAULT_ROW_HEIGHT_PX = 180;
/** Rows rendered beyond the screen's edges, so a quick scroll does not show blank space. */
const OVERSCAN_ROWS = 3;
/** The next page is asked for when the last row rendered is this close to the last row loaded. */
const PREFETCH_ROWS = 4;

interface GridLayout {
  /** The grid's inner width, px (0 before it is laid out). */
  width: number;
  columnGap: number;
  rowGap: number;
  /** The height rows aim for: the stylesheet's --grid-row-height (smaller on narrow screens). */
  rowHeight: number;
  /** The grid's distance from the top of the document: the virtualizer's scroll margin. */
  top: number;
}

function readLayout(list: HTMLElement): GridLayout {
  const style = window.getComputedStyle(list);
  const box = list.getBoundingClientRect();
  const rowHeight = Number.parseFloat(style.getPropertyValue('--grid-row-height'));
  return {
    width: Math.max(0, box.width),
    columnGap: Number.parseFloat(style.columnGap) || 0,
    rowGap: Number.parseFloat(style.rowGap) || 0,
    rowHeight: rowHeight > 0 ? rowHeight : DEFAULT_ROW_HEIGHT_PX,
    top: Math.round(box.top + window.scrollY),
  };
}

const sameLayout = (a: GridLayout, b: GridLayout) =>
  a.width === b.width && a.columnGap === b.columnGap && a.rowGap === b.rowGap && a.rowHeight === b.rowHeight && a.top === b.top;

/**
 * The grid's width, gaps, row height and position, read from the browser's own layout and read
 * again when the grid or the page above it changes size (a narrower window, the add-media panel
 * opening).
 */
function useGridLayout(ref: RefObject<HTMLElement | null>): GridLayout {
  const [layout, setLayout] = useState<GridLayout>({ width: 0, columnGap: 0, rowGap: 0, rowHeight: DEFAULT_ROW_HEIGHT_PX, top: 0 });
  useLayoutEffect(() => {
    const list = ref.current;
    if (!list) return;
    const read = () => {
      const next = readLayout(list);
      setLayout((previous) => (sameLayout(previous, next) ? previous : next));
    };
    read();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(read);
    observer.observe(list);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [ref]);
  return layout;
}

/** A row's height is its first card's (flex items stretch to their line); unmeasurable (no layout) means the estimate. */
function measureRow(element: Element, entry: ResizeObserverEntry | undefined, instance: Virtualizer<Window, Element>): number {
  const size = measureElement(element, entry, instance);
  return size > 0 ? size : ESTIMATED_ROW_PX;
}

interface LibraryGridProps {
  items: Asset[];
  onOpen: (id: number) => void;
  /** A card's tag chip was clicked. */
  onFilterTag?: (tag: string) => void;
  /** Rows near the end of those loaded are on screen: read the next page, if there is one. */
  onNearEnd: () => void;
  /** The cards selected for a bulk action; held here, not in the cards, which scroll in and out. */
  selection?: Selection;
  /** A card's checkbox was clicked (`range`: shift held). Without it (viewers) cards have no checkbox. */
  onSelect?: (id: number, range: boolean) => void;
  /** Put a heading before each month taken (the list is sorted by date taken). */
  groupByMonth?: boolean;
  /** Grouped: the month at the top of the screen changed (the scrubber marks where the user is). */
  onMonthInView?: (month: MonthKey | null) => void;
}

export function LibraryGrid({
  items,
  onOpen,
  onFilterTag,
  onNearEnd,
  selection,
  onSelect,
  groupByMonth = false,
  onMonthInView,
}: LibraryGridProps) {
  const listRef = useRef<HTMLUListElement>(null);
  const { width, columnGap, rowGap, rowHeight, top } = useGridLayout(listRef);
  const lines = useMemo(
    () => justifiedLines(items, { width, rowHeight, gap: columnGap }, groupByMonth),
    [items, width, rowHeight, columnGap, groupByMonth],
  );
  const rowCount = lines.length;
  // Both kept the same from render to render until the lines change: the virtualizer lays out
  // every line again (keys, estimates, positions) whenever getItemKey is a new function, and the
  // grid renders on every scroll event, so a fresh one there would cost time in proportion to
  // everything loaded, on every frame of a scroll.
  const estimateSize = useCallback(
    (index: number) => {
      const line = lines[index];
      if (line?.kind === 'month') return ESTIMATED_HEADING_PX;
      return line && width > 0 ? line.height + ESTIMATED_CARD_BODY_PX : ESTIMATED_ROW_PX;
    },
    [lines, width],
  );
  const getItemKey = useCallback((index: number) => lines[index]?.key ?? index, [lines]);
  const virtualizer = useWindowVirtualizer({
    count: rowCount,
    estimateSize,
    getItemKey,
    overscan: OVERSCAN_ROWS,
    gap: rowGap,
    scrollMargin: top,
    measureElement: measureRow,
  });

  // Another width or row height makes other rows: the heights measured for the old ones no longer hold.
  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, width, rowHeight]);

  const rows: VirtualItem[] = virtualizer.getVirtualItems();
  const lastRendered = rows[rows.length - 1]?.index ?? -1;
  useEffect(() => {
    if (rowCount > 0 && lastRendered >= rowCount - 1 - PREFETCH_ROWS) onNearEnd();
  }, [lastRendered, rowCount, onNearEnd]);

  // The line at the top of the screen, and the month it belongs to.
  const scrolled = virtualizer.scrollOffset ?? 0;
  const topLine = lines[rows.find((row) => row.end > scrolled)?.index ?? -1];
  const monthInView =
    !groupByMonth || !topLine ? null : topLine.kind === 'month' ? topLine.month : monthOf(items[topLine.start]?.captured_at);
  useEffect(() => {
    onMonthInView?.(monthInView);
  }, [monthInView, onMonthInView]);

  const first = rows[0];
  const last = rows[rows.length - 1];
  const margin = virtualizer.options.scrollMargin;
  const above = first ? first.start - margin : 0;
  const below = last ? Math.max(0, virtualizer.getTotalSize() - (last.end - margin)) : 0;

  const selecting = selection !== undefined && !isEmpty(selection);
  const selectProps = (asset: Asset) =>
    onSelect && selection
      ? { onSelect, selected: isSelected(selection, asset.id), selectionLocked: selection.kind === 'all' }
      : {};

  return (
    <ul
      ref={listRef}
      className={selecting ? 'grid grid--selecting' : 'grid'}
      aria-label="Assets"
      style={{ paddingTop: above, paddingBottom: below }}
    >
      {rows.flatMap((row) => {
        const line = lines[row.index];
        if (!line) return [];
        if (line.kind === 'month') {
          return [
            <li key={line.key} className="grid__month" ref={virtualizer.measureElement} data-index={row.index}>
              <h3>{monthLabel(line.month)}</h3>
            </li>,
          ];
        }
        return items.slice(line.start, line.end).map((asset, column) => (
          <AssetCard
            key={asset.id}
            asset={asset}
            onOpen={onOpen}
            onFilterTag={onFilterTag}
            width={width > 0 ? line.widths[column] : undefined}
            pictureHeight={width > 0 ? line.height : undefined}
            {...(column === 0 ? { row: row.index, measureRef: virtualizer.measureElement } : {})}
            {...selectProps(asset)}
          />
        ));
      })}
    </ul>
  );
}
