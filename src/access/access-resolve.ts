/**
 * From the API's string ids, grant subjects and access lists to the core's integers and back,
 * with the validation that writes and previews share: a preview refuses exactly what the write
 * would refuse (unknown ids, another workspace's group, a builtin group as a subject).
 */
import { C_PUBLIC, C_WORKSPACE, F_GUESTS, F_PUBLIC, F_WORKSPACE, isBuiltin, T_GROUP, T_USER } from './access-codes.js';
import type { AccessCore } from './access-core.js';
import { AccessFactsError, BuiltinGroup, Level } from './access-types.js';
import type { GrantSubject } from './access-types.js';

export function requireGroup(c: AccessCore, id: string): number {
  const g = c.groups.get(id);
  if (g < 0) throw new AccessFactsError(`unknown group: ${id}`);
  return g;
}
export function requireProject(c: AccessCore, id: string): number {
  const p = c.projects.get(id);
  if (p < 0) throw new AccessFactsError(`unknown project: ${id}`);
  return p;
}
export function requireAsset(c: AccessCore, id: string): number {
  const a = c.assets.get(id);
  if (a < 0) throw new AccessFactsError(`unknown asset: ${id}`);
  return a;
}
/** A project and an asset of one workspace. */
export function requireImportable(c: AccessCore, projectId: string, assetId: string): [number, number] {
  const p = requireProject(c, projectId);
  const a = requireAsset(c, assetId);
  if (c.projWs[p] !== c.assetWs[a])
    throw new AccessFactsError(`asset ${assetId} and project ${projectId} are in different workspaces`);
  return [p, a];
}

/**
 * Subject -> code for a project of workspace ws. With `strict`, an unknown or foreign subject
 * throws and a user subject is interned (a grant may name a user before they join); else -1.
 */
export function subjectCode(c: AccessCore, subject: GrantSubject, ws: number, strict: boolean): number {
  const fail = (msg: string): number => {
    if (strict) throw new AccessFactsError(msg);
    return -1;
  };
  switch (subject.type) {
    case 'public':
      return C_PUBLIC;
    case 'user': {
      const u = strict ? c.internUser(subject.userId) : c.users.get(subject.userId);
      return u < 0 ? -1 : u * 4 + T_USER;
    }
    case 'group': {
      if (subject.groupId === BuiltinGroup.workspace) return C_WORKSPACE;
      if (isBuiltin(subject.groupId)) return fail(`group ${subject.groupId} cannot be granted; use a public grant`);
      const g = c.groups.get(subject.groupId);
      if (g < 0) return fail(`unknown group: ${subject.groupId}`);
      if (c.groupWs[g] !== ws) return fail(`group ${subject.groupId} belongs to another workspace`);
      return g * 4 + T_GROUP;
    }
    default:
      return fail(`unknown grant subject`);
  }
}

export function subjectOf(c: AccessCore, code: number): GrantSubject {
  if (code === C_PUBLIC) return { type: 'public' };
  if (code === C_WORKSPACE) return { type: 'group', groupId: BuiltinGroup.workspace };
  if ((code & 3) === T_USER) return { type: 'user', userId: c.users.id(code >> 2) };
  return { type: 'group', groupId: c.groups.id(code >> 2) };
}

/** Validates a grant level; a public grant above can_view is clamped, not refused. */
export function clampLevel(subject: GrantSubject, level: Level): number {
  if (!Number.isInteger(level) || level < Level.none || level > Level.full_access)
    throw new AccessFactsError(`not a level: ${String(level)}`);
  return subject.type === 'public' && level > Level.can_view ? Level.can_view : level;
}

/** An asset access list -> builtin flags and custom group indices of workspace ws. */
export function parseAccess(c: AccessCore, access: readonly string[], ws: number): { flags: number; groups: number[] } {
  let flags = 0;
  const groups: number[] = [];
  for (const id of access) {
    if (id === BuiltinGroup.workspace) flags |= F_WORKSPACE;
    else if (id === BuiltinGroup.workspaceGuests) flags |= F_GUESTS;
    else if (id === BuiltinGroup.public) flags |= F_PUBLIC;
    else {
      const g = c.groups.get(id);
      if (g < 0) throw new AccessFactsError(`unknown group: ${id}`);
      if (c.groupWs[g] !== ws) throw new AccessFactsError(`group ${id} belongs to another workspace`);
      if (!groups.includes(g)) groups.push(g);
    }
  }
  return { flags, groups };
}

/** An asset's access list as ids, sorted (the inverse of parseAccess). */
export function accessList(c: AccessCore, a: number): string[] {
  const flags = c.assetFlags[a]!;
  const out: string[] = [];
  if (flags & F_WORKSPACE) out.push(BuiltinGroup.workspace);
  if (flags & F_GUESTS) out.push(BuiltinGroup.workspaceGuests);
  if (flags & F_PUBLIC) out.push(BuiltinGroup.public);
  for (const g of c.assetGroups[a]!) out.push(c.groups.id(g));
  return out.sort();
}
