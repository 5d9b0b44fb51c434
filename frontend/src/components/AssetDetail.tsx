/** One asset up close: preview or player, every metadata field, and rename / reprocess / delete. */
import { useId, useState } from 'react';
import { useLiveAsset } from '../hooks/useLiveAsset';
import { ApiError, deleteAsset, renameAsset, reprocessAsset, type Asset } from '../services/api';
import type { LiveConnection } from '../services/websocket';
import { AssetActions, type AssetAction } from './AssetActions';
import { AssetMetadata } from './AssetMetadata';
import { AssetPreview } from './AssetPreview';
import { DeleteAssetDialog } from './DeleteAssetDialog';
import { Dialog } from './Dialog';
import { ProgressBar } from './ProgressBar';
import { StatusBadge } from './StatusBadge';

interface AssetDetailProps {
  assetId: number;
  connection: LiveConnection | null;
  onClose: () => void;
  onChanged: (asset: Asset) => void;
  onDeleted: (id: number) => void;
}

export function AssetDetail({ assetId, connection, onClose, onChanged, onDeleted }: AssetDetailProps) {
  const headingId = useId();
  const { asset, loadError, replaceAsset } = useLiveAsset(assetId, connection);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<AssetAction | null>(null);
  const [confirming, setConfirming] = useState(false);

  /** Runs one action with the buttons held; resolves whether it succeeded (its error is shown otherwise). */
  const run = async (kind: AssetAction, action: () => Promise<void>): Promise<boolean> => {
    setBusy(kind);
    setActionError(null);
    try {
      await action();
      return true;
    } catch (reason) {
      setActionError(reason instanceof ApiError ? reason.message : String(reason));
      return false;
    } finally {
      setBusy(null);
    }
  };

  const rename = (title: string) =>
    run('rename', async () => {
      const renamed = await renameAsset(assetId, title);
      replaceAsset(renamed);
      onChanged(renamed);
    });

  const reprocess = () =>
    void run('reprocess', async () => {
      const fresh = await reprocessAsset(assetId);
      replaceAsset(fresh);
      onChanged(fresh);
    });

  const confirmDelete = () =>
    void run('delete', async () => {
      await deleteAsset(assetId);
      setConfirming(false);
      onDeleted(assetId);
    });

  const busyStatus = asset && (asset.status === 'pending' || asset.status === 'processing');

  return (
    <Dialog labelledBy={headingId} onClose={confirming ? () => setConfirming(false) : onClose} className="detail">
      <header className="detail__head">
        <h2 id={headingId}>{asset ? asset.title : loadError ? 'Asset not available' : 'Loading…'}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close details" data-autofocus>
          ✕
        </button>
      </header>
      {loadError && (
        <p className="notice notice--error" role="alert">
          {loadError}
        </p>
      )}
      {asset && (
        <div className="detail__body">
          <AssetPreview asset={asset} />
          <div className="detail__info">
            <p className="detail__status">
              <StatusBadge status={asset.status} />
              {busyStatus && asset.processing.stage && <span className="card__stage">{asset.processing.stage}</span>}
            </p>
            {busyStatus && <ProgressBar value={asset.processing.progress} label={`Processing ${asset.title}`} />}
            {asset.status === 'failed' && (
              <p className="card__error">{asset.processing.error ?? 'Processing failed for an unknown reason.'}</p>
            )}
            <AssetActions
              asset={asset}
              busy={busy}
              error={confirming ? null : actionError}
              onRename={rename}
              onReprocess={reprocess}
              onDelete={() => setConfirming(true)}
            />
            <AssetMetadata asset={asset} />
          </div>
        </div>
      )}
      {confirming && asset && (
        <DeleteAssetDialog
          title={asset.title}
          deleting={busy === 'delete'}
          error={actionError}
          onCancel={() => setConfirming(false)}
          onConfirm={confirmDelete}
        />
      )}
    </Dialog>
  );
}
