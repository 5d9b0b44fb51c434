/** The app shell: header, add-media panel, library, and the detail view named by `?asset=<id>`. */
import { useCallback, useEffect, useState } from 'react';
import { AddMediaPanel } from './components/AddMediaPanel';
import { AssetDetail } from './components/AssetDetail';
import { Header } from './components/Header';
import { LibraryView } from './components/LibraryView';
import { useAssetLibrary } from './hooks/useAssetLibrary';
import { useConnectionState } from './hooks/useConnectionState';
import { useLibraryQuery } from './hooks/useLibraryQuery';
import { useProcessingHealth } from './hooks/useProcessingHealth';
import { LiveConnection } from './services/websocket';

export function App({ connection: given }: { connection?: LiveConnection }) {
  const [connection] = useState(() => given ?? new LiveConnection());
  useEffect(() => {
    connection.start();
    return () => connection.stop();
  }, [connection]);

  const connectionState = useConnectionState(connection);
  const processing = useProcessingHealth();
  const [query, updateQuery] = useLibraryQuery();
  const library = useAssetLibrary(query, connection);
  // null until the user chooses: an empty library opens the panel, and it then stays open so
  // uploads in flight stay visible after the first asset arrives.
  const [showAdd, setShowAdd] = useState<boolean | null>(null);
  const libraryIsEmpty =
    !library.loading && !library.error && library.meta?.total === 0 && !query.type && !query.status && !query.q;
  if (showAdd === null && libraryIsEmpty) setShowAdd(true);

  const openAsset = useCallback((id: number) => updateQuery({ asset: id }), [updateQuery]);
  const closeAsset = useCallback(() => updateQuery({ asset: null }), [updateQuery]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to the library
      </a>
      <Header connection={connectionState} processing={processing} />
      <main id="main" className="app-main">
        <div className="toolbar">
          <button
            type="button"
            className="primary"
            aria-expanded={showAdd === true}
            aria-controls="add-media"
            onClick={() => setShowAdd((value) => !value)}
          >
            {showAdd ? 'Hide “Add media”' : 'Add media'}
          </button>
        </div>
        {showAdd && (
          <div id="add-media">
            <AddMediaPanel onAdded={library.addAsset} onOpen={openAsset} />
          </div>
        )}
        <LibraryView query={query} library={library} onQueryChange={updateQuery} onOpen={openAsset} />
      </main>
      {query.asset !== null && (
        <AssetDetail
          key={query.asset}
          assetId={query.asset}
          connection={connection}
          onClose={closeAsset}
          onChanged={library.updateAsset}
          onDeleted={(id) => {
            library.removeAsset(id);
            closeAsset();
            library.reload();
          }}
        />
      )}
    </>
  );
}
