/**
 * An asset's media metadata in people's words: rows for what it is (taken when and with what,
 * dimensions, duration, codecs), field names as words, and the renditions that could not be made.
 * What only says how the UI gets its pictures (URLs, their sizes, the blurhash) is never shown.
 */
import type { MediaMetadata } from './api';
import { formatDuration } from './format';

/** Fields that say how the UI gets its pictures, not what the asset is. */
export const HIDDEN_FIELDS = new Set([
  'thumbnail_url',
  'thumbnail_width',
  'thumbnail_height',
  'preview_url',
  'preview_width',
  'preview_height',
  'proxy_url',
  'scrub_vtt_url',
  'blurhash',
  'browser_playable',
  'renditions_missing',
]);

/** Fields written out by a row of their own below (or folded into one). */
export const FIELDS_WITH_ROWS = new Set([
  'width',
  'height',
  'coded_width',
  'coded_height',
  'sample_aspect_ratio',
  'duration',
  'duration_estimated',
  'frame_count',
  'codec',
  'audio_codec',
  'has_audio',
  'fps',
  'bitrate',
  'rotation',
  'camera',
  'lens',
  'captured_at',
  'keywords',
  'sample_rate',
  'channels',
  'channel_layout',
  'title',
  'artist',
  'album',
]);

const CODEC_NAMES: Record<string, string> = {
  h264: 'H.264 (AVC)',
  hevc: 'H.265 (HEVC)',
  h265: 'H.265 (HEVC)',
  vp8: 'VP8',
  vp9: 'VP9',
  av1: 'AV1',
  mpeg4: 'MPEG-4 Part 2',
  mpeg2video: 'MPEG-2',
  mpeg1video: 'MPEG-1',
  mjpeg: 'Motion JPEG',
  prores: 'Apple ProRes',
  theora: 'Theora',
  aac: 'AAC',
  mp3: 'MP3',
  opus: 'Opus',
  vorbis: 'Vorbis',
  ac3: 'Dolby Digital (AC-3)',
  eac3: 'Dolby Digital Plus (E-AC-3)',
  flac: 'FLAC',
  alac: 'Apple Lossless',
  pcm_u8: 'PCM (uncompressed)',
  pcm_s16le: 'PCM (uncompressed)',
  pcm_s16be: 'PCM (uncompressed)',
  pcm_s24le: 'PCM (uncompressed)',
  pcm_s24be: 'PCM (uncompressed)',
  pcm_s32le: 'PCM (uncompressed)',
  pcm_f32le: 'PCM (uncompressed)',
  pcm_mulaw: 'G.711 µ-law',
  pcm_alaw: 'G.711 A-law',
  adpcm_ms: 'Microsoft ADPCM',
  adpcm_ima_wav: 'IMA ADPCM',
  wmav2: 'Windows Media Audio',
  speex: 'Speex',
};

/** What people call ffprobe's channel layouts. */
const LAYOUT_NAMES: Record<string, string> = {
  mono: 'Mono',
  stereo: 'Stereo',
  '2.1': '2.1 surround',
  quad: 'Quadraphonic',
  '5.0': '5.0 surround',
  '5.0(side)': '5.0 surround',
  '5.1': '5.1 surround',
  '5.1(side)': '5.1 surround',
  '7.1': '7.1 surround',
};

/** What people call the renditions the server names in `renditions_missing`. */
const RENDITION_NAMES: Record<string, string> = {
  preview: 'large preview',
  proxy: 'playable copy',
  scrub: 'seek-bar previews',
  scrub_strip: 'seek-bar previews',
  blurhash: 'placeholder',
  perceptual_hash: 'look-alike search',
  thumbnail: 'thumbnail',
};

export function codecName(codec: string): string {
  return CODEC_NAMES[codec.toLowerCase()] ?? codec;
}

/** A field's name as words: `white_balance` -> "White balance". */
export function fieldLabel(key: string): string {
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return value.toLocaleString();
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(describeValue).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([key, inner]) => `${fieldLabel(key)}: ${describeValue(inner)}`)
      .join(', ');
  }
  return typeof value === 'bigint' ? value.toLocaleString() : '—';
}

