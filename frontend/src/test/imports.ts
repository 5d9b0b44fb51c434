/** Import jobs and folder listings as the server sends them, for the UI's tests. */
import type { FolderListing, ImportJob } from '../services/api';

export function makeImportJob(overrides: Partial<ImportJob> = {}): ImportJob {
  return {
    id: 7,
    path: 'holiday/2024',
    exclude: [],
    process: true,
    status: 'queued',
    total: null,
    counts: { seen: 0, added: 0, skipped: 0, ignored: 0, rejected: 0, excluded: 0 },
    rejections: [],
    error: null,
    created_by: 'erin',
    created_at: '2026-11-27T10:00:00.000000Z',
    started_at: null,
    finished_at: null,
    ...overrides,
  };
}

/** An `import_update` message: the job without its rejections. */
export function importUpdate(seq: number, job: ImportJob): { type: 'import_update'; seq: number; data: Omit<ImportJob, 'rejections'> } {
  const data: Partial<ImportJob> = { ...job };
  delete data.rejections;
  return { type: 'import_update', seq, data: data as Omit<ImportJob, 'rejections'> };
}

/** A folder tree as GET /folders would list it, by path ('' is the media folder). */
export function folderTree(tree: Record<string, string[]>): (path: string) => FolderListing {
  return (path) => {
    const names = tree[path];
    if (!names) throw new Error(`no folder ${path}`);
    const parent = path === '' ? null : path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    return {
      path,
      parent,
      folders: names.map((name) => ({ name, path: path ? `${path}/${name}` : name })),
      truncated: false,
    };
  };
}
