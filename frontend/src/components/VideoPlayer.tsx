/**
 * A video in the viewer: the proxy when the server made one, else the original when a browser can
 * play it, with the scrub strip under it; and, when nothing playable exists (or the browser fails
 * on it), no dead player but a message saying why and a download link.
 */
import { useRef, useState } from 'react';
import { assetContentUrl, type Asset } from '../services/api';
import { ScrubStrip } from './ScrubStrip';

/** What the player plays: the proxy, else the original unless the server says it cannot play; null when neither. */
function playableSourceOf(asset: Asset): string | null {
  const { proxy_url: proxy, browser_playable: playable } = asset.media_metadata;
  if (typeof proxy === 'string' && proxy !== '') return proxy;
  return playable === false ? null : assetContentUrl(asset.id);
}

export function VideoPlayer({ asset }: { asset: Asset }) {
  const source = playableSourceOf(asset);
  if (source === null) return <UnplayableVideo asset={asset} />;
  // Keyed by the source: the proxy arriving after processing gets a fresh player (and a fresh chance).
  return <PlayableVideo key={source} asset={asset} source={source} />;
}

function PlayableVideo({ asset, source }: { asset: Asset; source: string }) {
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const player = useRef<HTMLVideoElement | null>(null);
  const [failed, setFailed] = useState(false);
  const { thumbnail_url: poster, scrub_vtt_url: scrub, width } = asset.media_metadata;
  if (failed) return <UnplayableVideo asset={asset} playFailed />;
  return (
    <div className="viewer viewer--video">
      <video
        ref={(element) => {
          player.current = element;
          setVideo(element);
        }}
        controls
        preload="metadata"
        src={source}
        poster={poster ?? undefined}
        aria-label={`Video: ${asset.title}`}
        onError={() => setFailed(true)}
        onLoadedMetadata={(event) => {
          // Sound but no picture: the browser cannot decode this video's stream.
          if (event.currentTarget.videoWidth === 0 && typeof width === 'number' && width > 0) setFailed(true);
        }}
      />
      {typeof scrub === 'string' && scrub !== '' && video && (
        <ScrubStrip
          trackUrl={scrub}
          video={video}
          duration={asset.media_metadata.duration}
          onSeek={(time) => {
            if (player.current) player.current.currentTime = time;
          }}
        />
      )}
    </div>
  );
}

/** Why no player: the proxy failed (the server's reason), is still being made, or the browser gave up. */
function unplayableReason(asset: Asset, playFailed: boolean): string {
  const missing = asset.media_metadata.renditions_missing;
  const proxyFailure = missing && typeof missing === 'object' ? missing.proxy : undefined;
  if (typeof proxyFailure === 'string' && proxyFailure !== '') return `A playable copy could not be made: ${proxyFailure}`;
  if (asset.status !== 'ready' && asset.status !== 'failed') return 'A playable copy is being made; it will play here when it is ready.';
  if (playFailed) return 'This browser could not play the file.';
  return 'No playable copy has been made of it yet.';
}

export function UnplayableVideo({ asset, playFailed = false }: { asset: Asset; playFailed?: boolean }) {
  const poster = asset.media_metadata.thumbnail_url;
  return (
    <div className="viewer viewer--unplayable" role="note" aria-label="Video not playable here">
      {poster && <img className="viewer__poster" src={poster} alt="" />}
      <div className="viewer__message">
        <p>
          <strong>This video's format cannot be played in the browser.</strong>
        </p>
        <p>{unplayableReason(asset, playFailed)}</p>
        <p>
          <a className="button-link" href={assetContentUrl(asset.id)} download>
            Download the original
          </a>
        </p>
      </div>
    </div>
  );
}
