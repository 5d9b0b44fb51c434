/**
 * The library's cards as a grid whose rows are virtualized against the window's scroll: only the
 * rows on screen, and a few either side, are in the DOM however many thousand assets are loaded.
 * Padding above and below stands in for the rows left out, so the scrollbar keeps its size.
 * Rendering rows near the end of what is loaded asks for the next page. Sorted by date taken, a
 * month's heading (a real h3, a line of its own) goes before its first card, computed from the
 * cards loaded, in UTC as the timeline counts.
 */
import { measureElement, useWindowVirtualizer, type VirtualItem, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { Asset } from '../services/api';
import { isEmpty, isSelected, type Selection } from '../services/selection';
import { gridRows, monthLabel, monthOf, type MonthKey } from '../services/timeline';
import { AssetCard } from './AssetCard';

/** A card's height before it is measured (a thumbnail, three lines, a progress bar). */
export const ESTIMATED_ROW_PX = 300;
/** A month heading's line before it is measured. */
const ESTIMATED_HEADING_PX = 48;
/** Rows rendered beyond the screen's edges, so a quick scroll does not show blank space. */
const OVERSCAN_ROWS = 3;
/** The next page is asked for when the last row rendered is this close to the last row loaded. */
const PREFETCH_ROWS = 4;

interface GridLayout {
  /** Columns as the stylesheet lays them out (auto-fill): rows are virtualized, so this must match. */
  columns: number;
  rowGap: number;
  /** The grid's distance from the top of the document: the virtualizer's scroll margin. */
  top: number;
}

/** A track of the computed grid-template-columns: one pixel length per column ("[name]" lines aside). */
const TRACK = /^[\d.]+px$/;

function readLayout(list: HTMLElement): GridLayout {
  const style = window.getComputedStyle(list);
  const columns = style.gridTemplateColumns.split(/\s+/).filter((track) => TRACK.test(track)).length;
  return {
    columns: Math.max(1, columns),
    rowGap: Number.parseFloat(style.rowGap) || 0,
    top: Math.round(list.getBoundingClientRect().top + window.scrollY),
  };
}

/**
 * The grid's columns, gap and position, read from the browser's own layout and read again when
 * the grid or the page above it changes size (a narrower window, the add-media panel opening).
 */
function useGridLayout(ref: RefObject<HTMLElement | null>): GridLayout {
  const [layout, setLayout] = useState<GridLayout>({ columns: 1, rowGap: 0, top: 0 });
  useLayoutEffect(() => {
    const list = ref.current;
    if (!list) return;
    const read = () => {
      const next = readLayout(list);
      setLayout((previous) =>
        previous.columns === next.columns && previous.rowGap === next.rowGap && previous.top === next.top
          ? previous
          : next,
      );
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

/** A row's height is its first card's (grid items stretch to their row); unmeasurable (no layout) means the estimate. */
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
  const { columns, rowGap, top } = useGridLayout(listRef);
  const lines = useMemo(() => gridRows(items, columns, groupByMonth), [items, columns, groupByMonth]);
  const rowCount = lines.length;
  const virtualizer = useWindowVirtualizer({
    count: rowCount,
    estimateSize: (index) => (lines[index]?.kind === 'month' ? ESTIMATED_HEADING_PX : ESTIMATED_ROW_PX),
    getItemKey: (index) => lines[index]?.key ?? index,
    overscan: OVERSCAN_ROWS,
    gap: rowGap,
    scrollMargin: top,
    measureElement: measureRow,
  });

  // Another column count makes other rows: the heights measured for the old ones no longer hold.
  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, columns]);

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
        return items
          .slice(line.start, line.end)
          .map((asset, column) =>
            column === 0 ? (
              <AssetCard
                key={asset.id}
                asset={asset}
                onOpen={onOpen}
                onFilterTag={onFilterTag}
                row={row.index}
                measureRef={virtualizer.measureElement}
                {...selectProps(asset)}
              />
            ) : (
              <AssetCard key={asset.id} asset={asset} onOpen={onOpen} onFilterTag={onFilterTag} {...selectProps(asset)} />
            ),
          );
      })}
    </ul>
  );
}
