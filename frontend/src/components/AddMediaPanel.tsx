/** Everything for getting media in: register a server path, or upload files. */
import type { Asset } from '../services/api';
import { RegisterPathForm } from './RegisterPathForm';
import { UploadZone } from './UploadZone';

export function AddMediaPanel({ onAdded, onOpen }: { onAdded: (asset: Asset) => void; onOpen: (id: number) => void }) {
  return (
    <section className="add-media" aria-labelledby="add-media-heading">
      <h2 id="add-media-heading">Add media</h2>
      <div className="add-media__columns">
        <RegisterPathForm onRegistered={onAdded} onOpen={onOpen} />
        <UploadZone onUploaded={onAdded} onOpen={onOpen} />
      </div>
    </section>
  );
}
