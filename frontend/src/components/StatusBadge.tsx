/** The asset's processing status as a coloured word (the word carries the meaning, not the colour). */
import type { AssetStatus } from '../contract';

const LABELS: Record<AssetStatus, string> = {
  pending: 'Pending',
  processing: 'Processing',
  ready: 'Ready',
  failed: 'Failed',
};

export function StatusBadge({ status }: { status: AssetStatus }) {
  return <span className={`badge badge--${status}`}>{LABELS[status] ?? status}</span>;
}
