/**
 * An asset's picture: its blurhash painted first (when it has one), the image faded in once
 * loaded, and the type icon when there is no picture (yet). A thumbnail the server refused for
 * the rate limit (429) is asked for again after its Retry-After, a few times, the blurhash staying
 * meanwhile; one that is gone (404) or broken shows the icon.
 */
import { useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { MediaKind } from '../services/assetUpdates';
import { blurhashDataUrl } from '../services/blurhash';
import { probeThumbnail, THUMBNAIL_RETRIES } from '../services/thumbnailRetry';
import { MediaIcon } from './MediaIcon';

interface ThumbnailProps {
  src: string | undefined | null;
  alt: string;
  kind: MediaKind;
  className?: string;
  /** `media_metadata.blurhash`: painted in the picture's place until the picture has loaded. */
  blurhash?: string | null;
  /**
   * The picture's width / height. Given, the image keeps it: it fills the frame's height and is
   * centred across (the grid sizes the frame to it, or wider for a very narrow picture).
   */
  aspectRatio?: number;
}

export function Thumbnail(props: ThumbnailProps) {
  // Keyed by src, so a new thumbnail (after reprocess) fades in afresh and an old error is forgotten.
  return <ThumbnailFrame key={props.src ?? ''} {...props} />;
}

/** Decoded placeholders by hash and shape: cards scroll in and out of the virtualized grid. */
const placeholders = new Map<string, string | null>();
const PLACEHOLDER_CACHE_SIZE = 2_000;

function placeholderOf(hash: string | null | undefined, aspectRatio: number | undefined): string | null {
  if (!hash) return null;
  // The shape to a tenth is plenty for a picture shown blurred.
  const ratio = Math.round((aspectRatio ?? 1) * 10) / 10 || 1;
  const key = `${hash}|${ratio}`;
  const cached = placeholders.get(key);
  if (cached !== undefined) return cached;
  const url = blurhashDataUrl(hash, ratio);
  if (placeholders.size >= PLACEHOLDER_CACHE_SIZE) placeholders.clear();
  placeholders.set(key, url);
  return url;
}

type Phase = 'showing' | 'checking' | 'failed';

function ThumbnailFrame({ src, alt, kind, className, blurhash, aspectRatio }: ThumbnailProps) {
  const [loaded, setLoaded] = useState(false);
  const [phase, setPhase] = useState<Phase>('showing');
  // Each new <img> (after a retry) is a new element: the browser asks for its picture again.
  const [attempt, setAttempt] = useState(0);
  // Every question to the server counts, whatever it answered: a picture the server serves but the
  // browser cannot decode (the <img> fails again after a 200) is given up too.
  const probes = useRef(0);
  const placeholder = useMemo(() => placeholderOf(blurhash, aspectRatio), [blurhash, aspectRatio]);

  // The <img> failed: ask the server why, and wait out its rate limit before showing it again.
  useEffect(() => {
    if (phase !== 'checking' || !src) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      if (probes.current > THUMBNAIL_RETRIES) {
        setPhase('failed');
        return;
      }
      probes.current += 1;
      void probeThumbnail(src, controller.signal).then((result) => {
        if (controller.signal.aborted) return;
        if (result.kind === 'ok') {
          setAttempt((value) => value + 1);
          setPhase('showing');
        } else if (result.kind === 'throttled') {
          timer = setTimeout(check, result.waitMs);
        } else {
          setPhase('failed');
        }
      });
    };
    check();
    return () => {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [phase, src]);

  const failed = phase === 'failed';
  const showImage = Boolean(src) && phase === 'showing';
  const painted = placeholder !== null && !failed;
  const frameStyle: CSSProperties | undefined = painted ? { backgroundImage: `url("${placeholder}")` } : undefined;
  const classes = ['thumb', painted ? 'thumb--blurhash' : '', className ?? ''].filter(Boolean).join(' ');
  const imageClasses = ['thumb__img', aspectRatio ? 'thumb__img--fit' : '', loaded ? 'thumb__img--loaded' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={classes} style={frameStyle}>
      {!loaded && (
        <div className="thumb__placeholder" data-testid="thumbnail-placeholder">
          {!painted && <MediaIcon kind={kind} />}
        </div>
      )}
      {showImage && (
        <img
          key={attempt}
          className={imageClasses}
          style={aspectRatio ? { aspectRatio: String(aspectRatio) } : undefined}
          src={src ?? undefined}
          alt={alt}
          loading="lazy"
          decoding="async"
          onLoad={() => setLoaded(true)}
          onError={() => setPhase('checking')}
        />
      )}
    </div>
  );
}
