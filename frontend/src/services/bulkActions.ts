/** A bulk action as the library asks for it: the request body for a selection, and its outcome in words. */
import type { AssetFilters, BulkAction, BulkRequest, BulkResult } from './api';
import type { Selection } from './selection';

const COUNT = new Intl.NumberFormat('en-US');

/** What an action acts with: the tags for tag and untag, the collection's id for the collection actions. */
export interface BulkArguments {
  tags?: readonly string[];
  collection?: number;
}

function isCollectionAction(action: BulkAction): action is 'add_to_collection' | 'remove_from_collection' {
  return action === 'add_to_collection' || action === 'remove_from_collection';
}

/**
 * The body of `POST /assets/bulk`: the ids chosen, or, once everything in
 * the filter is selected, the list's own filters (`filters`, written by the same function as the
 * list's query string), so the action reaches exactly the assets the list finds.
 */
export function bulkRequest(
  selection: Selection,
  filters: AssetFilters,
  action: BulkAction,
  args: BulkArguments = {},
): BulkRequest {
  const extra: Pick<BulkRequest, 'tags' | 'collection'> = {};
  if (action === 'tag' || action === 'untag') extra.tags = [...(args.tags ?? [])];
  if (isCollectionAction(action) && args.collection !== undefined) extra.collection = args.collection;
  if (selection.kind === 'all') return { filter: filters, action, ...extra };
  return { ids: [...selection.ids], action, ...extra };
}

/** What the outcome's words name: how many tags, and the collection's name. */
export interface BulkSubject {
  tagCount?: number;
  collectionName?: string;
}

function done(action: BulkAction, collectionName: string | undefined): string {
  const named = collectionName ? ` “${collectionName}”` : ' the collection';
  switch (action) {
    case 'tag':
      return 'tagged';
    case 'untag':
      return 'untagged';
    case 'add_to_collection':
      return `added to${named}`;
    case 'remove_from_collection':
      return `removed from${named}`;
    case 'reprocess':
      return 'queued for processing';
    case 'delete':
      return 'deleted';
  }
}

/** Why some matched assets were not changed, by action. */
function unchanged(action: BulkAction, count: number, tags: number): string {
  const them = tags === 1 ? 'it' : 'them';
  const were = count === 1 ? 'was' : 'were';
  switch (action) {
    case 'tag':
      return `${COUNT.format(count)} already had ${them}`;
    case 'untag':
      return `${COUNT.format(count)} did not have ${them}`;
    case 'add_to_collection':
      return `${COUNT.format(count)} already in it`;
    case 'remove_from_collection':
      return `${COUNT.format(count)} ${were} not in it`;
    case 'reprocess':
      return `${COUNT.format(count)} left as ${count === 1 ? 'it was' : 'they were'}`;
    case 'delete':
      return `${COUNT.format(count)} already gone`;
  }
}

/** "12 tagged", "10 tagged, 2 already had it", "3 added to “Lisbon”, 1 already in it", "0 deleted" (nothing matched). */
export function bulkResultText(action: BulkAction, result: BulkResult, subject: BulkSubject = {}): string {
  const text = `${COUNT.format(result.changed)} ${done(action, subject.collectionName)}`;
  const rest = result.matched - result.changed;
  return rest > 0 ? `${text}, ${unchanged(action, rest, subject.tagCount ?? 1)}` : text;
}
