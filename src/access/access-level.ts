/**
 * Question: what level does a user have on a project, and may they use an asset? DESIGN.md rules
 * 2–5. `evalLevel` is the one place where rules 3 (granted level, role cap) and 4 (downgrade)
 * are written: the hot-path check, the previews (with an Overlay) and the explained answer (with
 * a LevelTrace) all call it, so they cannot disagree.
 */
import {
  ADMIN,
  C_PUBLIC,
  C_WORKSPACE,
  F_GUESTS,
  F_PUBLIC,
  F_WORKSPACE,
  GUEST,
  NON_MEMBER,
  ROLE_OF_CODE,
  T_USER,
  VIEWER,
} from './access-codes.js';
import { P_GRANTS, P_NEED_GUEST, P_NEED_MEMBER, P_NGRANTS, P_WS, PS, U_GROUPS, U_NGROUPS, US } from './access-core.js';
import type { AccessCore } from './access-core.js';
import { Level } from './access-types.js';
import type { Role } from './access-types.js';

/**
 * What a preview pretends has changed, read by the evaluation below instead of the stored fact.
 * Fields are -1 / null when unused. Only access-previews.ts builds one.
 */
export class Overlay {
  // asset access replaced
  asset = -1;
  assetFlags = 0;
  assetGroups: number[] = [];
  // one extra import
  importProject = -1;
  importAsset = -1;
  // one grant replaced (level 0 = removed)
  grantProject = -1;
  grantCode = -1;
  grantLevel = 0;
  // one membership replaced (role NON_MEMBER = removed)
  roleUser = -1;
  roleWs = -1;
  role = NON_MEMBER;
  // some users removed from one group
  group = -1;
  removedUsers: Set<number> | null = null;
}

/** What evalLevel saw on its way, for the explained answer (rule 12). */
export class LevelTrace {
  role = NON_MEMBER;
  /** rule 3, before the role cap */
  granted = 0;
  /** after the role cap */
  capped = 0;
  /** every matching grant, in storage order: subject codes and levels */
  readonly codes: number[] = [];
  readonly levels: number[] = [];
  /** imported assets the user cannot access (rule 4), in storage order */
  readonly missing: number[] = [];
}

/**
 * Rules 3 and 4: the effective level of user u (-1: anonymous or unknown) on live project p.
 * `ov` evaluates a pretended change (previews); `trace` records the reasons and makes the
 * evaluation visit every grant and import instead of stopping at the first answer. With both
 * null this is the hot path: it allocates nothing.
 */
export function evalLevel(c: AccessCore, u: number, p: number, ov: Overlay | null, trace: LevelTrace | null): Level {
  const pd = c.pdata;
  const b = p * PS;
  const role = memberRole(c, u, pd[b + P_WS]!, ov);

  // Rule 3: the maximum over the grants that match u.
  const n = pd[b + P_NGRANTS]!;
  const grants = n < 0 ? c.grantSpill[p]! : pd;
  const start = n < 0 ? 0 : b + P_GRANTS;
  const end = n < 0 ? grants.length : start + 2 * n;
  const replaced = ov !== null && ov.grantProject === p ? ov.grantCode : -1;
  let level = 0;
  for (let i = start; i < end; i += 2) {
    const lvl = grants[i + 1]!;
    if (lvl <= level && trace === null) continue;
    const code = grants[i]!;
    if (code === replaced || !grantMatches(c, code, u, role, ov)) continue;
    if (lvl > level) level = lvl;
    if (trace !== null) trace.codes.push(code), trace.levels.push(lvl);
  }
  if (replaced >= 0 && ov!.grantLevel > 0 && grantMatches(c, replaced, u, role, ov)) {
    if (ov!.grantLevel > level) level = ov!.grantLevel;
    if (trace !== null) trace.codes.push(replaced), trace.levels.push(ov!.grantLevel);
  }

  // The role cap: a viewer gets can_view at most.
  const granted = level;
  if (role === VIEWER && level > Level.can_view) level = Level.can_view;
  if (trace !== null) (trace.role = role), (trace.granted = granted), (trace.capped = level);

  // Rule 4: ≥ can_edit, not an admin, and an import u cannot access -> can_view. The counters
  // say when no import needs more than u's role, so the scan can be skipped (not under an
  // overlay, which can change access without touching them).
  if (level < Level.can_edit || role === ADMIN) return level;
  if (ov === null && pd[b + (role === GUEST ? P_NEED_GUEST : P_NEED_MEMBER)] === 0) return level;
  const imports = c.projImports[p]!;
  let downgraded = false;
  for (let k = 0; k < imports.length; k++) {
    if (hasAccessIx(c, u, imports[k]!, ov)) continue;
    if (trace === null) return Level.can_view;
    trace.missing.push(imports[k]!), (downgraded = true);
  }
  if (ov !== null && ov.importProject === p && !hasAccessIx(c, u, ov.importAsset, ov)) {
    if (trace === null) return Level.can_view;
    trace.missing.push(ov.importAsset), (downgraded = true);
  }
  return downgraded ? Level.can_view : level;
}

