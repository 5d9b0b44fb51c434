/**
 * "Same file as …": an asset whose bytes an earlier asset already has names that asset (by its
 * title once read, by its id until then or if it cannot be read) with a link that opens it.
 */
import { useEffect, useState } from 'react';
import { getAsset } from '../services/api';
import { parseLibraryQuery, serializeLibraryQuery } from '../services/libraryQuery';

interface DuplicateNoticeProps {
  /** The asset with the same bytes (`duplicate_of`). */
  originalId: number;
  onOpen: (id: number) => void;
}

export function DuplicateNotice({ originalId, onOpen }: DuplicateNoticeProps) {
  const [title, setTitle] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    getAsset(originalId, controller.signal)
      .then((original) => setTitle(original.title))
      .catch(() => undefined); // deleted meanwhile, or not readable: its id still says which
    return () => controller.abort();
  }, [originalId]);

  // A real link (the same place with this asset open), so it can open in a new tab too.
  const href = serializeLibraryQuery({ ...parseLibraryQuery(window.location.search), asset: originalId }) || '/';
  return (
    <p className="notice notice--info duplicate-notice">
      <span>
        Same file as{' '}
        <a
          href={href}
          onClick={(event) => {
            if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
            event.preventDefault();
            onOpen(originalId);
          }}
        >
          {title ?? `#${originalId}`}
        </a>
      </span>
    </p>
  );
}
