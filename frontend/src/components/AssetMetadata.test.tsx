import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fakes';
import { formatTaken } from '../services/mediaFacts';
import { AssetMetadata } from './AssetMetadata';

function rows(title: string): [string, string][] {
  return within(screen.getByRole('table', { name: `Details of ${title}` }))
    .getAllByRole('row')
    .map((row) => [within(row).getByRole('rowheader').textContent ?? '', within(row).getByRole('cell').textContent ?? '']);
}

describe('AssetMetadata', () => {
  it('writes a video’s facts in words: dimensions, duration, codecs, frame rate, then the file', () => {
    render(
      <AssetMetadata
        asset={makeAsset({
          title: 'Clip',
          file_path: 'trips/rome.mp4',
          mime_type: 'video/mp4',
          file_size: 5_242_880,
          checksum: 'sha256:abc',
          media_metadata: {
            width: 1920,
            height: 1080,
            duration: 75.5,
            codec: 'hevc',
            fps: 29.97,
            bitrate: 8_400_000,
            has_audio: true,
            audio_codec: 'aac',
            rotation: 0,
            thumbnail_url: '/thumbnails/ab/clip.jpg',
            thumbnail_width: 320,
            thumbnail_height: 180,
            proxy_url: '/thumbnails/ab/clip-proxy.mp4',
            scrub_vtt_url: '/thumbnails/ab/clip.vtt',
            blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
            browser_playable: false,
          },
        })}
      />,
    );
    expect(rows('Clip')).toEqual([
      ['Dimensions', `${(1920).toLocaleString()} × ${(1080).toLocaleString()} pixels`],
      ['Duration', '1:16'],
      ['Frame rate', `${(29.97).toLocaleString()} frames per second`],
      ['Codec', 'H.265 (HEVC)'],
      ['Sound', 'AAC'],
      ['Bitrate', '8.4 Mbit/s'],
      ['File size', `5.0 MB (${(5_242_880).toLocaleString()} bytes)`],
      ['File', 'trips/rome.mp4'],
      ['Type', 'video/mp4'],
      ['Checksum', 'sha256:abc'],
      ['Added', expect.any(String) as string],
      ['Updated', expect.any(String) as string],
    ]);
  });

  it('shows a photo’s camera, lens and date taken in the viewer’s locale, and never the renditions’ keys', () => {
    render(
      <AssetMetadata
        asset={makeAsset({
          title: 'Harbour',
          media_metadata: {
            width: 6000,
            height: 4000,
            camera: 'Canon EOS R5',
            lens: 'RF24-105mm F4 L IS USM',
            captured_at: '2024-06-04T14:05:00',
            keywords: ['sea', 'boats'],
            white_balance: 'auto',
            thumbnail_url: '/thumbnails/1.jpg',
            preview_url: '/thumbnails/1-preview.webp',
            preview_width: 1600,
            preview_height: 1067,
            renditions_missing: { blurhash: 'the decoder ran out of memory' },
          },
        })}
      />,
    );
    const shown = rows('Harbour');
    expect(shown.slice(0, 4)).toEqual([
      ['Date taken', formatTaken('2024-06-04T14:05:00')],
      ['Camera', 'Canon EOS R5'],
      ['Lens', 'RF24-105mm F4 L IS USM'],
      ['Dimensions', `${(6000).toLocaleString()} × ${(4000).toLocaleString()} pixels`],
    ]);
    expect(formatTaken('2024-06-04T14:05:00')).toBe(
      new Date(2024, 5, 4, 14, 5).toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' }),
    );
    expect(shown).toContainEqual(['Keywords', 'sea, boats']);
    expect(shown).toContainEqual(['White balance', 'auto']);
    expect(shown).toContainEqual(['Not available', 'placeholder (the decoder ran out of memory)']);
    const table = screen.getByRole('table', { name: 'Details of Harbour' });
    for (const internal of ['thumbnail', 'preview', 'blurhash', 'renditions', 'proxy', 'scrub', '_url', '_width', 'captured_at']) {
      expect(table.textContent).not.toContain(internal);
    }
  });

  it('says which stored size an anamorphic video has beside the size it is shown at', () => {
    render(
      <AssetMetadata
        asset={makeAsset({
          title: 'Wide',
          mime_type: 'video/x-msvideo',
          media_metadata: { width: 1440, height: 576, coded_width: 720, coded_height: 576, sample_aspect_ratio: '2:1' },
        })}
      />,
    );
    expect(rows('Wide')[0]).toEqual([
      'Dimensions',
      `${(1440).toLocaleString()} × 576 pixels (stored as 720 × 576, pixel aspect 2:1)`,
    ]);
  });

  it('leaves out the checksum row when there is none', () => {
    render(<AssetMetadata asset={makeAsset({ title: 'Clip', checksum: null })} />);
    expect(screen.queryByRole('rowheader', { name: 'Checksum' })).not.toBeInTheDocument();
  });
});
