/**
 * A deliberately naive reference of DESIGN.md "Access rules", used only by tests. It reads the
 * facts as plain arrays and loops over them for every question; it shares nothing with the
 * engine in src/access/ but the types. Mutations copy the facts and edit the copy; impact
 * previews apply the change to a copy and diff every level. It lives under test/ so that no
 * production code can come to depend on it.
 */
import { AccessFactsError, AssetAction, Level, ProjectAction, Role, WorkspaceAction } from '../../src/access/access-types.js';
import type {
  AccessFacts,
  AssetFact,
  AssetInput,
  DowngradedGrantee,
  EffectiveLevel,
  ExplainedGrant,
  GrantPreview,
  GrantSubject,
  LevelChange,
  ProjectFact,
  RemoveAssetPreview,
} from '../../src/access/access-types.js';

type F = AccessFacts;
type User = string | null;

export function emptyFacts(): F {
  return { members: [], groups: [], groupMembers: [], projects: [], grants: [], assets: [], imports: [] };
}

function copy(f: F): F {
  return JSON.parse(JSON.stringify(f)) as F;
}

// ---------------------------------------------------------------------------------------------
// Lookups

export function refRole(f: F, workspaceId: string, userId: User): Role | undefined {
  if (userId === null) return undefined;
  for (const m of f.members) if (m.workspaceId === workspaceId && m.userId === userId) return m.role;
  return undefined;
}

function project(f: F, id: string): ProjectFact | undefined {
  return f.projects.find((p) => p.id === id);
}
function asset(f: F, id: string): AssetFact | undefined {
  return f.assets.find((a) => a.id === id);
}

/** Custom group membership counts only for members of the group's workspace. */
function inCustomGroup(f: F, userId: string, groupId: string): boolean {
  const g = f.groups.find((x) => x.id === groupId);
  if (!g) return false;
  if (refRole(f, g.workspaceId, userId) === undefined) return false;
  return f.groupMembers.some((m) => m.groupId === groupId && m.userId === userId);
}

/** hasAccess(u, a): public admits anyone; otherwise a member who is admin or in a listed group. */
export function refHasAccess(f: F, userId: User, assetId: string): boolean {
  const a = asset(f, assetId);
  if (!a) return false;
  if (a.access.includes('public')) return true;
  const role = refRole(f, a.workspaceId, userId);
  if (role === undefined || userId === null) return false;
  if (role === Role.admin) return true;
  for (const g of a.access) {
    if (g === 'workspace' && role !== Role.guest) return true;
    if (g === 'workspace-guests' && role === Role.guest) return true;
    if (g !== 'workspace' && g !== 'workspace-guests' && inCustomGroup(f, userId, g)) return true;
  }
  return false;
}

function grantMatches(f: F, userId: User, p: ProjectFact, s: GrantSubject): boolean {
  if (s.type === 'public') return true;
  const role = refRole(f, p.workspaceId, userId);
  if (role === undefined || userId === null) return false;
  if (s.type === 'user') return s.userId === userId;
  if (s.groupId === 'workspace') return role !== Role.guest;
  const g = f.groups.find((x) => x.id === s.groupId);
  return g !== undefined && g.workspaceId === p.workspaceId && inCustomGroup(f, userId, s.groupId);
}

function rank(s: GrantSubject): [number, string] {
  if (s.type === 'user') return [0, s.userId];
  if (s.type === 'public') return [3, ''];
  return s.groupId === 'workspace' ? [2, ''] : [1, s.groupId];
}

