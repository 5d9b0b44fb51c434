/**
 * One asset up close: preview or player, its tags and collections, the pictures that look like
 * it, every metadata field, and rename / reprocess / delete / tagging / collecting for editors.
 * It is also the lightbox: previous / next (buttons, arrow keys, swipe) walk the library's list.
 */
import { useEffect, useId, useState } from 'react';
import { useLightboxKeys } from '../hooks/useLightboxKeys';
import { useLiveAsset } from '../hooks/useLiveAsset';
import { ApiError, deleteAsset, renameAsset, reprocessAsset, setAssetTags, type Asset, type Collection } from '../services/api';
import { mediaKindOf } from '../services/assetUpdates';
import { NOT_QUEUED_STAGE, stageLabel } from '../services/format';
import type { LiveConnection } from '../services/websocket';
import { AssetActions, type AssetAction } from './AssetActions';
import { AssetCollections } from './AssetCollections';
import { AssetMetadata } from './AssetMetadata';
import { AssetPreview } from './AssetPreview';
import { AssetTags } from './AssetTags';
import { Lightbox, LightboxNav } from './Lightbox';
import { DeleteAssetDialog } from './DeleteAssetDialog';
import { Dialog } from './Dialog';
import { DuplicateNotice } from './DuplicateNotice';
import { ProgressBar } from './ProgressBar';
import { ShortcutsHelp } from './ShortcutsHelp';
import { SimilarAssets } from './SimilarAssets';
import { StatusBadge } from './StatusBadge';

interface AssetDetailProps {
  assetId: number;
  connection: LiveConnection | null;
  /** Rename, reprocess, delete and tagging are shown only to those who may do them (editors, admins). */
  canEdit?: boolean;
  onClose: () => void;
  /** Opens another asset in this view (the one with the same bytes). */
  onOpenAsset?: (id: number) => void;
  /** A tag chip was clicked: show the library filtered by it. */
  onFilterTag?: (tag: string) => void;
  /** A collection link was clicked: show the library filtered by that collection. */
  onOpenCollection?: (id: number) => void;
  /** The collection the library shows, if any: editors can make this asset its cover. */
  viewedCollection?: Collection | null;
  onCollectionChanged?: (collection: Collection) => void;
  onChanged: (asset: Asset) => void;
  onDeleted: (id: number) => void;
  /** The assets before and after this one in the library's list; null (or absent) at either end. */
  onPrevious?: (() => void) | null;
  onNext?: (() => void) | null;
  /** Where it is in that list ("3 of 120"), when it is in it. */
  position?: string | null;
  /** The list's copy of the asset, shown while the fresh one loads (no blank view while walking the list). */
  listed?: Asset | null;
}

export function AssetDetail({
  assetId,
  connection,
  canEdit = true,
  onClose,
  onOpenAsset,
  onFilterTag,
  onOpenCollection,
  viewedCollection = null,
  onCollectionChanged,
  onChanged,
  onDeleted,
  onPrevious = null,
  onNext = null,
  position = null,
  listed = null,
}: AssetDetailProps) {
  const headingId = useId();
  const live = useLiveAsset(assetId, connection);
  const { loadError, replaceAsset } = live;
  const asset = live.asset ?? (!loadError && listed?.id === assetId ? listed : null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<AssetAction | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [savingTags, setSavingTags] = useState(false);
  const [tagError, setTagError] = useState<string | null>(null);
  const [showingHelp, setShowingHelp] = useState(false);
  // Walking to another asset keeps the dialog (and the focus in it); what was said of the last one goes.
  const [shownId, setShownId] = useState(assetId);
  if (shownId !== assetId) {
    setShownId(assetId);
    setActionError(null);
    setTagError(null);
    setConfirming(false);
  }
  useEffect(() => {
    // A control of the last asset that had the focus is gone with it: the focus stays in the dialog.
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    document.getElementById(headingId)?.closest<HTMLElement>('[role="dialog"]')?.focus();
  }, [assetId, headingId]);
  useLightboxKeys({
    onPrevious,
    onNext,
    onClose,
    onHelp: () => setShowingHelp(true),
    paused: confirming || showingHelp,
  });

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

  /** One change to the tags, sent as the whole new list; the server's answer is what shows. */
  const saveTags = async (tags: string[]): Promise<boolean> => {
    setSavingTags(true);
    setTagError(null);
    try {
      const tagged = await setAssetTags(assetId, tags);
      replaceAsset(tagged);
      onChanged(tagged);
      return true;
    } catch (reason) {
      setTagError(reason instanceof ApiError ? reason.message : String(reason));
      return false;
    } finally {
      setSavingTags(false);
    }
  };

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
        <div className="detail__head-tools">
          {position && <span className="muted detail__position">{position}</span>}
          {(onPrevious || onNext) && <LightboxNav onPrevious={onPrevious} onNext={onNext} />}
          <button
            type="button"
            className="icon-button"
            onClick={() => setShowingHelp(true)}
            aria-label="Keyboard shortcuts"
            aria-keyshortcuts="Shift+?"
          >
            ?
          </button>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close details" data-autofocus>
            ✕
          </button>
        </div>
      </header>
      {loadError && (
        <p className="notice notice--error" role="alert">
          {loadError}
        </p>
      )}
      {asset && (
        <div className="detail__body">
          <Lightbox onPrevious={onPrevious} onNext={onNext}>
            <AssetPreview key={asset.id} asset={asset} />
          </Lightbox>
          {/* Keyed by the asset: the rename and tag fields start afresh on the next one. */}
          <div className="detail__info" key={asset.id}>
            <p className="detail__status">
              <StatusBadge status={asset.status} />
              {busyStatus && asset.processing.stage && (
                <span className="card__stage">{stageLabel(asset.processing.stage)}</span>
              )}
            </p>
            {typeof asset.duplicate_of === 'number' && asset.duplicate_of !== asset.id && onOpenAsset && (
              <DuplicateNotice originalId={asset.duplicate_of} onOpen={onOpenAsset} />
            )}
            {busyStatus && asset.processing.stage !== NOT_QUEUED_STAGE && <ProgressBar value={asset.processing.progress} label={`Processing ${asset.title}`} />}
            {asset.status === 'failed' && (
              <p className="card__error">{asset.processing.error ?? 'Processing failed for an unknown reason.'}</p>
            )}
            {canEdit && (
              <AssetActions
                asset={asset}
                busy={busy}
                error={confirming ? null : actionError}
                onRename={rename}
                onReprocess={reprocess}
                onDelete={() => setConfirming(true)}
              />
            )}
            <AssetTags
              tags={asset.tags}
              canEdit={canEdit}
              onSave={saveTags}
              saving={savingTags}
              error={tagError}
              onFilter={onFilterTag}
            />
            <AssetCollections
              asset={asset}
              canEdit={canEdit}
              onOpen={onOpenCollection}
              viewed={viewedCollection}
              onCollectionChanged={onCollectionChanged}
              onChanged={(changed) => {
                replaceAsset(changed);
                onChanged(changed);
              }}
            />
            {/* Sound has no picture hash: waveforms of different recordings look alike. */}
            {(mediaKindOf(asset.mime_type) === 'image' || mediaKindOf(asset.mime_type) === 'video') && (
              // Read again once processing is over: only then does the asset have a picture hash.
              <SimilarAssets key={`${asset.id}:${asset.status === 'ready'}`} assetId={asset.id} onOpen={onOpenAsset} />
            )}
            <AssetMetadata asset={asset} />
          </div>
        </div>
      )}
      {showingHelp && <ShortcutsHelp onClose={() => setShowingHelp(false)} />}
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
