/** A labelled progress bar; `value` null means the amount is not known yet. */
export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  const clamped = value === null ? null : Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped ?? undefined}
      aria-valuetext={clamped === null ? 'waiting' : `${clamped}%`}
    >
      <div
        className={clamped === null ? 'progress__fill progress__fill--indeterminate' : 'progress__fill'}
        style={clamped === null ? undefined : { width: `${clamped}%` }}
      />
    </div>
  );
}
