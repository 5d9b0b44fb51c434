/** Polls /health/processing so the header can say when nobody is processing queued work. */
import { useEffect, useState } from 'react';
import { HEALTH_POLL_MS } from '../contract';
import { healthProcessing, type HealthReport } from '../services/api';
import type { ConnectionState } from '../services/websocket';

export type ProcessingHealthLevel = 'unknown' | 'ok' | 'no-workers' | 'workers-down' | 'unavailable' | 'unreachable';

export interface ProcessingHealth {
  level: ProcessingHealthLevel;
  /** The server's own explanation, when it gave one. */
  detail: string | null;
}

function workerCount(body: Record<string, unknown>): number | null {
  const workers = body.workers;
  if (typeof workers === 'number') return workers;
  if (typeof workers === 'object' && workers !== null && 'count' in workers) {
    const count = workers.count;
    if (typeof count === 'number') return count;
  }
  return null;
}

/** Reads a /health/processing answer: 503 is "work is stuck", 200 without workers is only idle. */
export function readProcessingHealth(report: HealthReport): ProcessingHealth {
  const detail = typeof report.body.error === 'string' ? report.body.error : null;
  const workers = workerCount(report.body);
  if (!report.ok) return { level: workers === 0 ? 'workers-down' : 'unavailable', detail };
  if (workers === 0) return { level: 'no-workers', detail: detail ?? 'No worker is running; new media will wait.' };
  return { level: 'ok', detail };
}

export function useProcessingHealth(intervalMs: number = HEALTH_POLL_MS): ProcessingHealth {
  const [health, setHealth] = useState<ProcessingHealth>({ level: 'unknown', detail: null });
  useEffect(() => {
    let controller: AbortController | null = null;
    const poll = () => {
      controller?.abort();
      const current = new AbortController();
      controller = current;
      healthProcessing(current.signal)
        .then((report) => setHealth(readProcessingHealth(report)))
        .catch(() => {
          if (!current.signal.aborted) setHealth({ level: 'unreachable', detail: 'The health check did not answer.' });
        });
    };
    poll();
    const timer = window.setInterval(poll, intervalMs);
    return () => {
      window.clearInterval(timer);
      controller?.abort();
    };
  }, [intervalMs]);
  return health;
}

export type HealthLevel = 'ok' | 'warn' | 'bad';

/** The connection problem outranks the workers: without it no live news arrives at all. */
export function describeHealth(
  connection: ConnectionState,
  processing: ProcessingHealthLevel,
): { level: HealthLevel; text: string } {
  if (connection === 'offline') return { level: 'bad', text: 'Offline' };
  if (connection === 'connecting') return { level: 'warn', text: 'Connecting…' };
  if (connection === 'reconnecting') return { level: 'warn', text: 'Reconnecting…' };
  if (processing === 'workers-down') return { level: 'bad', text: 'Connected · workers down' };
  if (processing === 'unavailable') return { level: 'bad', text: 'Connected · processing unavailable' };
  if (processing === 'no-workers') return { level: 'warn', text: 'Connected · no workers' };
  if (processing === 'unreachable') return { level: 'warn', text: 'Connected · health unknown' };
  return { level: 'ok', text: 'Connected' };
}
