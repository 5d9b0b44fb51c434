/**
 * The seek strip under a video: hovering it shows the frame for that moment (a region of the
 * scrub sprite, from the video's WebVTT thumbnail track) above the pointer, and a click or the
 * arrow keys seek there. The video's native controls stay; without a readable track there is no strip.
 */
import { useEffect, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { formatDuration } from '../services/format';
import { cueAt, parseThumbnailTrack, type ThumbnailCue } from '../services/thumbnailTrack';

interface ScrubStripProps {
  trackUrl: string;
  video: HTMLVideoElement;
  /** The duration the server measured: used until the video has read its own. */
  duration?: number;
  onSeek: (seconds: number) => void;
}

/** Seconds an arrow key moves. */
const KEY_STEP = 5;

export function ScrubStrip({ trackUrl, video, duration: measured, onSeek }: ScrubStripProps) {
  const [cues, setCues] = useState<ThumbnailCue[]>([]);
  const [current, setCurrent] = useState(0);
  const [ownDuration, setOwnDuration] = useState<number | null>(null);
  // The pointer over the strip: where (px from its left) and which moment.
  const [hover, setHover] = useState<{ left: number; width: number; time: number } | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetch(trackUrl, { signal: controller.signal, credentials: 'same-origin' })
      .then((response) => (response.ok ? response.text() : ''))
      .then((text) => setCues(parseThumbnailTrack(text, trackUrl)))
      // A strip that cannot be read is left out: the video plays all the same.
      .catch(() => undefined);
    return () => controller.abort();
  }, [trackUrl]);

  useEffect(() => {
    const onTime = () => setCurrent(video.currentTime);
    const onDuration = () => setOwnDuration(Number.isFinite(video.duration) && video.duration > 0 ? video.duration : null);
    onDuration();
    video.addEventListener('timeupdate', onTime);
    video.addEventListener('seeked', onTime);
    video.addEventListener('durationchange', onDuration);
    video.addEventListener('loadedmetadata', onDuration);
    return () => {
      video.removeEventListener('timeupdate', onTime);
      video.removeEventListener('seeked', onTime);
      video.removeEventListener('durationchange', onDuration);
      video.removeEventListener('loadedmetadata', onDuration);
    };
  }, [video]);

  const lastCue = cues[cues.length - 1];
  const duration = ownDuration ?? (typeof measured === 'number' && measured > 0 ? measured : (lastCue?.end ?? 0));
  if (cues.length === 0 || duration <= 0) return null;

  const timeAt = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const left = Math.min(box.width, Math.max(0, event.clientX - box.left));
    return { left, width: box.width, time: box.width > 0 ? (left / box.width) * duration : 0 };
  };
  const seek = (time: number) => {
    const clamped = Math.min(duration, Math.max(0, time));
    onSeek(clamped);
    setCurrent(clamped);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowLeft: -KEY_STEP, ArrowRight: KEY_STEP }[event.key];
    const jump = { Home: 0, End: duration }[event.key];
    if (step === undefined && jump === undefined) return;
    event.preventDefault();
    event.stopPropagation();
    seek(jump ?? current + (step ?? 0));
  };

  const frame = hover ? cueAt(cues, hover.time) : null;
  return (
    <div
      className="scrub"
      role="slider"
      tabIndex={0}
      aria-label="Seek, with a preview of each moment"
      aria-valuemin={0}
      aria-valuemax={Math.round(duration)}
      aria-valuenow={Math.round(current)}
      aria-valuetext={`${formatDuration(current)} of ${formatDuration(duration)}`}
      data-no-swipe
      onPointerMove={(event) => setHover(timeAt(event))}
      onPointerLeave={() => setHover(null)}
      onPointerDown={(event) => {
        const at = timeAt(event);
        setHover(at);
        seek(at.time);
      }}
      onKeyDown={onKeyDown}
    >
      <div className="scrub__track">
        <div className="scrub__played" style={{ width: `${(Math.min(current, duration) / duration) * 100}%` }} />
      </div>
      {hover && frame && (
        <div
          className="scrub__preview"
          data-testid="scrub-preview"
          style={{
            // Above the pointer, kept inside the strip.
            left: `${Math.min(Math.max(hover.left - frame.width / 2, 0), Math.max(0, hover.width - frame.width))}px`,
            width: `${frame.width}px`,
            height: `${frame.height}px`,
            backgroundImage: `url("${frame.url}")`,
            backgroundPosition: `${-frame.x}px ${-frame.y}px`,
          }}
        >
          <span className="scrub__time">{formatDuration(hover.time)}</span>
        </div>
      )}
    </div>
  );
}