export function refMatchingGrants(f: F, userId: User, projectId: string): ExplainedGrant[] {
  const p = project(f, projectId);
  if (!p) return [];
  const out: ExplainedGrant[] = [];
  for (const g of f.grants) {
    if (g.projectId === projectId && grantMatches(f, userId, p, g.subject)) out.push({ subject: g.subject, level: g.level });
  }
  out.sort((x, y) => {
    if (x.level !== y.level) return y.level - x.level;
    const [ra, ka] = rank(x.subject);
    const [rb, kb] = rank(y.subject);
    if (ra !== rb) return ra - rb;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return out;
}

export function refEffective(f: F, userId: User, projectId: string): EffectiveLevel {
  const p = project(f, projectId);
  if (!p) return { level: Level.none, granted: Level.none, capped: Level.none, downgradedBy: [] };
  const matching = refMatchingGrants(f, userId, projectId);
  let granted = Level.none;
  for (const m of matching) if (m.level > granted) granted = m.level;
  const role = refRole(f, p.workspaceId, userId);
  let capped = granted;
  if (role === Role.viewer && capped > Level.can_view) capped = Level.can_view;
  const missing: string[] = [];
  if (capped >= Level.can_edit && role !== Role.admin) {
    for (const i of f.imports) if (i.projectId === projectId && !refHasAccess(f, userId, i.assetId)) missing.push(i.assetId);
  }
  missing.sort();
  const r: EffectiveLevel = { level: missing.length > 0 ? Level.can_view : capped, granted, capped, downgradedBy: missing };
  if (capped < granted) r.cappedBy = 'viewer_role';
  if (matching.length > 0) r.grant = matching[0]!.subject;
  return r;
}

export function refLevel(f: F, userId: User, projectId: string): Level {
  return refEffective(f, userId, projectId).level;
}

export function refCanUse(f: F, userId: User, projectId: string, assetId: string): boolean {
  const p = project(f, projectId);
  const a = asset(f, assetId);
  if (!p || !a || p.workspaceId !== a.workspaceId) return false;
  return refLevel(f, userId, projectId) >= Level.can_edit && refHasAccess(f, userId, assetId);
}

export function refCanManageAsset(f: F, userId: User, assetId: string): boolean {
  const a = asset(f, assetId);
  return a !== undefined && refRole(f, a.workspaceId, userId) === Role.admin;
}

// ---------------------------------------------------------------------------------------------
// Allowed actions

export function refProjectActions(f: F, userId: User, projectId: string): ProjectAction[] {
  const p = project(f, projectId);
  if (!p) return [];
  const level = refLevel(f, userId, projectId);
  const isAdmin = refRole(f, p.workspaceId, userId) === Role.admin;
  const kinds = f.imports.filter((i) => i.projectId === projectId).map((i) => asset(f, i.assetId)!.kind);
  const out: ProjectAction[] = [];
  const add = (ok: boolean, a: ProjectAction): void => {
    if (ok) out.push(a);
  };
  add(level >= Level.can_view, ProjectAction.view);
  add(level >= Level.can_view, ProjectAction.view_results);
  add(level >= Level.can_edit, ProjectAction.edit);
  add(isAdmin || level >= Level.full_access, ProjectAction.share);
  add(isAdmin || level >= Level.full_access, ProjectAction.delete);
  add(level >= Level.can_edit, ProjectAction.import_asset);
  add(level >= Level.can_edit && kinds.includes('data_connection'), ProjectAction.run_query);
  add(level >= Level.can_edit && kinds.includes('secret'), ProjectAction.reveal_secret);
  add(level >= Level.can_edit && kinds.includes('git_package'), ProjectAction.install_package);
  add(level >= Level.can_edit && kinds.includes('file_integration'), ProjectAction.use_files);
  add(isAdmin || level >= Level.full_access, ProjectAction.explain);
  return out;
}

export function refAssetActions(f: F, userId: User, assetId: string): AssetAction[] {
  const a = asset(f, assetId);
  if (!a) return [];
  const role = refRole(f, a.workspaceId, userId);
  const access = refHasAccess(f, userId, assetId);
  const out: AssetAction[] = [];
  if (access) out.push(AssetAction.see);
  if (access && role !== undefined && role !== Role.viewer) out.push(AssetAction.use);
  if (role === Role.admin) out.push(AssetAction.manage);
  return out;
}

export function refWorkspaceActions(f: F, userId: User, workspaceId: string): WorkspaceAction[] {
  const role = refRole(f, workspaceId, userId);
  const out: WorkspaceAction[] = [];
  if (role !== undefined && role !== Role.guest) out.push(WorkspaceAction.view_members);
  if (role === Role.admin || role === Role.editor) out.push(WorkspaceAction.create_project);
  if (role === Role.admin) {
    out.push(WorkspaceAction.manage_members, WorkspaceAction.manage_groups, WorkspaceAction.manage_assets, WorkspaceAction.read_audit);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Lists

export function refProjectsUserCan(f: F, userId: User, workspaceId: string, min: Level): string[] {
  return f.projects
    .filter((p) => p.workspaceId === workspaceId && refLevel(f, userId, p.id) >= min)
    .map((p) => p.id)
    .sort();
}

export function refUsersWhoCan(f: F, projectId: string, min: Level): string[] {
  const p = project(f, projectId);
  if (!p) return [];
  return f.members
    .filter((m) => m.workspaceId === p.workspaceId && refLevel(f, m.userId, projectId) >= min)
    .map((m) => m.userId)
    .sort();
}

export function refAssetsUserCanSee(f: F, userId: User, workspaceId: string): string[] {
  return f.assets
    .filter((a) => a.workspaceId === workspaceId && refHasAccess(f, userId, a.id))
    .map((a) => a.id)
    .sort();
}

export function refAssetsUserCanUse(f: F, userId: User, projectId: string): string[] {
  return f.assets
    .filter((a) => refCanUse(f, userId, projectId, a.id))
    .map((a) => a.id)
    .sort();
}

export function refUsage(f: F, assetId: string): string[] {
  return f.imports
    .filter((i) => i.assetId === assetId)
    .map((i) => i.projectId)
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Mutations: return new facts, or throw for an invalid change (unknown id, cross-workspace).

const BUILTINS = ['workspace', 'workspace-guests', 'public'];
const ROLE_VALUES: string[] = ['admin', 'editor', 'viewer', 'guest'];
const KINDS: string[] = ['data_connection', 'secret', 'git_package', 'file_integration'];

function bad(msg: string): never {
  throw new AccessFactsError(msg);
}

function sameSubject(a: GrantSubject, b: GrantSubject): boolean {
  if (a.type === 'user' && b.type === 'user') return a.userId === b.userId;
  if (a.type === 'group' && b.type === 'group') return a.groupId === b.groupId;
  return a.type === 'public' && b.type === 'public';
}

function checkAccess(f: F, workspaceId: string, access: readonly string[]): string[] {
  const out: string[] = [];
  for (const id of access) {
    if (!BUILTINS.includes(id)) {
      const g = f.groups.find((x) => x.id === id);
      if (!g) bad(`unknown group ${id}`);
      if (g.workspaceId !== workspaceId) bad(`group ${id} in another workspace`);
    }
    if (!out.includes(id)) out.push(id);
  }
  return out.sort();
}

export type RefOp =
  | { op: 'setMember'; ws: string; user: string; role: Role }
  | { op: 'removeMember'; ws: string; user: string }
  | { op: 'addGroup'; id: string; ws: string }
  | { op: 'removeGroup'; id: string }
  | { op: 'addGroupMember'; group: string; user: string }
  | { op: 'removeGroupMember'; group: string; user: string }
  | { op: 'addProject'; id: string; ws: string }
  | { op: 'removeProject'; id: string }
  | { op: 'setGrant'; project: string; subject: GrantSubject; level: Level }
  | { op: 'removeGrant'; project: string; subject: GrantSubject }
  | { op: 'upsertAsset'; asset: AssetInput }
  | { op: 'setAssetAccess'; asset: string; access: string[] }
  | { op: 'removeAsset'; asset: string }
  | { op: 'addImport'; project: string; asset: string }
  | { op: 'removeImport'; project: string; asset: string };

export function refApply(facts: F, o: RefOp): F {
  const f = copy(facts);
  switch (o.op) {
    case 'setMember': {
      if (!ROLE_VALUES.includes(o.role)) bad('role');
      const m = f.members.find((x) => x.workspaceId === o.ws && x.userId === o.user);
      if (m) m.role = o.role;
      else f.members.push({ workspaceId: o.ws, userId: o.user, role: o.role });
      return f;
    }
    case 'removeMember':
      f.members = f.members.filter((x) => !(x.workspaceId === o.ws && x.userId === o.user));
      return f;
    case 'addGroup':
      if (BUILTINS.includes(o.id)) bad('reserved');
      if (f.groups.some((g) => g.id === o.id)) bad('exists');
      f.groups.push({ id: o.id, workspaceId: o.ws });
      return f;
    case 'removeGroup':
      if (!f.groups.some((g) => g.id === o.id)) return f;
      f.groups = f.groups.filter((g) => g.id !== o.id);
      f.groupMembers = f.groupMembers.filter((m) => m.groupId !== o.id);
      f.grants = f.grants.filter((g) => !(g.subject.type === 'group' && g.subject.groupId === o.id));
      for (const a of f.assets) a.access = a.access.filter((x) => x !== o.id);
      return f;
    case 'addGroupMember':
      if (!f.groups.some((g) => g.id === o.group)) bad('unknown group');
      if (!f.groupMembers.some((m) => m.groupId === o.group && m.userId === o.user))
        f.groupMembers.push({ groupId: o.group, userId: o.user });
      return f;
    case 'removeGroupMember':
      f.groupMembers = f.groupMembers.filter((m) => !(m.groupId === o.group && m.userId === o.user));
      return f;
    case 'addProject':
      if (f.projects.some((p) => p.id === o.id)) bad('exists');
      f.projects.push({ id: o.id, workspaceId: o.ws });
      return f;
    case 'removeProject':
      f.projects = f.projects.filter((p) => p.id !== o.id);
      f.grants = f.grants.filter((g) => g.projectId !== o.id);
      f.imports = f.imports.filter((i) => i.projectId !== o.id);
      return f;
    case 'setGrant': {
      const p = project(f, o.project);
      if (!p) bad('unknown project');
      if (![0, 1, 2, 3].includes(o.level)) bad('level');
      if (o.subject.type === 'group' && o.subject.groupId !== 'workspace') {
        if (BUILTINS.includes(o.subject.groupId)) bad('builtin not grantable');
        const gid = o.subject.groupId;
        const g = f.groups.find((x) => x.id === gid);
        if (!g) bad('unknown group');
        if (g.workspaceId !== p.workspaceId) bad('cross-workspace group');
      }
      const level = o.subject.type === 'public' ? Math.min(o.level, Level.can_view) : o.level;
      f.grants = f.grants.filter((g) => !(g.projectId === o.project && sameSubject(g.subject, o.subject)));
      if (level > Level.none) f.grants.push({ projectId: o.project, subject: o.subject, level });
      return f;
    }
    case 'removeGrant':
      f.grants = f.grants.filter((g) => !(g.projectId === o.project && sameSubject(g.subject, o.subject)));
      return f;
    case 'upsertAsset': {
      if (!KINDS.includes(o.asset.kind)) bad('kind');
      const existing = asset(f, o.asset.id);
      if (existing) {
        if (existing.workspaceId !== o.asset.workspaceId) bad('cross-workspace asset');
        if (o.asset.access !== undefined) existing.access = checkAccess(f, existing.workspaceId, o.asset.access);
        existing.kind = o.asset.kind;
      } else {
        f.assets.push({
          id: o.asset.id,
          workspaceId: o.asset.workspaceId,
          kind: o.asset.kind,
          access: checkAccess(f, o.asset.workspaceId, o.asset.access ?? ['workspace']),
        });
      }
      return f;
    }
    case 'setAssetAccess': {
      const a = asset(f, o.asset);
      if (!a) bad('unknown asset');
      a.access = checkAccess(f, a.workspaceId, o.access);
      return f;
    }
    case 'removeAsset':
      f.assets = f.assets.filter((a) => a.id !== o.asset);
      f.imports = f.imports.filter((i) => i.assetId !== o.asset);
      return f;
    case 'addImport': {
      const p = project(f, o.project);
      const a = asset(f, o.asset);
      if (!p || !a) bad('unknown');
      if (p.workspaceId !== a.workspaceId) bad('cross-workspace import');
      if (!f.imports.some((i) => i.projectId === o.project && i.assetId === o.asset))
        f.imports.push({ projectId: o.project, assetId: o.asset });
      return f;
    }
    case 'removeImport':
      f.imports = f.imports.filter((i) => !(i.projectId === o.project && i.assetId === o.asset));
      return f;
  }
}

/** Facts as the index would hold them: each input fact applied in the order `build` uses. */
export function refBuild(input: F): F {
  let f = emptyFacts();
  for (const m of input.members) f = refApply(f, { op: 'setMember', ws: m.workspaceId, user: m.userId, role: m.role });
  for (const g of input.groups) f = refApply(f, { op: 'addGroup', id: g.id, ws: g.workspaceId });
  for (const m of input.groupMembers) f = refApply(f, { op: 'addGroupMember', group: m.groupId, user: m.userId });
  for (const p of input.projects) f = refApply(f, { op: 'addProject', id: p.id, ws: p.workspaceId });
  for (const a of input.assets) f = refApply(f, { op: 'upsertAsset', asset: a });
  for (const g of input.grants) f = refApply(f, { op: 'setGrant', project: g.projectId, subject: g.subject, level: g.level });
  for (const i of input.imports) f = refApply(f, { op: 'addImport', project: i.projectId, asset: i.assetId });
  return f;
}

// ---------------------------------------------------------------------------------------------
// Impact previews: apply to a copy, diff the levels of every member of the workspace (before).

function diffLevels(before: F, after: F, workspaceId: string): LevelChange[] {
  const out: LevelChange[] = [];
  const users = before.members.filter((m) => m.workspaceId === workspaceId).map((m) => m.userId);
  for (const p of before.projects) {
    if (p.workspaceId !== workspaceId) continue;
    for (const u of users) {
      const from = refLevel(before, u, p.id);
      const to = refLevel(after, u, p.id);
      if (to < from) out.push({ userId: u, projectId: p.id, from, to });
    }
  }
  return out.sort((x, y) =>
    x.projectId !== y.projectId ? (x.projectId < y.projectId ? -1 : 1) : x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0,
  );
}

export function refPreviewSetAssetAccess(f: F, assetId: string, access: string[]): LevelChange[] {
  const after = refApply(f, { op: 'setAssetAccess', asset: assetId, access });
  return diffLevels(f, after, asset(f, assetId)!.workspaceId);
}

export function refPreviewImport(f: F, projectId: string, assetId: string): LevelChange[] {
  const after = refApply(f, { op: 'addImport', project: projectId, asset: assetId });
  return diffLevels(f, after, project(f, projectId)!.workspaceId);
}

export function refPreviewGrant(f: F, projectId: string, subject: GrantSubject, level: Level): GrantPreview {
  const after = refApply(f, { op: 'setGrant', project: projectId, subject, level });
  const p = project(f, projectId)!;
  const drops = diffLevels(f, after, p.workspaceId);
  const downgraded: DowngradedGrantee[] = [];
  const clamped = subject.type === 'public' ? Math.min(level, Level.can_view) : level;
  if (clamped >= Level.can_edit) {
    for (const m of f.members) {
      if (m.workspaceId !== p.workspaceId || !grantMatches(after, m.userId, p, subject)) continue;
      const e = refEffective(after, m.userId, projectId);
      if (e.downgradedBy.length > 0)
        downgraded.push({ userId: m.userId, projectId, granted: e.capped, effective: e.level, missingAssets: e.downgradedBy });
    }
  }
  downgraded.sort((x, y) => (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0));
  return { drops, downgraded };
}

export function refPreviewRemoveGroupMembers(f: F, groupId: string, userIds: string[]): LevelChange[] {
  const g = f.groups.find((x) => x.id === groupId);
  if (!g) return [];
  let after = f;
  for (const u of userIds) after = refApply(after, { op: 'removeGroupMember', group: groupId, user: u });
  return diffLevels(f, after, g.workspaceId);
}

export function refPreviewSetRole(f: F, workspaceId: string, userId: string, role: Role): LevelChange[] {
  return diffLevels(f, refApply(f, { op: 'setMember', ws: workspaceId, user: userId, role }), workspaceId);
}

export function refPreviewRemoveMember(f: F, workspaceId: string, userId: string): LevelChange[] {
  return diffLevels(f, refApply(f, { op: 'removeMember', ws: workspaceId, user: userId }), workspaceId);
}

export function refPreviewRemoveAsset(f: F, assetId: string): RemoveAssetPreview {
  const a = asset(f, assetId);
  if (!a) return { usage: [], drops: [] };
  return { usage: refUsage(f, assetId), drops: diffLevels(f, refApply(f, { op: 'removeAsset', asset: assetId }), a.workspaceId) };
}
