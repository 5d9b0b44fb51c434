/** Everything for getting media in: register a server path, upload files, or import a server folder. */
import type { Asset } from '../services/api';
import type { UploadQueue } from '../services/uploadQueue';
import type { LiveConnection } from '../services/websocket';
import { ImportFolder } from './ImportFolder';
import { RegisterPathForm } from './RegisterPathForm';
import { UploadZone } from './UploadZone';

interface AddMediaPanelProps {
  onAdded: (asset: Asset) => void;
  onOpen: (id: number) => void;
  uploads: UploadQueue;
  /** Carries the imports' progress; the assets they add reach the library through it too. */
  connection: LiveConnection | null;
}

export function AddMediaPanel({ onAdded, onOpen, uploads, connection }: AddMediaPanelProps) {
  return (
    <section className="add-media" aria-labelledby="add-media-heading">
      <h2 id="add-media-heading">Add media</h2>
      <div className="add-media__columns">
        <RegisterPathForm onRegistered={onAdded} onOpen={onOpen} />
        <UploadZone uploads={uploads} onOpen={onOpen} />
      </div>
      <ImportFolder connection={connection} />
    </section>
  );
}
