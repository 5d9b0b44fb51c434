/**
 * A sound in the viewer: its waveform, and a player for the proxy when the server made one, else
 * the original when a browser can play it; when nothing playable exists (or the browser fails on
 * it), no dead player but a message saying why and a download link.
 */
import { useState } from 'react';
import { assetContentUrl, type Asset } from '../services/api';

/** What the player plays: the proxy, else the original unless the server says it cannot play; null when neither. */
function audioSourceOf(asset: Asset): string | null {
  const { proxy_url: proxy, browser_playable: playable } = asset.media_metadata;
  if (typeof proxy === 'string' && proxy !== '') return proxy;
  return playable === false ? null : assetContentUrl(asset.id);
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

function Waveform({ asset }: { asset: Asset }) {
  const { thumbnail_url: waveform, thumbnail_width: width, thumbnail_height: height } = asset.media_metadata;
  if (typeof waveform !== 'string' || waveform === '') return null;
  return (
    <img
      className="viewer__waveform"
      src={waveform}
      alt={`Waveform of ${asset.title}`}
      width={typeof width === 'number' ? width : undefined}
      height={typeof height === 'number' ? height : undefined}
    />
  );
}

export function AudioPlayer({ asset }: { asset: Asset }) {
  const source = audioSourceOf(asset);
  // Keyed by the source: the proxy arriving after processing gets a fresh player (and a fresh chance).
  return <AudioView key={source ?? 'none'} asset={asset} source={source} />;
}

function AudioView({ asset, source }: { asset: Asset; source: string | null }) {
  const [failed, setFailed] = useState(false);
  const playable = source !== null && !failed;
  return (
    <div className="viewer viewer--audio">
      <Waveform asset={asset} />
      {playable ? (
        <audio controls preload="metadata" src={source} aria-label={`Audio: ${asset.title}`} onError={() => setFailed(true)} />
      ) : (
        <div className="viewer__message" role="note" aria-label="Audio not playable here">
          <p>
            <strong>This recording's format cannot be played in the browser.</strong>
          </p>
          <p>{unplayableReason(asset, failed)}</p>
          <p>
            <a className="button-link" href={assetContentUrl(asset.id)} download>
              Download the original
            </a>
          </p>
        </div>
      )}
    </div>
  );
}
