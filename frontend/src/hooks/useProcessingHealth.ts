/** Polls /health/processing so the header can say when nobody is processing queued work. */
import { useEffect, useState } from 'react';
import { HEALTH_POLL_MS } from '../contract';
import { healthProcessing } from '../services/api';
import type { ConnectionState } from '../services/websocket';

export type ProcessingHealth = 'unknown' | 'ok' | 'workers-down' | 'unreachable';

export function useProcessingHealth(intervalMs: number = HEALTH_POLL_MS): ProcessingHealth {
  const [health, setHealth] = useState<ProcessingHealth>('unknown');
  useEffect(() => {
    let controller: AbortController | null = null;
    const poll = () => {
      controller?.abort();
      const current = new AbortController();
      controller = current;
      healthProcessing(current.signal)
        .then((report) => setHealth(report.ok ? 'ok' : 'workers-down'))
        .catch(() => {
          if (!current.signal.aborted) setHealth('unreachable');
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
export function describeHealth(connection: ConnectionState, processing: ProcessingHealth): { level: HealthLevel; text: string } {
  if (connection === 'offline') return { level: 'bad', text: 'Offline' };
  if (connection === 'connecting') return { level: 'warn', text: 'Connecting…' };
  if (connection === 'reconnecting') return { level: 'warn', text: 'Reconnecting…' };
  if (processing === 'workers-down') return { level: 'bad', text: 'Connected · workers down' };
  if (processing === 'unreachable') return { level: 'warn', text: 'Connected · health unknown' };
  return { level: 'ok', text: 'Connected' };
}
