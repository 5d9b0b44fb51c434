import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fakes';
import { AssetMetadata } from './AssetMetadata';

function rows(): [string, string][] {
  return within(screen.getByRole('table', { name: 'Details of Clip' }))
    .getAllByRole('row')
    .map((row) => [within(row).getByRole('rowheader').textContent ?? '', within(row).getByRole('cell').textContent ?? '']);
}

describe('AssetMetadata', () => {
  it('lists the file facts, then every metadata field by name, written for people', () => {
    render(
      <AssetMetadata
        asset={makeAsset({
          title: 'Clip',
          file_path: 'trips/rome.mp4',
          mime_type: 'video/mp4',
          file_size: 5_242_880,
          checksum: 'sha256:abc',
          media_metadata: { width: 1920, duration: 75.5, codec: 'h264', rotation: null, audio: { channels: 2 }, hdr: false },
        })}
      />,
    );
    const shown = rows();
    expect(shown.slice(0, 4)).toEqual([
      ['File', 'trips/rome.mp4'],
      ['Type', 'video/mp4'],
      ['Size', `5.0 MB (${(5_242_880).toLocaleString()} bytes)`],
      ['Checksum', 'sha256:abc'],
    ]);
    expect(shown.map(([name]) => name).slice(4)).toEqual([
      'Added',
      'Updated',
      'audio',
      'codec',
      'duration',
      'hdr',
      'rotation',
      'width',
    ]);
    expect(shown.slice(6)).toEqual([
      ['audio', '{"channels":2}'],
      ['codec', 'h264'],
      ['duration', '1:16 (75.5 s)'],
      ['hdr', 'no'],
      ['rotation', '—'],
      ['width', '1920'],
    ]);
  });

  it('leaves out the checksum row when there is none', () => {
    render(<AssetMetadata asset={makeAsset({ title: 'Clip', checksum: null })} />);
    expect(screen.queryByRole('rowheader', { name: 'Checksum' })).not.toBeInTheDocument();
  });
});
