/** The placeholder drawn where a thumbnail will appear once processing makes one. */
import type { MediaKind } from '../services/assetUpdates';

export function MediaIcon({ kind }: { kind: MediaKind }) {
  return (
    <svg className="media-icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
      {kind === 'video' ? (
        <>
          <rect x="6" y="10" width="36" height="28" rx="4" fill="none" stroke="currentColor" strokeWidth="3" />
          <path d="M20 18v12l10-6z" fill="currentColor" />
        </>
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
