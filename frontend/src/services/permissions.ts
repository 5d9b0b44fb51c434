/**
 * What the signed-in user may do, from their role (issue 9). The server decides and refuses the
 * rest with 403; the UI only leaves out controls that could never succeed.
 */
import type { CurrentUser } from './api';

export interface Permissions {
  /** Register, upload, rename, reprocess, delete: editors and admins. */
  canEditAssets: boolean;
  /** The users page: admins, and only where there are accounts at all. */
  canManageUsers: boolean;
  /** The tokens page: every signed-in user; meaningless on a server without accounts. */
  canUseTokens: boolean;
}

export function permissionsOf(user: CurrentUser): Permissions {
  return {
    canEditAssets: user.role === 'editor' || user.role === 'admin',
    canManageUsers: user.auth_enabled && user.role === 'admin',
    canUseTokens: user.auth_enabled,
  };
}
