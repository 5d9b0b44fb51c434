import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useLibraryQuery } from '../hooks/useLibraryQuery';
import type { Asset, Facets } from '../services/api';
import { mediaKindOf } from '../services/assetUpdates';
import { assetFacts } from '../services/format';
import { formatChannels, formatSampleRate, mediaRows } from '../services/mediaFacts';
import { makeAsset } from '../test/fakes';
import { AssetPreview } from './AssetPreview';
import { Filters } from './Filters';
import { MediaIcon } from './MediaIcon';

function recording(overrides: Partial<Asset> = {}, media_metadata: Asset['media_metadata'] = {}): Asset {
  return makeAsset({
    id: 9,
    title: 'Interview',
    mime_type: 'audio/mpeg',
    file_path: 'talks/interview.mp3',
    ...overrides,
    media_metadata: {
      duration: 1834.2,
      codec: 'mp3',
      sample_rate: 44100,
      channels: 2,
      channel_layout: 'stereo',
      thumbnail_url: '/thumbnails/9-320-v2.jpg',
      thumbnail_width: 320,
      thumbnail_height: 180,
      browser_playable: true,
      ...media_metadata,
    },
  });
}

afterEach(() => {
  window.history.replaceState(null, '', '/');
});

describe('AssetPreview: sound', () => {
  it('shows the waveform over an audio player that plays the original', () => {
    render(<AssetPreview asset={recording()} />);
    const waveform = screen.getByRole('img', { name: 'Waveform of Interview' });
    expect(waveform).toHaveAttribute('src', '/thumbnails/9-320-v2.jpg');
    expect(waveform).toHaveAttribute('width', '320');
    const player = screen.getByLabelText('Audio: Interview');
    expect(player.tagName).toBe('AUDIO');
    expect(player).toHaveAttribute('src', '/api/v1/assets/9/content');
    expect(player).toHaveAttribute('controls');
    expect(screen.queryByLabelText('Video: Interview')).not.toBeInTheDocument();
  });

  it('plays the proxy when the server made one', () => {
    const asset = recording({ mime_type: 'audio/mp4' }, { codec: 'alac', browser_playable: false, proxy_url: '/thumbnails/9-proxy-v1.m4a' });
    render(<AssetPreview asset={asset} />);
    expect(screen.getByLabelText('Audio: Interview')).toHaveAttribute('src', '/thumbnails/9-proxy-v1.m4a');
  });

  it('says why when nothing playable exists, with a download link, and no dead player', () => {
    const asset = recording({}, { codec: 'alac', browser_playable: false, renditions_missing: { proxy: 'ffmpeg could not read the file' } });
    render(<AssetPreview asset={asset} />);
    expect(screen.queryByLabelText('Audio: Interview')).not.toBeInTheDocument();
    const note = screen.getByRole('note', { name: 'Audio not playable here' });
    expect(note).toHaveTextContent('A playable copy could not be made: ffmpeg could not read the file');
    expect(screen.getByRole('link', { name: 'Download the original' })).toHaveAttribute('href', '/api/v1/assets/9/content');
    expect(screen.getByRole('img', { name: 'Waveform of Interview' })).toBeInTheDocument();
  });

  it('says so when the browser fails on the file instead of leaving a silent player', () => {
    render(<AssetPreview asset={recording()} />);
    fireEvent.error(screen.getByLabelText('Audio: Interview'));
    expect(screen.getByRole('note', { name: 'Audio not playable here' })).toHaveTextContent('This browser could not play the file.');
  });

  it('treats an MP4 of sound alone (stored as audio/mp4) as a sound', () => {
    expect(mediaKindOf('audio/mp4')).toBe('audio');
    expect(mediaKindOf('audio/ogg')).toBe('audio');
    expect(mediaKindOf('video/mp4')).toBe('video');
  });
});

describe('Sound in the library', () => {
  it('draws a waveform icon while there is no thumbnail', () => {
    const { container } = render(<MediaIcon kind="audio" />);
    const icon = container.querySelector('svg.media-icon');
    expect(icon).toHaveAttribute('data-kind', 'audio');
    expect(icon?.querySelector('path')?.getAttribute('d')).toMatch(/^M8 21v6/);
    expect(icon?.querySelector('rect')).toBeNull(); // not the picture's frame
  });

  it('says on its card that it is audio and how long it runs', () => {
    expect(assetFacts(recording({ file_size: 2048 }))).toEqual(['audio', '2.0 KB', '30:34']);
  });

  it('offers Audio as a type, with its count, and writes type=audio to the URL', () => {
    function Harness({ facets }: { facets: Facets }) {
      const [query, update] = useLibraryQuery();
      return <Filters query={query} onChange={update} facets={facets} />;
    }
    const facets: Facets = {
      total: 7,
      media_type: [
        { value: 'image', count: 4 },
        { value: 'audio', count: 2 },
        { value: 'video', count: 1 },
      ],
      status: [],
      tag: [],
      camera: [],
      year: [],
    };
    render(<Harness facets={facets} />);
    const type = screen.getByLabelText('Type');
    expect(screen.getByRole('option', { name: 'Audio (2)' })).toBeInTheDocument();
    fireEvent.change(type, { target: { value: 'audio' } });
    expect(window.location.search).toContain('type=audio');
    expect(type).toHaveValue('audio');
  });
});

describe('A recording’s facts in people’s words', () => {
  it('names its tags, length, codec, sample rate and channels', () => {
    const rows = mediaRows(recording({}, { title: 'Morning Take', artist: 'Ada', album: 'Birdsong', bitrate: 128000 }).media_metadata);
    expect(rows).toEqual([
      ['Title', 'Morning Take'],
      ['Artist', 'Ada'],
      ['Album', 'Birdsong'],
      ['Duration', '30:34'],
      ['Codec', 'MP3'],
      ['Sample rate', '44.1 kHz'],
      ['Channels', 'Stereo'],
      ['Bitrate', '128 kbit/s'],
    ]);
  });

  it('writes sample rates and channel layouts as people say them', () => {
    expect(formatSampleRate(48000)).toBe('48 kHz');
    expect(formatSampleRate(22050)).toBe('22.1 kHz');
    expect(formatChannels(1, 'mono')).toBe('Mono');
    expect(formatChannels(6, '5.1(side)')).toBe('5.1 surround (6 channels)');
    expect(formatChannels(3, '3.0(back)')).toBe('3 channels');
    expect(formatChannels(null, undefined)).toBeNull();
  });

  it('shows uncompressed and lossless sound by name', () => {
    const rows = mediaRows({ codec: 'pcm_s24le', sample_rate: 96000, channels: 1 });
    expect(rows).toEqual([
      ['Codec', 'PCM (uncompressed)'],
      ['Sample rate', '96 kHz'],
      ['Channels', '1 channel'],
    ]);
  });
});