function number(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** "Tue, 4 June 2024, 14:05" in the viewer's own locale; EXIF's zoneless time is the camera's clock, shown as is. */
export function formatTaken(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' });
}

/** "44.1 kHz", "48 kHz", "8 kHz". */
export function formatSampleRate(hertz: number): string {
  return `${Number((hertz / 1000).toFixed(1)).toLocaleString()} kHz`;
}

/** "Stereo", "Mono", "5.1 surround (6 channels)", "3 channels". */
export function formatChannels(channels: number | null, layout: unknown): string | null {
  const named = typeof layout === 'string' ? LAYOUT_NAMES[layout] : undefined;
  const count = channels !== null ? `${channels.toLocaleString()} channel${channels === 1 ? '' : 's'}` : null;
  if (named && (channels === null || channels <= 2)) return named;
  if (named) return `${named} (${count})`;
  return count;
}

function formatBitrate(bitsPerSecond: number): string {
  if (bitsPerSecond >= 1_000_000) return `${(bitsPerSecond / 1_000_000).toFixed(1)} Mbit/s`;
  return `${Math.round(bitsPerSecond / 1000).toLocaleString()} kbit/s`;
}

/** The rows about the picture or the recording itself, each [label, text], in reading order. */
export function mediaRows(metadata: MediaMetadata): [string, string][] {
  const rows: [string, string][] = [];
  const width = number(metadata.width);
  const height = number(metadata.height);
  // A recording's own tags first: what it is called, by whom, from which album.
  if (typeof metadata.title === 'string' && metadata.title) rows.push(['Title', metadata.title]);
  if (typeof metadata.artist === 'string' && metadata.artist) rows.push(['Artist', metadata.artist]);
  if (typeof metadata.album === 'string' && metadata.album) rows.push(['Album', metadata.album]);
  if (typeof metadata.captured_at === 'string') rows.push(['Date taken', formatTaken(metadata.captured_at)]);
  if (typeof metadata.camera === 'string' && metadata.camera) rows.push(['Camera', metadata.camera]);
  if (typeof metadata.lens === 'string' && metadata.lens) rows.push(['Lens', metadata.lens]);
  if (width !== null && height !== null) {
    let text = `${width.toLocaleString()} × ${height.toLocaleString()} pixels`;
    const codedWidth = number(metadata.coded_width);
    const codedHeight = number(metadata.coded_height);
    if (codedWidth !== null && codedHeight !== null && (codedWidth !== width || codedHeight !== height)) {
      const ratio = typeof metadata.sample_aspect_ratio === 'string' ? `, pixel aspect ${metadata.sample_aspect_ratio}` : '';
      text += ` (stored as ${codedWidth.toLocaleString()} × ${codedHeight.toLocaleString()}${ratio})`;
    }
    rows.push(['Dimensions', text]);
  }
  const duration = number(metadata.duration);
  if (duration !== null) rows.push(['Duration', `${metadata.duration_estimated === true ? 'about ' : ''}${formatDuration(duration)}`]);
  const frames = number(metadata.frame_count);
  if (frames !== null && frames > 1) rows.push(['Frames', frames.toLocaleString()]);
  const fps = number(metadata.fps);
  if (fps !== null) rows.push(['Frame rate', `${Number(fps.toFixed(2)).toLocaleString()} frames per second`]);
  if (typeof metadata.codec === 'string' && metadata.codec) rows.push(['Codec', codecName(metadata.codec)]);
  if (typeof metadata.has_audio === 'boolean') {
    const audio = typeof metadata.audio_codec === 'string' && metadata.audio_codec ? codecName(metadata.audio_codec) : 'Yes';
    rows.push(['Sound', metadata.has_audio ? audio : 'None']);
  }
  const sampleRate = number(metadata.sample_rate);
  if (sampleRate !== null && sampleRate > 0) rows.push(['Sample rate', formatSampleRate(sampleRate)]);
  const channels = formatChannels(number(metadata.channels), metadata.channel_layout);
  if (channels !== null) rows.push(['Channels', channels]);
  const bitrate = number(metadata.bitrate);
  if (bitrate !== null && bitrate > 0) rows.push(['Bitrate', formatBitrate(bitrate)]);
  const rotation = number(metadata.rotation);
  if (rotation !== null && rotation !== 0) rows.push(['Rotated', `${rotation}°`]);
  if (Array.isArray(metadata.keywords) && metadata.keywords.length > 0) rows.push(['Keywords', describeValue(metadata.keywords)]);
  return rows;
}

/** "Not available: large preview (the decoder ran out of time)", one line per rendition that failed. */
export function missingRenditions(metadata: MediaMetadata): string[] {
  const missing = metadata.renditions_missing;
  if (!missing || typeof missing !== 'object') return [];
  return Object.entries(missing)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, reason]) => {
      const label = RENDITION_NAMES[name] ?? fieldLabel(name).toLowerCase();
      return typeof reason === 'string' && reason ? `${label} (${reason})` : label;
    });
}