/** Role code of u in ws (NON_MEMBER for none), as the overlay would have it. */
export function memberRole(c: AccessCore, u: number, ws: number, ov: Overlay | null): number {
  if (ov !== null && ov.roleUser === u && ov.roleWs === ws) return ov.role;
  if (u < 0) return NON_MEMBER;
  const m0 = c.udata[u * US]!;
  if (m0 < 0) return NON_MEMBER;
  if (m0 >> 2 === ws) return m0 & 3;
  const mem = c.userMem[u]!;
  for (let i = 1; i < mem.length; i++) if (mem[i]! >> 2 === ws) return mem[i]! & 3;
  return NON_MEMBER;
}

/** Is member u in custom group g? */
function inGroup(c: AccessCore, u: number, g: number, ov: Overlay | null): boolean {
  if (ov !== null && ov.group === g && ov.removedUsers!.has(u)) return false;
  const ud = c.udata;
  const b = u * US;
  const n = ud[b + U_NGROUPS]!;
  if (n < 0) return c.groupMembers[g]!.has(u);
  for (let i = 0; i < n; i++) if (ud[b + U_GROUPS + i] === g) return true;
  return false;
}

/**
 * Rule 3's match: does grant `code` of a project match u, whose role in the project's workspace
 * is `role`? Public matches anyone; the rest only members; `workspace` never matches guests.
 */
function grantMatches(c: AccessCore, code: number, u: number, role: number, ov: Overlay | null): boolean {
  if (code === C_PUBLIC) return true;
  if (role === NON_MEMBER) return false;
  if (code === C_WORKSPACE) return role !== GUEST;
  if ((code & 3) === T_USER) return code === u * 4;
  return inGroup(c, u, code >> 2, ov);
}

/** `hasAccess(u, a)` of DESIGN.md on integers; `public` in the list admits anyone. */
export function hasAccessIx(c: AccessCore, u: number, a: number, ov: Overlay | null): boolean {
  const overridden = ov !== null && ov.asset === a;
  const flags = overridden ? ov.assetFlags : c.assetFlags[a]!;
  if (flags & F_PUBLIC) return true;
  if (u < 0) return false;
  const role = memberRole(c, u, c.assetWs[a]!, ov);
  if (role === NON_MEMBER) return false;
  if (role === ADMIN) return true;
  if (flags & (role === GUEST ? F_GUESTS : F_WORKSPACE)) return true;
  const groups = overridden ? ov.assetGroups : c.assetGroups[a]!;
  for (let i = 0; i < groups.length; i++) if (inGroup(c, u, groups[i]!, ov)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// The questions, by id

/** Rule 4 effective level; none for an unknown project. */
export function levelOf(c: AccessCore, userId: string | null, projectId: string): Level {
  const p = c.projects.get(projectId);
  return p < 0 ? Level.none : evalLevel(c, c.userIx(userId), p, null, null);
}

/** levelOf by interned integers; none for an unknown or removed project. */
export function levelOfHandles(c: AccessCore, user: number, project: number): Level {
  if (project < 0 || !(c.projWs[project]! >= 0)) return Level.none;
  return evalLevel(c, user, project, null, null);
}

export function hasAccess(c: AccessCore, userId: string | null, assetId: string): boolean {
  const a = c.assets.get(assetId);
  return a >= 0 && hasAccessIx(c, c.userIx(userId), a, null);
}

/** Rule 5: effective level ≥ can_edit and hasAccess; project and asset in one workspace. */
export function canUse(c: AccessCore, userId: string | null, projectId: string, assetId: string): boolean {
  const p = c.projects.get(projectId);
  const a = c.assets.get(assetId);
  if (p < 0 || a < 0 || c.projWs[p] !== c.assetWs[a]) return false;
  const u = c.userIx(userId);
  return evalLevel(c, u, p, null, null) >= Level.can_edit && hasAccessIx(c, u, a, null);
}

/** Rule 1: admins of the asset's workspace. */
export function canManageAsset(c: AccessCore, userId: string | null, assetId: string): boolean {
  const a = c.assets.get(assetId);
  const u = c.userIx(userId);
  return a >= 0 && u >= 0 && memberRole(c, u, c.assetWs[a]!, null) === ADMIN;
}

export function roleIn(c: AccessCore, userId: string, workspaceId: string): Role | undefined {
  const u = c.users.get(userId);
  const ws = c.wss.get(workspaceId);
  if (u < 0 || ws < 0) return undefined;
  return ROLE_OF_CODE[memberRole(c, u, ws, null)];
}
