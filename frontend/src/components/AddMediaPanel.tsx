/** Everything for getting media in: register a server path, or upload files. */
import type { Asset } from '../services/api';
import type { UploadQueue } from '../services/uploadQueue';
import { RegisterPathForm } from './RegisterPathForm';
import { UploadZone } from './UploadZone';

interface AddMediaPanelProps {
  onAdded: (asset: Asset) => void;
  onOpen: (id: number) => void;
  uploads: UploadQueue;
}

export function AddMediaPanel({ onAdded, onOpen, uploads }: AddMediaPanelProps) {
  return (
    <section className="add-media" aria-labelledby="add-media-heading">
      <h2 id="add-media-heading">Add media</h2>
      <div className="add-media__columns">
        <RegisterPathForm onRegistered={onAdded} onOpen={onOpen} />
        <UploadZone uploads={uploads} onOpen={onOpen} />
      </div>
    </section>
  );
}
