/** Every stored fact about an asset as a table: file, type, size, checksum, times, then each metadata field by name. */
import type { Asset } from '../services/api';
import { formatDateTime, formatDuration, formatFileSize } from '../services/format';

function describeValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (key === 'duration' && typeof value === 'number') return `${formatDuration(value)} (${value} s)`;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

export function AssetMetadata({ asset }: { asset: Asset }) {
  const metadata = Object.entries(asset.media_metadata).sort(([a], [b]) => a.localeCompare(b));
  return (
    <table className="meta">
      <caption className="visually-hidden">Details of {asset.title}</caption>
      <tbody>
        <tr>
          <th scope="row">File</th>
          <td className="break">{asset.file_path}</td>
        </tr>
        <tr>
          <th scope="row">Type</th>
          <td>{asset.mime_type}</td>
        </tr>
        <tr>
          <th scope="row">Size</th>
          <td>
            {formatFileSize(asset.file_size)} ({asset.file_size.toLocaleString()} bytes)
          </td>
        </tr>
        {asset.checksum && (
          <tr>
            <th scope="row">Checksum</th>
            <td className="break mono">{asset.checksum}</td>
          </tr>
        )}
        <tr>
          <th scope="row">Added</th>
          <td>
            <time dateTime={asset.created_at}>{formatDateTime(asset.created_at)}</time>
          </td>
        </tr>
        <tr>
          <th scope="row">Updated</th>
          <td>
            <time dateTime={asset.updated_at}>{formatDateTime(asset.updated_at)}</time>
          </td>
        </tr>
        {metadata.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td className="break">{describeValue(key, value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
