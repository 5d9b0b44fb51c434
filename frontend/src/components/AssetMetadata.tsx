/**
 * What is known of an asset, in people's words: when and with what it was taken, its size on
 * screen and on disk, how long it runs and how it is encoded, then the file's own facts, any
 * further field the server sent (named in words), and which renditions could not be made.
 */
import type { Asset } from '../services/api';
import { formatDateTime, formatFileSize } from '../services/format';
import { describeValue, FIELDS_WITH_ROWS, fieldLabel, HIDDEN_FIELDS, mediaRows, missingRenditions } from '../services/mediaFacts';

export function AssetMetadata({ asset }: { asset: Asset }) {
  const metadata = asset.media_metadata;
  const others = Object.entries(metadata)
    .filter(([key]) => !HIDDEN_FIELDS.has(key) && !FIELDS_WITH_ROWS.has(key) && !key.endsWith('_url'))
    .sort(([a], [b]) => a.localeCompare(b));
  const notAvailable = missingRenditions(metadata);
  return (
    <table className="meta">
      <caption className="visually-hidden">Details of {asset.title}</caption>
      <tbody>
        {mediaRows(metadata).map(([label, text]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td className="break">{text}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">File size</th>
          <td>
            {formatFileSize(asset.file_size)} ({asset.file_size.toLocaleString()} bytes)
          </td>
        </tr>
        <tr>
          <th scope="row">File</th>
          <td className="break">{asset.file_path}</td>
        </tr>
        <tr>
          <th scope="row">Type</th>
          <td>{asset.mime_type}</td>
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
        {others.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{fieldLabel(key)}</th>
            <td className="break">{describeValue(value)}</td>
          </tr>
        ))}
        {notAvailable.length > 0 && (
          <tr>
            <th scope="row">Not available</th>
            <td className="break">{notAvailable.join('; ')}</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
