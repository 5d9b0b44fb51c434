/**
 * The timeline's months (`GET /assets/timeline`) for the library's current filters, for the
 * scrubber: asked for once the filters have been still for a moment (as the facets are), the
 * request before aborted. Live events that can move a month's count (an asset added, deleted,
 * or processed, which reads its date taken) ask again, at most once every TIMELINE_LIVE_MS: a
 * folder import sends thousands of events, and the scrubber's counts are a help, not a ledger.
 * A failure leaves no months shown.
 */
import { useEffect, useRef, useState } from 'react';
import { FACETS_DEBOUNCE_MS } from '../contract';
import { getTimeline, type AssetFilters, type TimelineMonth } from '../services/api';
import type { LiveConnection, ServerMessage } from '../services/websocket';

/** The shortest time between two reads of the timeline caused by live events. */
export const TIMELINE_LIVE_MS = 5000;

/** Whether a live message can change how many assets a month holds. */
function movesCounts(message: ServerMessage): boolean {
  switch (message.type) {
    case 'asset_created':
    case 'asset_deleted':
    case 'snapshot':
      return true;
    case 'processing_update':
      return message.data.status === 'ready' || message.data.status === 'failed';
    default:
      return false;
  }
}

interface TimelineFor {
  months: TimelineMonth[];
  key: string;
}

export function useTimeline(
  filters: AssetFilters,
  options: { enabled?: boolean; connection?: LiveConnection | null; version?: number; delayMs?: number; liveMs?: number } = {},
): TimelineMonth[] | null {
  const { enabled = true, connection = null, version = 0, delayMs = FACETS_DEBOUNCE_MS, liveMs = TIMELINE_LIVE_MS } = options;
  const key = JSON.stringify(filters);
  const [held, setHeld] = useState<TimelineFor | null>(null);
  const [liveVersion, setLiveVersion] = useState(0);

  // Live events: the first after a quiet spell asks again at once, the rest wait out the window.
  const lastLiveRead = useRef(Number.NEGATIVE_INFINITY);
  const liveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!connection || !enabled) return;
    const unsubscribe = connection.subscribe((message) => {
      if (!movesCounts(message) || liveTimer.current !== null) return;
      const wait = Math.max(0, lastLiveRead.current + liveMs - Date.now());
      liveTimer.current = setTimeout(() => {
        liveTimer.current = null;
        lastLiveRead.current = Date.now();
        setLiveVersion((value) => value + 1);
      }, wait);
    });
    return () => {
      unsubscribe();
      if (liveTimer.current !== null) clearTimeout(liveTimer.current);
      liveTimer.current = null;
    };
  }, [connection, enabled, liveMs]);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      getTimeline(JSON.parse(key) as AssetFilters, controller.signal)
        .then((months) => {
          if (!controller.signal.aborted) setHeld({ months, key });
        })
        .catch(() => {
          if (!controller.signal.aborted) setHeld(null);
        });
    }, delayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, enabled, version, liveVersion, delayMs]);

  // Months of other filters would mislead: none until the new ones come (the last ones stay
  // while live events read the same filters again).
  return enabled && held !== null && held.key === key ? held.months : null;
}
