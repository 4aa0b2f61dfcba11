/**
 * The small integers the access engine stores instead of strings, and the pure helpers over
 * them. Shared by the data core and every question file, so a code means the same thing
 * everywhere (see README.md, "Data layout"; the mirrors' layout is in access-core.ts).
 */
import { BuiltinGroup, Role } from './access-types.js';
import type { AssetKind, GrantSubject, LevelChange } from './access-types.js';

// Role codes (per membership). NON_MEMBER also stands for anonymous visitors.
export const ADMIN = 0;
export const EDITOR = 1;
export const VIEWER = 2;
export const GUEST = 3;
export const NON_MEMBER = -1;
export const ROLE_CODES: Record<Role, number> = { admin: ADMIN, editor: EDITOR, viewer: VIEWER, guest: GUEST };
export const ROLE_OF_CODE: readonly Role[] = [Role.admin, Role.editor, Role.viewer, Role.guest];

// Asset access flags for the builtin groups.
export const F_WORKSPACE = 1;
export const F_GUESTS = 2;
export const F_PUBLIC = 4;

// Grant subject codes: user u -> u*4, custom group g -> g*4+1, workspace -> 2, public -> 3.
export const T_USER = 0;
export const T_GROUP = 1;
export const C_WORKSPACE = 2;
export const C_PUBLIC = 3;

export const KIND_CODES: Record<AssetKind, number> = {
  data_connection: 0,
  secret: 1,
  git_package: 2,
  file_integration: 3,
};

/** 1 if a non-guest member needs more than the role to access an asset with these flags. */
export function needsMember(flags: number): number {
  return flags & (F_WORKSPACE | F_PUBLIC) ? 0 : 1;
}
/** 1 if a guest needs more than the role to access an asset with these flags. */
export function needsGuest(flags: number): number {
  return flags & (F_GUESTS | F_PUBLIC) ? 0 : 1;
}

export function isBuiltin(id: string): boolean {
  return id === BuiltinGroup.workspace || id === BuiltinGroup.workspaceGuests || id === BuiltinGroup.public;
}

/** Order by UTF-16 code unit, like `Array.prototype.sort()` without a comparator. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function removeValue(arr: number[], v: number): void {
  const i = arr.indexOf(v);
  if (i >= 0) arr.splice(i, 1);
}

/** Removes the (code, level) pair of `code` from a packed grant list; false when absent. */
export function removeGrantCode(grants: number[], code: number): boolean {
  for (let i = 0; i < grants.length; i += 2) {
    if (grants[i] === code) {
      grants.splice(i, 2);
      return true;
    }
  }
  return false;
}

/** Preview order: by project, then user. */
export function sortChanges(out: LevelChange[]): LevelChange[] {
  return out.sort((x, y) => cmp(x.projectId, y.projectId) || cmp(x.userId, y.userId));
}

/** Canonical sort key of a subject: users, then custom groups, then workspace, then public. */
export function subjectKey(s: GrantSubject): string {
  switch (s.type) {
    case 'user':
      return `0:${s.userId}`;
    case 'group':
      return s.groupId === BuiltinGroup.workspace ? '2:' : `1:${s.groupId}`;
    case 'public':
      return '3:';
  }
}
