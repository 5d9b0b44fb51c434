/**
 * One folder import as it goes: its status, a progress bar over the files looked at (once they
 * are counted), what happened to them, a Cancel button while it runs, and the files it rejected
 * with the reasons. Only the status is announced to screen readers as it changes; the counts move
 * a few times a second and would drown everything else.
 */
import { useId, useState } from 'react';
import { ApiError, type ImportJob } from '../services/api';
import {
  folderLabel,
  formatCount,
  importPercent,
  importProgressText,
  importStatusText,
  isActive,
} from '../services/imports';
import { ProgressBar } from './ProgressBar';

interface ImportJobViewProps {
  job: ImportJob;
  onCancel: (id: number) => Promise<void>;
  /** Shows the rejected files at once; otherwise behind a disclosure. */
  expanded?: boolean;
}

const COUNTS: { key: keyof ImportJob['counts']; label: string; hint: string }[] = [
  { key: 'added', label: 'Added', hint: 'new assets' },
  { key: 'skipped', label: 'Skipped', hint: 'already in the library' },
  { key: 'ignored', label: 'Ignored', hint: 'not a supported type' },
  { key: 'rejected', label: 'Rejected', hint: 'could not be read' },
  { key: 'excluded', label: 'Excluded', hint: 'matched a pattern' },
];

export function ImportJobView({ job, onCancel, expanded = true }: ImportJobViewProps) {
  const id = useId();
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  // Asked here, or (as the server says) from another tab or before a reload.
  const stopping = cancelling || job.cancel_requested === true;
  const active = isActive(job.status);
  const where = folderLabel(job.path);
  const rejections = job.rejections ?? [];

  const cancel = async () => {
    setCancelling(true);
    setCancelError(null);
    try {
      await onCancel(job.id);
    } catch (reason) {
      setCancelError(reason instanceof ApiError ? reason.message : String(reason));
      setCancelling(false);
    }
  };

  const rejectedList = rejections.length > 0 && (
    <>
      <ul className="import-job__rejections" aria-label={`Rejected files of the import of ${where}`}>
        {rejections.map((rejection) => (
          <li key={rejection.path}>
            <code className="import-job__path">{rejection.path}</code>
            <span className="import-job__reason">{rejection.reason}</span>
          </li>
        ))}
      </ul>
      {job.counts.rejected > rejections.length && (
        <p className="hint">
          The first {formatCount(rejections.length)} of {formatCount(job.counts.rejected)} rejected files.
        </p>
      )}
    </>
  );

  return (
    <article
      className={`import-job import-job--${job.status}${job.counts.rejected > 0 ? ' import-job--has-rejections' : ''}`}
      aria-labelledby={`${id}-title`}
    >
      <header className="import-job__head">
        <h4 id={`${id}-title`} className="import-job__title">
          Import of <span className="import-job__folder">{where}</span>
        </h4>
        <span className={`badge badge--import-${job.status}`} role="status">
          {importStatusText(job)}
        </span>
      </header>
      {(active || job.status === 'done') && (
        <ProgressBar value={importPercent(job)} label={`Importing ${where}`} />
      )}
      <p className="import-job__progress muted">
        {importProgressText(job)}
        {!job.process && ' · registered without processing'}
        {job.exclude.length > 0 && ` · leaving out ${job.exclude.join(', ')}`}
      </p>
      <dl className="import-job__counts">
        {COUNTS.filter(({ key }) => key !== 'excluded' || job.counts.excluded > 0 || job.exclude.length > 0).map(
          ({ key, label, hint }) => (
            <div key={key} className={`import-job__count import-job__count--${key}`} title={hint}>
              <dt>{label}</dt>
              <dd>{formatCount(job.counts[key])}</dd>
            </div>
          ),
        )}
      </dl>
      {job.status === 'failed' && job.error && <p className="field__error">{job.error}</p>}
      {active && (
        <div className="import-job__actions">
          <button type="button" onClick={() => void cancel()} disabled={stopping} aria-label={`Cancel the import of ${where}`}>
            {stopping ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      )}
      {cancelError && (
        <p className="field__error" role="alert">
          {cancelError}
        </p>
      )}
      {rejectedList &&
        (expanded ? (
          <section className="import-job__rejected" aria-labelledby={`${id}-rejected`}>
            <h5 id={`${id}-rejected`}>Rejected files</h5>
            {rejectedList}
          </section>
        ) : (
          <details className="import-job__rejected">
            <summary>
              {formatCount(job.counts.rejected)} rejected {job.counts.rejected === 1 ? 'file' : 'files'}
            </summary>
            {rejectedList}
          </details>
        ))}
    </article>
  );
}
