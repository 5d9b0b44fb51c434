/** The placeholder drawn where a thumbnail will appear once processing makes one. */
import type { MediaKind } from '../services/assetUpdates';

export function MediaIcon({ kind }: { kind: MediaKind }) {
  return (
    <svg className="media-icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false" data-kind={kind}>
      {kind === 'video' ? (
        <>
          <rect x="6" y="10" width="36" height="28" rx="4" fill="none" stroke="currentColor" strokeWidth="3" />
          <path d="M20 18v12l10-6z" fill="currentColor" />
        </>
      ) : kind === 'audio' ? (
        // A waveform: bars of different heights about a centre line, as the thumbnail will be.
        <path
          d="M8 21v6M14 15v18M20 9v30M26 17v14M32 12v24M38 19v10"
          fill="none"
          stroke="currentColor"
          strokeWidth="3"
          strokeLinecap="round"
        />
      ) : (
        <>
          <rect x="6" y="8" width="36" height="32" rx="4" fill="none" stroke="currentColor" strokeWidth="3" />
          <circle cx="17" cy="18" r="4" fill="currentColor" />
          <path d="M9 36l11-12 8 8 5-5 7 9z" fill="currentColor" />
        </>
      )}
    </svg>
  );
}
