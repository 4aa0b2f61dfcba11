/**
 * The access index: the rules of DESIGN.md "Access rules" (1–7, 12) evaluated in memory, with no
 * I/O. It is built from facts, updated by one small mutation per write, and answers every check
 * without touching the database. See README.md in this folder for the contract and the layout.
 *
 * Ids are interned to small integers; every per-entity table is a plain array indexed by that
 * integer, so a check is a few array reads and short loops and allocates nothing.
 */
import {
  AccessFactsError,
  ASSET_KINDS,
  AssetAction,
  BuiltinGroup,
  Level,
  levelName,
  ProjectAction,
  Role,
  WorkspaceAction,
} from './access-types.js';
import type {
  AccessFacts,
  AssetFact,
  AssetInput,
  AssetKind,
  DowngradedGrantee,
  EffectiveLevel,
  ExplainedGrant,
  Explanation,
  GrantFact,
  GrantPreview,
  GrantSubject,
  LevelChange,
  RemoveAssetPreview,
} from './access-types.js';

// Role codes (per membership). NON_MEMBER also stands for anonymous visitors.
const ADMIN = 0;
const EDITOR = 1;
const VIEWER = 2;
const GUEST = 3;
const NON_MEMBER = -1;
const ROLE_CODES: Record<Role, number> = { admin: ADMIN, editor: EDITOR, viewer: VIEWER, guest: GUEST };
const ROLE_OF_CODE: readonly Role[] = [Role.admin, Role.editor, Role.viewer, Role.guest];

// Asset access flags for the builtin groups.
const F_WORKSPACE = 1;
const F_GUESTS = 2;
const F_PUBLIC = 4;

// Grant subject codes: user u -> u*4, custom group g -> g*4+1, workspace -> 2, public -> 3.
const T_USER = 0;
const T_GROUP = 1;
const C_WORKSPACE = 2;
const C_PUBLIC = 3;

// pdata / udata layout (see the class fields)
const PS = 16;
const P_WS = 0;
const P_NEED_MEMBER = 1;
const P_NEED_GUEST = 2;
const P_NGRANTS = 3;
const P_GRANTS = 4;
const US = 8;
const U_NGROUPS = 1;
const U_GROUPS = 2;
const INLINE = 6;

const KIND_CODES: Record<AssetKind, number> = {
  data_connection: 0,
  secret: 1,
  git_package: 2,
  file_integration: 3,
};

/**
 * String id <-> small integer, with slot reuse after removal. The lookup table is a
 * prototype-less dictionary object rather than a Map: at a million keys V8 answers it about
 * twice as fast (measured), and this lookup is half the cost of a check.
 */
class Interner {
  readonly ids: (string | undefined)[] = [];
  private readonly map: Record<string, number> = Object.create(null) as Record<string, number>;
  private readonly free: number[] = [];
  private count = 0;

  get(id: string): number {
    const i = this.map[id];
    return i === undefined ? -1 : i;
  }
  intern(id: string): number {
    let i = this.map[id];
    if (i === undefined) {
      i = this.free.length > 0 ? this.free.pop()! : this.ids.length;
      this.map[id] = i;
      this.ids[i] = id;
      this.count++;
    }
    return i;
  }
  release(i: number): void {
    const id = this.ids[i];
    if (id === undefined) return;
    delete this.map[id];
    this.ids[i] = undefined;
    this.free.push(i);
    this.count--;
  }
  get size(): number {
    return this.count;
  }
  id(i: number): string {
    return this.ids[i]!;
  }
}

/**
 * What a preview pretends has changed. The same evaluation code runs with and without it, so a
 * preview cannot disagree with what the mutation will do. Fields are -1 / null when unused.
 */
class Overlay {
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

export class AccessIndex {
  private readonly users = new Interner();
  private readonly wss = new Interner();
  private readonly groups = new Interner();
  private readonly projects = new Interner();
  private readonly assets = new Interner();

  // users: memberships packed as ws*4+role (almost always 1-3 entries), custom groups
  private readonly userMem: number[][] = [];
  private readonly userGroups: number[][] = [];
  private readonly userGrantProjects: (Set<number> | undefined)[] = [];

  // workspaces
  private readonly wsMembers: Map<number, number>[] = [];
  private readonly wsProjects: Set<number>[] = [];
  private readonly wsAssets: Set<number>[] = [];
  private readonly wsGroups: Set<number>[] = [];
  private readonly wsGrantProjects: Set<number>[] = [];
  private readonly publicGrantProjects: Set<number>[] = [];

  // custom groups
  private readonly groupWs: number[] = [];
  private readonly groupMembers: Set<number>[] = [];
  private readonly groupGrantProjects: Set<number>[] = [];
  private readonly groupAssets: Set<number>[] = [];

  // projects: grants packed [code, level, code, level, ...]; imported asset indices
  private readonly projWs: number[] = [];
  private readonly projGrants: number[][] = [];
  private readonly projImports: number[][] = [];
  /** how many imported assets a non-guest member / a guest needs more than their role for:
   *  when 0, nobody of that kind can be downgraded on the project and the import scan is skipped */
  // (stored in pdata, see below)

  /**
   * Hot-path mirrors in flat typed arrays, so a check reads about one cache line per entity
   * instead of chasing pointers through arrays of arrays (at 1M projects that is what costs):
   *  pdata, 16 ints per project: ws, needMember, needGuest, inline grant count (-1 = more than
   *    6, use projGrants), then up to 6 (code, level) pairs;
   *  udata, 8 ints per user: first membership (ws*4+role, -1 none), inline custom group count
   *    (-1 = more than 6, use userGroups), then up to 6 group indices.
   */
  private pdata = new Int32Array(PS * 64);
  private udata = new Int32Array(US * 64);

  // assets
  private readonly assetWs: number[] = [];
  private readonly assetKind: number[] = [];
  private readonly assetFlags: number[] = [];
  private readonly assetGroups: number[][] = [];
  private readonly assetUsage: Set<number>[] = [];

  // scratch marks for de-duplication without allocating sets
  private userMark: number[] = [];
  private projMark: number[] = [];
  private epoch = 0;

  static build(facts: AccessFacts): AccessIndex {
    const ix = new AccessIndex();
    for (const m of facts.members) ix.setMember(m.workspaceId, m.userId, m.role);
    for (const g of facts.groups) ix.addGroup(g);
    for (const gm of facts.groupMembers) ix.addGroupMember(gm.groupId, gm.userId);
    for (const p of facts.projects) ix.addProject(p);
    for (const a of facts.assets) ix.upsertAsset(a);
    for (const g of facts.grants) ix.setGrant(g.projectId, g.subject, g.level);
    for (const i of facts.imports) ix.addImport(i.projectId, i.assetId);
    return ix;
  }

  // ===========================================================================================
  // Mutations. Additions that reference an unknown or cross-workspace entity throw
  // AccessFactsError; removals of something absent are no-ops (idempotent, replay-friendly).

  setMember(workspaceId: string, userId: string, role: Role): void {
    const code = ROLE_CODES[role];
    if (code === undefined) throw new AccessFactsError(`unknown role: ${String(role)}`);
    const ws = this.internWs(workspaceId);
    const u = this.internUser(userId);
    const mem = this.userMem[u]!;
    for (let i = 0; i < mem.length; i++) {
      if (mem[i]! >> 2 === ws) {
        mem[i] = (ws << 2) | code;
        this.wsMembers[ws]!.set(u, code);
        this.udata[u * US] = mem[0]!;
        return;
      }
    }
    mem.push((ws << 2) | code);
    this.wsMembers[ws]!.set(u, code);
    this.udata[u * US] = mem[0]!;
  }

  /** Group memberships and user grants of the user stay, inert, until they are removed too. */
  removeMember(workspaceId: string, userId: string): void {
    const ws = this.wss.get(workspaceId);
    const u = this.users.get(userId);
    if (ws < 0 || u < 0) return;
    const mem = this.userMem[u]!;
    for (let i = 0; i < mem.length; i++) {
      if (mem[i]! >> 2 === ws) {
        mem.splice(i, 1);
        this.wsMembers[ws]!.delete(u);
        this.udata[u * US] = mem.length > 0 ? mem[0]! : -1;
        return;
      }
    }
  }

  addGroup(group: { id: string; workspaceId: string }): void {
    if (isBuiltin(group.id)) throw new AccessFactsError(`group id is reserved: ${group.id}`);
    if (this.groups.get(group.id) >= 0) throw new AccessFactsError(`group already exists: ${group.id}`);
    const ws = this.internWs(group.workspaceId);
    const g = this.groups.intern(group.id);
    this.groupWs[g] = ws;
    this.groupMembers[g] = new Set();
    this.groupGrantProjects[g] = new Set();
    this.groupAssets[g] = new Set();
    this.wsGroups[ws]!.add(g);
  }

  /** Removes the group's members, every grant to it and it from every asset's access list. */
  removeGroup(groupId: string): void {
    const g = this.groups.get(groupId);
    if (g < 0) return;
    for (const u of this.groupMembers[g]!) removeValue(this.userGroups[u]!, g), this.syncUserGroups(u);
    const code = g * 4 + T_GROUP;
    for (const p of this.groupGrantProjects[g]!) removeGrantCode(this.projGrants[p]!, code), this.syncGrants(p);
    for (const a of this.groupAssets[g]!) removeValue(this.assetGroups[a]!, g);
    this.wsGroups[this.groupWs[g]!]!.delete(g);
    this.groupWs[g] = -1;
    this.groupMembers[g] = undefined as unknown as Set<number>;
    this.groupGrantProjects[g] = undefined as unknown as Set<number>;
    this.groupAssets[g] = undefined as unknown as Set<number>;
    this.groups.release(g);
  }

  /** The user need not be a member of the group's workspace; if not, the membership is inert. */
  addGroupMember(groupId: string, userId: string): void {
    const g = this.requireGroup(groupId);
    const u = this.internUser(userId);
    const members = this.groupMembers[g]!;
    if (members.has(u)) return;
    members.add(u);
    this.userGroups[u]!.push(g);
    this.syncUserGroups(u);
  }

  removeGroupMember(groupId: string, userId: string): void {
    const g = this.groups.get(groupId);
    const u = this.users.get(userId);
    if (g < 0 || u < 0) return;
    if (!this.groupMembers[g]!.delete(u)) return;
    removeValue(this.userGroups[u]!, g);
    this.syncUserGroups(u);
  }

  addProject(project: { id: string; workspaceId: string }): void {
    if (this.projects.get(project.id) >= 0) throw new AccessFactsError(`project already exists: ${project.id}`);
    const ws = this.internWs(project.workspaceId);
    const p = this.projects.intern(project.id);
    this.projWs[p] = ws;
    this.projGrants[p] = [];
    this.projImports[p] = [];
    if ((p + 1) * PS > this.pdata.length) this.pdata = grow(this.pdata, (p + 1) * PS);
    this.pdata.fill(0, p * PS, (p + 1) * PS);
    this.pdata[p * PS + P_WS] = ws;
    this.projMark[p] = 0;
    this.wsProjects[ws]!.add(p);
  }

  /** Drops the project's grants and imports. */
  removeProject(projectId: string): void {
    const p = this.projects.get(projectId);
    if (p < 0) return;
    const grants = this.projGrants[p]!;
    for (let i = 0; i < grants.length; i += 2) this.unindexGrant(p, grants[i]!);
    for (const a of this.projImports[p]!) this.assetUsage[a]!.delete(p);
    this.wsProjects[this.projWs[p]!]!.delete(p);
    this.projWs[p] = -1;
    this.projGrants[p] = undefined as unknown as number[];
    this.projImports[p] = undefined as unknown as number[];
    this.projects.release(p);
  }

  /**
   * One grant per (project, subject): a new level replaces the old one. `Level.none` removes the
   * grant. A public grant above `can_view` is clamped to `can_view` (stored clamped).
   */
  setGrant(projectId: string, subject: GrantSubject, level: Level): void {
    const p = this.requireProject(projectId);
    this.setGrantCode(p, subject, level);
    this.syncGrants(p);
  }

  private setGrantCode(p: number, subject: GrantSubject, level: Level): void {
    const code = this.subjectCode(subject, this.projWs[p]!, true);
    const lvl = this.checkLevel(subject, level);
    const grants = this.projGrants[p]!;
    for (let i = 0; i < grants.length; i += 2) {
      if (grants[i] === code) {
        if (lvl === Level.none) {
          grants.splice(i, 2);
          this.unindexGrant(p, code);
        } else grants[i + 1] = lvl;
        return;
      }
    }
    if (lvl === Level.none) return;
    grants.push(code, lvl);
    this.indexGrant(p, code);
  }

  removeGrant(projectId: string, subject: GrantSubject): void {
    const p = this.projects.get(projectId);
    if (p < 0) return;
    const code = this.subjectCode(subject, this.projWs[p]!, false);
    if (code < 0) return;
    if (removeGrantCode(this.projGrants[p]!, code)) this.unindexGrant(p, code), this.syncGrants(p);
  }

  /** Rewrites the hot-path copy of p's grants. */
  private syncGrants(p: number): void {
    const grants = this.projGrants[p]!;
    const b = p * PS;
    const n = grants.length >> 1;
    this.pdata[b + P_NGRANTS] = n <= INLINE ? n : -1;
    for (let i = 0; i < n && i < INLINE; i++) {
      this.pdata[b + P_GRANTS + 2 * i] = grants[2 * i]!;
      this.pdata[b + P_GRANTS + 2 * i + 1] = grants[2 * i + 1]!;
    }
  }

  /** Rewrites the hot-path copy of u's custom groups. */
  private syncUserGroups(u: number): void {
    const gs = this.userGroups[u]!;
    const b = u * US;
    this.udata[b + U_NGROUPS] = gs.length <= INLINE ? gs.length : -1;
    for (let i = 0; i < gs.length && i < INLINE; i++) this.udata[b + U_GROUPS + i] = gs[i]!;
  }

  /** Creates (access defaults to `['workspace']`) or updates an asset; its workspace is fixed. */
  upsertAsset(asset: AssetInput): void {
    const kind = KIND_CODES[asset.kind];
    if (kind === undefined) throw new AccessFactsError(`unknown asset kind: ${String(asset.kind)}`);
    let a = this.assets.get(asset.id);
    if (a >= 0) {
      if (this.wss.id(this.assetWs[a]!) !== asset.workspaceId)
        throw new AccessFactsError(`asset ${asset.id} belongs to another workspace`);
      if (asset.access !== undefined) this.setAssetAccess(asset.id, asset.access); // validates first
      this.assetKind[a] = kind;
      return;
    }
    const ws = this.internWs(asset.workspaceId);
    const { flags, groups } = this.parseAccess(asset.access ?? [BuiltinGroup.workspace], ws);
    a = this.assets.intern(asset.id);
    this.assetWs[a] = ws;
    this.assetKind[a] = kind;
    this.assetFlags[a] = flags;
    this.assetGroups[a] = groups;
    this.assetUsage[a] = new Set();
    for (const g of groups) this.groupAssets[g]!.add(a);
    this.wsAssets[ws]!.add(a);
  }

  setAssetAccess(assetId: string, access: readonly string[]): void {
    const a = this.requireAsset(assetId);
    const { flags, groups } = this.parseAccess(access, this.assetWs[a]!);
    for (const g of this.assetGroups[a]!) this.groupAssets[g]!.delete(a);
    const dMember = needsMember(flags) - needsMember(this.assetFlags[a]!);
    const dGuest = needsGuest(flags) - needsGuest(this.assetFlags[a]!);
    if (dMember !== 0 || dGuest !== 0) {
      for (const p of this.assetUsage[a]!) {
        this.pdata[p * PS + P_NEED_MEMBER] = this.pdata[p * PS + P_NEED_MEMBER]! + dMember;
        this.pdata[p * PS + P_NEED_GUEST] = this.pdata[p * PS + P_NEED_GUEST]! + dGuest;
      }
    }
    this.assetFlags[a] = flags;
    this.assetGroups[a] = groups;
    for (const g of groups) this.groupAssets[g]!.add(a);
  }

  /** Drops the asset's imports (rule 8: it disappears from every project using it). */
  removeAsset(assetId: string): void {
    const a = this.assets.get(assetId);
    if (a < 0) return;
    for (const p of this.assetUsage[a]!) this.unlinkImport(p, a);
    for (const g of this.assetGroups[a]!) this.groupAssets[g]!.delete(a);
    this.wsAssets[this.assetWs[a]!]!.delete(a);
    this.assetWs[a] = -1;
    this.assetGroups[a] = undefined as unknown as number[];
    this.assetUsage[a] = undefined as unknown as Set<number>;
    this.assets.release(a);
  }

  addImport(projectId: string, assetId: string): void {
    const [p, a] = this.requireImportable(projectId, assetId);
    const usage = this.assetUsage[a]!;
    if (usage.has(p)) return;
    usage.add(p);
    this.projImports[p]!.push(a);
    this.pdata[p * PS + P_NEED_MEMBER] = this.pdata[p * PS + P_NEED_MEMBER]! + needsMember(this.assetFlags[a]!);
    this.pdata[p * PS + P_NEED_GUEST] = this.pdata[p * PS + P_NEED_GUEST]! + needsGuest(this.assetFlags[a]!);
  }

  removeImport(projectId: string, assetId: string): void {
    const p = this.projects.get(projectId);
    const a = this.assets.get(assetId);
    if (p < 0 || a < 0) return;
    if (this.assetUsage[a]!.delete(p)) this.unlinkImport(p, a);
  }

  private unlinkImport(p: number, a: number): void {
    removeValue(this.projImports[p]!, a);
    this.pdata[p * PS + P_NEED_MEMBER] = this.pdata[p * PS + P_NEED_MEMBER]! - needsMember(this.assetFlags[a]!);
    this.pdata[p * PS + P_NEED_GUEST] = this.pdata[p * PS + P_NEED_GUEST]! - needsGuest(this.assetFlags[a]!);
  }

  // ===========================================================================================
  // Checks

  /** Rule 4 effective level; the hot path: allocates nothing. */
  level(userId: string | null, projectId: string): Level {
    const p = this.projects.get(projectId);
    if (p < 0) return Level.none;
    const u = userId === null ? -1 : this.users.get(userId);
    return this.fastLevel(u, p);
  }

  /**
   * Integer handles for callers that check many times against the same ids (one lookup per
   * request instead of one per check). -1 for an unknown id. Handles of removed entities may be
   * reused by later ones, so do not keep them across writes.
   */
  userHandle(userId: string | null): number {
    return userId === null ? -1 : this.users.get(userId);
  }
  projectHandle(projectId: string): number {
    return this.projects.get(projectId);
  }
  /** level() by handles: no string lookup at all. */
  levelByHandle(user: number, project: number): Level {
    if (project < 0 || this.projWs[project] === undefined || this.projWs[project]! < 0) return Level.none;
    return this.fastLevel(user, project);
  }

  /** Rule 4 with its reasons (rule 12). */
  effectiveLevel(userId: string | null, projectId: string): EffectiveLevel {
    const p = this.projects.get(projectId);
    if (p < 0) return { level: Level.none, granted: Level.none, capped: Level.none, downgradedBy: [] };
    const u = userId === null ? -1 : this.users.get(userId);
    return this.detail(u, p, null).result;
  }

  /** `hasAccess(u, a)` of DESIGN.md, with `public` admitting anyone. */
  hasAccess(userId: string | null, assetId: string): boolean {
    const a = this.assets.get(assetId);
    if (a < 0) return false;
    const u = userId === null ? -1 : this.users.get(userId);
    return this.evalAccess(u, a, null);
  }

  /** Rule 2. */
  canSee(userId: string | null, assetId: string): boolean {
    return this.hasAccess(userId, assetId);
  }

  /** Rule 5: effective level ≥ can_edit and hasAccess; project and asset in one workspace. */
  canUse(userId: string | null, projectId: string, assetId: string): boolean {
    const p = this.projects.get(projectId);
    const a = this.assets.get(assetId);
    if (p < 0 || a < 0 || this.projWs[p] !== this.assetWs[a]) return false;
    const u = userId === null ? -1 : this.users.get(userId);
    return this.fastLevel(u, p) >= Level.can_edit && this.evalAccess(u, a, null);
  }

  /** Rule 1: admins of the asset's workspace. */
  canManageAsset(userId: string | null, assetId: string): boolean {
    const a = this.assets.get(assetId);
    const u = userId === null ? -1 : this.users.get(userId);
    return a >= 0 && u >= 0 && this.memberRole(u, this.assetWs[a]!, null) === ADMIN;
  }

  /** Role of a user in a workspace, undefined for non-members. */
  roleIn(userId: string, workspaceId: string): Role | undefined {
    const u = this.users.get(userId);
    const ws = this.wss.get(workspaceId);
    if (u < 0 || ws < 0) return undefined;
    return ROLE_OF_CODE[this.memberRole(u, ws, null)];
  }

  explain(userId: string | null, projectId: string): Explanation {
    const p = this.requireProject(projectId);
    const u = userId === null ? -1 : this.users.get(userId);
    const ws = this.projWs[p]!;
    const { result, matching } = this.detail(u, p, null);
    const roleCode = u < 0 ? NON_MEMBER : this.memberRole(u, ws, null);
    const role = ROLE_OF_CODE[roleCode];
    const who = userId === null ? 'anonymous visitor' : `user ${userId}`;
    const text: string[] = [];
    text.push(
      role === undefined
        ? `${who} is not a member of workspace ${this.wss.id(ws)}; only a public grant can match.`
        : `${who} is ${role === Role.admin ? 'an' : 'a'} ${role} of workspace ${this.wss.id(ws)}.`,
    );
    if (matching.length === 0) text.push(`No grant of project ${projectId} matches.`);
    for (const m of matching) text.push(`Grant ${describeSubject(m.subject)} gives ${levelName(m.level)}.`);
    if (matching.length > 0) text.push(`Granted level: ${levelName(result.granted)}.`);
    if (result.cappedBy === 'viewer_role') text.push(`The viewer role caps it at can_view.`);
    if (result.downgradedBy.length > 0)
      text.push(
        `Downgraded to can_view: the project imports ${result.downgradedBy.join(', ')}, which the user has no access to.`,
      );
    else if (roleCode === ADMIN && result.capped >= Level.can_edit)
      text.push('Admins have access to every asset, so they are never downgraded.');
    text.push(`Effective level: ${levelName(result.level)}.`);
    return {
      ...result,
      userId,
      projectId,
      workspaceId: this.wss.id(ws),
      ...(role !== undefined ? { role } : {}),
      matchingGrants: matching,
      text,
    };
  }

  // ===========================================================================================
  // Allowed actions (one short rule per action)

  projectActions(userId: string | null, projectId: string): ProjectAction[] {
    const p = this.projects.get(projectId);
    if (p < 0) return [];
    const u = userId === null ? -1 : this.users.get(userId);
    const level = this.fastLevel(u, p);
    const admin = u >= 0 && this.memberRole(u, this.projWs[p]!, null) === ADMIN;
    const edit = level >= Level.can_edit;
    const kinds = this.importedKinds(p);
    const out: ProjectAction[] = [];
    if (level >= Level.can_view) out.push(ProjectAction.view, ProjectAction.view_results);
    if (edit) out.push(ProjectAction.edit);
    if (admin || level === Level.full_access) out.push(ProjectAction.share, ProjectAction.delete);
    if (edit) out.push(ProjectAction.import_asset);
    if (edit && kinds & (1 << KIND_CODES.data_connection)) out.push(ProjectAction.run_query);
    if (edit && kinds & (1 << KIND_CODES.secret)) out.push(ProjectAction.reveal_secret);
    if (edit && kinds & (1 << KIND_CODES.git_package)) out.push(ProjectAction.install_package);
    if (edit && kinds & (1 << KIND_CODES.file_integration)) out.push(ProjectAction.use_files);
    if (admin || level === Level.full_access) out.push(ProjectAction.explain);
    return out;
  }

  assetActions(userId: string | null, assetId: string): AssetAction[] {
    const a = this.assets.get(assetId);
    if (a < 0) return [];
    const u = userId === null ? -1 : this.users.get(userId);
    const role = u < 0 ? NON_MEMBER : this.memberRole(u, this.assetWs[a]!, null);
    const access = this.evalAccess(u, a, null);
    const out: AssetAction[] = [];
    if (access) out.push(AssetAction.see);
    // could use it in a project they can edit: viewers are capped, non-members only get public
    if (access && (role === ADMIN || role === EDITOR || role === GUEST)) out.push(AssetAction.use);
    if (role === ADMIN) out.push(AssetAction.manage);
    return out;
  }

  workspaceActions(userId: string | null, workspaceId: string): WorkspaceAction[] {
    const ws = this.wss.get(workspaceId);
    const u = userId === null ? -1 : this.users.get(userId);
    const role = ws < 0 || u < 0 ? NON_MEMBER : this.memberRole(u, ws, null);
    const out: WorkspaceAction[] = [];
    if (role === ADMIN || role === EDITOR || role === VIEWER) out.push(WorkspaceAction.view_members);
    if (role === ADMIN || role === EDITOR) out.push(WorkspaceAction.create_project);
    if (role === ADMIN)
      out.push(
        WorkspaceAction.manage_members,
        WorkspaceAction.manage_groups,
        WorkspaceAction.manage_assets,
        WorkspaceAction.read_audit,
      );
    return out;
  }

  // ===========================================================================================
  // Lists (ids sorted by code unit)

  projectsUserCan(userId: string | null, workspaceId: string, minLevel: Level): string[] {
    const ws = this.wss.get(workspaceId);
    if (ws < 0) return [];
    if (minLevel <= Level.none) return this.sortedIds(this.projects, this.wsProjects[ws]!);
    const u = userId === null ? -1 : this.users.get(userId);
    const role = u < 0 ? NON_MEMBER : this.memberRole(u, ws, null);
    const mark = this.nextEpoch();
    const pm = this.projMark;
    const out: string[] = [];
    const consider = (p: number): void => {
      if (pm[p] === mark) return;
      pm[p] = mark;
      if (this.fastLevel(u, p) >= minLevel) out.push(this.projects.id(p));
    };
    if (minLevel <= Level.can_view) for (const p of this.publicGrantProjects[ws]!) consider(p);
    if (role !== NON_MEMBER) {
      const direct = this.userGrantProjects[u];
      if (direct) for (const p of direct) if (this.projWs[p] === ws) consider(p);
      for (const g of this.userGroups[u]!) if (this.groupWs[g] === ws) for (const p of this.groupGrantProjects[g]!) consider(p);
      if (role !== GUEST) for (const p of this.wsGrantProjects[ws]!) consider(p);
    }
    return out.sort();
  }

  /** Members of the project's workspace whose effective level is ≥ minLevel. A public grant
   *  also admits non-members and anonymous visitors at can_view; they are not listed. */
  usersWhoCan(projectId: string, minLevel: Level): string[] {
    const p = this.projects.get(projectId);
    if (p < 0) return [];
    const out: string[] = [];
    this.forEachCandidate(p, minLevel, (u) => {
      if (this.fastLevel(u, p) >= minLevel) out.push(this.users.id(u));
    });
    return out.sort();
  }

  assetsUserCanSee(userId: string | null, workspaceId: string): string[] {
    const ws = this.wss.get(workspaceId);
    if (ws < 0) return [];
    const u = userId === null ? -1 : this.users.get(userId);
    const out: string[] = [];
    for (const a of this.wsAssets[ws]!) if (this.evalAccess(u, a, null)) out.push(this.assets.id(a));
    return out.sort();
  }

  assetsUserCanUse(userId: string | null, projectId: string): string[] {
    const p = this.projects.get(projectId);
    if (p < 0) return [];
    const u = userId === null ? -1 : this.users.get(userId);
    if (this.fastLevel(u, p) < Level.can_edit) return [];
    const out: string[] = [];
    for (const a of this.wsAssets[this.projWs[p]!]!) if (this.evalAccess(u, a, null)) out.push(this.assets.id(a));
    return out.sort();
  }

  /** Projects importing the asset. */
  usage(assetId: string): string[] {
    const a = this.assets.get(assetId);
    if (a < 0) return [];
    return this.sortedIds(this.projects, this.assetUsage[a]!);
  }

  /** Imported asset ids of a project. */
  imports(projectId: string): string[] {
    const p = this.projects.get(projectId);
    if (p < 0) return [];
    return this.sortedIds(this.assets, this.projImports[p]!);
  }

  // ===========================================================================================
  // Impact previews (rule 7). Each lists every member (user, project) whose effective level
  // would drop, sorted by project then user, without changing the index. Only members of the
  // workspace are listed: non-members and anonymous visitors only ever hold the public grant.

  previewSetAssetAccess(assetId: string, access: readonly string[]): LevelChange[] {
    const a = this.requireAsset(assetId);
    const ws = this.assetWs[a]!;
    const parsed = this.parseAccess(access, ws);
    const ov = new Overlay();
    ov.asset = a;
    ov.assetFlags = parsed.flags;
    ov.assetGroups = parsed.groups;
    // users who would lose access; only they can drop
    const lost: number[] = [];
    for (const u of this.wsMembers[ws]!.keys())
      if (this.evalAccess(u, a, null) && !this.evalAccess(u, a, ov)) lost.push(u);
    if (lost.length === 0) return [];
    const lostSet = new Set(lost);
    const out: LevelChange[] = [];
    for (const p of this.assetUsage[a]!) {
      if (this.hasGrantAtLeast(p, C_WORKSPACE, Level.can_edit)) {
        for (const u of lost) this.compare(u, p, ov, out);
      } else {
        const candidates: number[] = [];
        this.forEachCandidate(p, Level.can_edit, (u) => {
          if (lostSet.has(u)) candidates.push(u);
        });
        for (const u of candidates) this.compare(u, p, ov, out);
      }
    }
    return sortChanges(out);
  }

  previewImport(projectId: string, assetId: string): LevelChange[] {
    const [p, a] = this.requireImportable(projectId, assetId);
    if (this.assetUsage[a]!.has(p)) return [];
    const ov = new Overlay();
    ov.importProject = p;
    ov.importAsset = a;
    const out: LevelChange[] = [];
    this.forEachCandidate(p, Level.can_edit, (u) => this.compare(u, p, ov, out));
    return sortChanges(out);
  }

  previewGrant(projectId: string, subject: GrantSubject, level: Level): GrantPreview {
    const p = this.requireProject(projectId);
    const ws = this.projWs[p]!;
    const code = this.subjectCode(subject, ws, true);
    const lvl = this.checkLevel(subject, level);
    const ov = new Overlay();
    ov.grantProject = p;
    ov.grantCode = code;
    ov.grantLevel = lvl;
    const drops: LevelChange[] = [];
    const downgraded: DowngradedGrantee[] = [];
    this.forEachSubjectMember(code, ws, (u) => {
      this.compare(u, p, ov, drops);
      if (lvl >= Level.can_edit) {
        const { result } = this.detail(u, p, ov);
        if (result.downgradedBy.length > 0)
          downgraded.push({
            userId: this.users.id(u),
            projectId,
            granted: result.capped,
            effective: result.level,
            missingAssets: result.downgradedBy,
          });
      }
    });
    downgraded.sort((x, y) => cmp(x.userId, y.userId));
    return { drops: sortChanges(drops), downgraded };
  }

  previewRemoveGroupMembers(groupId: string, userIds: readonly string[]): LevelChange[] {
    const g = this.groups.get(groupId);
    if (g < 0) return [];
    const removed = new Set<number>();
    for (const id of userIds) {
      const u = this.users.get(id);
      if (u >= 0 && this.groupMembers[g]!.has(u)) removed.add(u);
    }
    if (removed.size === 0) return [];
    const ov = new Overlay();
    ov.group = g;
    ov.removedUsers = removed;
    const ws = this.groupWs[g]!;
    const members = this.wsMembers[ws]!;
    const out: LevelChange[] = [];
    this.forEachGroupProject(g, (p) => {
      for (const u of removed) if (members.has(u)) this.compare(u, p, ov, out);
    });
    return sortChanges(out);
  }

  previewSetRole(workspaceId: string, userId: string, role: Role): LevelChange[] {
    const code = ROLE_CODES[role];
    if (code === undefined) throw new AccessFactsError(`unknown role: ${String(role)}`);
    return this.previewMembership(workspaceId, userId, code);
  }

  previewRemoveMember(workspaceId: string, userId: string): LevelChange[] {
    return this.previewMembership(workspaceId, userId, NON_MEMBER);
  }

  /** Deleting an asset never lowers a level (it removes the import); the preview is its usage. */
  previewRemoveAsset(assetId: string): RemoveAssetPreview {
    return { usage: this.usage(assetId), drops: [] };
  }

  // ===========================================================================================
  // Canonical dump

  toFacts(): AccessFacts {
    const members: AccessFacts['members'] = [];
    for (let ws = 0; ws < this.wsMembers.length; ws++) {
      const wsId = this.wss.ids[ws];
      if (wsId === undefined) continue;
      for (const [u, role] of this.wsMembers[ws]!) members.push({ workspaceId: wsId, userId: this.users.id(u), role: ROLE_OF_CODE[role]! });
    }
    members.sort((x, y) => cmp(x.workspaceId, y.workspaceId) || cmp(x.userId, y.userId));
    const groups: AccessFacts['groups'] = [];
    const groupMembers: AccessFacts['groupMembers'] = [];
    this.groups.ids.forEach((id, g) => {
      if (id === undefined) return;
      groups.push({ id, workspaceId: this.wss.id(this.groupWs[g]!) });
      for (const u of this.groupMembers[g]!) groupMembers.push({ groupId: id, userId: this.users.id(u) });
    });
    groups.sort((x, y) => cmp(x.id, y.id));
    groupMembers.sort((x, y) => cmp(x.groupId, y.groupId) || cmp(x.userId, y.userId));
    const projects: AccessFacts['projects'] = [];
    const grants: GrantFact[] = [];
    const imports: AccessFacts['imports'] = [];
    this.projects.ids.forEach((id, p) => {
      if (id === undefined) return;
      projects.push({ id, workspaceId: this.wss.id(this.projWs[p]!) });
      const gr = this.projGrants[p]!;
      for (let i = 0; i < gr.length; i += 2) grants.push({ projectId: id, subject: this.subjectOf(gr[i]!), level: gr[i + 1]! });
      for (const a of this.projImports[p]!) imports.push({ projectId: id, assetId: this.assets.id(a) });
    });
    projects.sort((x, y) => cmp(x.id, y.id));
    grants.sort((x, y) => cmp(x.projectId, y.projectId) || cmp(subjectKey(x.subject), subjectKey(y.subject)));
    imports.sort((x, y) => cmp(x.projectId, y.projectId) || cmp(x.assetId, y.assetId));
    const assets: AssetFact[] = [];
    this.assets.ids.forEach((id, a) => {
      if (id === undefined) return;
      assets.push({
        id,
        workspaceId: this.wss.id(this.assetWs[a]!),
        kind: ASSET_KINDS[this.assetKind[a]!]!,
        access: this.accessList(a),
      });
    });
    assets.sort((x, y) => cmp(x.id, y.id));
    return { members, groups, groupMembers, projects, grants, assets, imports };
  }

  /** Sizes, for logs and benchmarks. */
  stats(): { users: number; workspaces: number; groups: number; projects: number; assets: number } {
    return {
      users: this.users.size,
      workspaces: this.wss.size,
      groups: this.groups.size,
      projects: this.projects.size,
      assets: this.assets.size,
    };
  }

  // ===========================================================================================
  // Evaluation core. `ov` is null on every real check; previews pass an Overlay.

  private memberRole(u: number, ws: number, ov: Overlay | null): number {
    if (ov !== null && ov.roleUser === u && ov.roleWs === ws) return ov.role;
    if (u < 0) return NON_MEMBER;
    const m0 = this.udata[u * US]!;
    if (m0 < 0) return NON_MEMBER;
    if (m0 >> 2 === ws) return m0 & 3;
    const mem = this.userMem[u]!;
    for (let i = 1; i < mem.length; i++) {
      const m = mem[i]!;
      if (m >> 2 === ws) return m & 3;
    }
    return NON_MEMBER;
  }

  private inGroup(u: number, g: number, ov: Overlay | null): boolean {
    if (ov !== null && ov.group === g && ov.removedUsers!.has(u)) return false;
    const gs = this.userGroups[u]!;
    if (gs.length <= 16) {
      for (let i = 0; i < gs.length; i++) if (gs[i] === g) return true;
      return false;
    }
    return this.groupMembers[g]!.has(u);
  }

  /** Does grant `code` on a project of workspace `ws` match user u (role = u's role in ws)? */
  private matches(code: number, u: number, role: number, ov: Overlay | null): boolean {
    if (code === C_PUBLIC) return true;
    if (role === NON_MEMBER) return false;
    if (code === C_WORKSPACE) return role !== GUEST;
    if ((code & 3) === T_USER) return code === u * 4;
    return this.inGroup(u, code >> 2, ov);
  }

  private evalAccess(u: number, a: number, ov: Overlay | null): boolean {
    const overridden = ov !== null && ov.asset === a;
    const flags = overridden ? ov.assetFlags : this.assetFlags[a]!;
    if (flags & F_PUBLIC) return true;
    if (u < 0) return false;
    const role = this.memberRole(u, this.assetWs[a]!, ov);
    if (role === NON_MEMBER) return false;
    if (role === ADMIN) return true;
    if (flags & (role === GUEST ? F_GUESTS : F_WORKSPACE)) return true;
    const groups = overridden ? ov.assetGroups : this.assetGroups[a]!;
    for (let i = 0; i < groups.length; i++) if (this.inGroup(u, groups[i]!, ov)) return true;
    return false;
  }

  /** Rule 3 granted level (max over matching grants), before the cap. */
  private evalGranted(u: number, p: number, role: number, ov: Overlay | null): number {
    const grants = this.projGrants[p]!;
    const replaced = ov !== null && ov.grantProject === p ? ov.grantCode : -1;
    let best = 0;
    for (let i = 0; i < grants.length; i += 2) {
      const lvl = grants[i + 1]!;
      if (lvl <= best) continue;
      const code = grants[i]!;
      if (code === replaced) continue;
      if (this.matches(code, u, role, ov)) best = lvl;
    }
    if (replaced >= 0 && ov!.grantLevel > best && this.matches(replaced, u, role, ov)) best = ov!.grantLevel;
    return best;
  }

  /** evalLevel(u, p, null) on the flat mirrors. */
  private fastLevel(u: number, p: number): number {
    const pd = this.pdata;
    const b = p * PS;
    const ws = pd[b + P_WS]!;
    let role = NON_MEMBER;
    if (u >= 0) {
      const m0 = this.udata[u * US]!;
      if (m0 >= 0) role = m0 >> 2 === ws ? m0 & 3 : this.memberRole(u, ws, null);
    }
    const n = pd[b + P_NGRANTS]!;
    let level = 0;
    if (n < 0) level = this.evalGranted(u, p, role, null);
    else {
      for (let i = 0; i < n; i++) {
        const lvl = pd[b + P_GRANTS + 2 * i + 1]!;
        if (lvl <= level) continue;
        const code = pd[b + P_GRANTS + 2 * i]!;
        if (code === C_PUBLIC) level = lvl;
        else if (role === NON_MEMBER) continue;
        else if (code === C_WORKSPACE) {
          if (role !== GUEST) level = lvl;
        } else if ((code & 3) === T_USER) {
          if (code === u * 4) level = lvl;
        } else if (this.fastInGroup(u, code >> 2)) level = lvl;
      }
    }
    if (role === VIEWER && level > Level.can_view) level = Level.can_view;
    if (level < Level.can_edit || role === ADMIN) return level;
    if (pd[b + (role === GUEST ? P_NEED_GUEST : P_NEED_MEMBER)] === 0) return level;
    const imports = this.projImports[p]!;
    for (let i = 0; i < imports.length; i++) if (!this.evalAccess(u, imports[i]!, null)) return Level.can_view;
    return level;
  }

  private fastInGroup(u: number, g: number): boolean {
    const ud = this.udata;
    const b = u * US;
    const n = ud[b + U_NGROUPS]!;
    if (n < 0) return this.inGroup(u, g, null);
    for (let i = 0; i < n; i++) if (ud[b + U_GROUPS + i] === g) return true;
    return false;
  }

  private evalLevel(u: number, p: number, ov: Overlay | null): number {
    const ws = this.projWs[p]!;
    const role = u < 0 ? NON_MEMBER : this.memberRole(u, ws, ov);
    let level = this.evalGranted(u, p, role, ov);
    if (role === VIEWER && level > Level.can_view) level = Level.can_view;
    if (level < Level.can_edit || role === ADMIN) return level;
    if (ov === null && this.pdata[p * PS + (role === GUEST ? P_NEED_GUEST : P_NEED_MEMBER)] === 0) return level;
    const imports = this.projImports[p]!;
    for (let i = 0; i < imports.length; i++) if (!this.evalAccess(u, imports[i]!, ov)) return Level.can_view;
    if (ov !== null && ov.importProject === p && !this.evalAccess(u, ov.importAsset, ov)) return Level.can_view;
    return level;
  }

  /** The slow path with reasons; the same rules as evalLevel. */
  private detail(u: number, p: number, ov: Overlay | null): { result: EffectiveLevel; matching: ExplainedGrant[] } {
    const ws = this.projWs[p]!;
    const role = u < 0 ? NON_MEMBER : this.memberRole(u, ws, ov);
    const grants = this.projGrants[p]!;
    const replaced = ov !== null && ov.grantProject === p ? ov.grantCode : -1;
    const codes: number[] = [];
    const levels: number[] = [];
    for (let i = 0; i < grants.length; i += 2) {
      const code = grants[i]!;
      if (code === replaced) continue;
      if (this.matches(code, u, role, ov)) codes.push(code), levels.push(grants[i + 1]!);
    }
    if (replaced >= 0 && ov!.grantLevel > 0 && this.matches(replaced, u, role, ov)) codes.push(replaced), levels.push(ov!.grantLevel);
    const matching: ExplainedGrant[] = codes.map((c, i) => ({ subject: this.subjectOf(c), level: levels[i]! as Level }));
    matching.sort((x, y) => y.level - x.level || cmp(subjectRank(x.subject), subjectRank(y.subject)));
    const granted = (matching[0]?.level ?? Level.none) as Level;
    const capped = role === VIEWER && granted > Level.can_view ? Level.can_view : granted;
    const downgradedBy: string[] = [];
    if (capped >= Level.can_edit && role !== ADMIN) {
      for (const a of this.projImports[p]!) if (!this.evalAccess(u, a, ov)) downgradedBy.push(this.assets.id(a));
      if (ov !== null && ov.importProject === p && !this.evalAccess(u, ov.importAsset, ov))
        downgradedBy.push(this.assets.id(ov.importAsset));
      downgradedBy.sort();
    }
    const result: EffectiveLevel = {
      level: downgradedBy.length > 0 ? Level.can_view : capped,
      granted,
      capped,
      downgradedBy,
    };
    if (capped !== granted) result.cappedBy = 'viewer_role';
    if (matching[0] !== undefined) result.grant = matching[0].subject;
    return { result, matching };
  }

  // ===========================================================================================
  // Preview helpers

  private compare(u: number, p: number, ov: Overlay, out: LevelChange[]): void {
    const from = this.evalLevel(u, p, null);
    if (from === Level.none) return;
    const to = this.evalLevel(u, p, ov);
    if (to < from) out.push({ userId: this.users.id(u), projectId: this.projects.id(p), from, to });
  }

  /**
   * Calls fn once for every member of p's workspace who could match a grant of p with level ≥
   * minLevel (Level.none: every member). Uses userMark, so fn must not start another epoch.
   */
  private forEachCandidate(p: number, minLevel: number, fn: (u: number) => void): void {
    const ws = this.projWs[p]!;
    const members = this.wsMembers[ws]!;
    const grants = this.projGrants[p]!;
    let everyone = minLevel <= Level.none;
    let nonGuests = false;
    for (let i = 0; i < grants.length; i += 2) {
      if (grants[i + 1]! < minLevel) continue;
      if (grants[i] === C_PUBLIC) everyone = true;
      else if (grants[i] === C_WORKSPACE) nonGuests = true;
    }
    if (everyone || nonGuests) {
      for (const [u, role] of members) if (everyone || role !== GUEST) fn(u);
      if (everyone) return;
    }
    const mark = this.nextEpoch();
    const um = this.userMark;
    for (let i = 0; i < grants.length; i += 2) {
      if (grants[i + 1]! < minLevel) continue;
      const code = grants[i]!;
      if (code === C_PUBLIC || code === C_WORKSPACE) continue;
      const visit = (u: number): void => {
        if (um[u] === mark || !members.has(u)) return;
        if (nonGuests && members.get(u) !== GUEST) return; // already visited above
        um[u] = mark;
        fn(u);
      };
      if ((code & 3) === T_USER) visit(code >> 2);
      else for (const u of this.groupMembers[code >> 2]!) visit(u);
    }
  }

  /** Members of ws a grant subject code applies to. */
  private forEachSubjectMember(code: number, ws: number, fn: (u: number) => void): void {
    const members = this.wsMembers[ws]!;
    if (code === C_PUBLIC) for (const u of members.keys()) fn(u);
    else if (code === C_WORKSPACE) {
      for (const [u, role] of members) if (role !== GUEST) fn(u);
    } else if ((code & 3) === T_USER) {
      if (members.has(code >> 2)) fn(code >> 2);
    } else for (const u of this.groupMembers[code >> 2]!) if (members.has(u)) fn(u);
  }

  /** Projects whose levels can depend on membership of group g: granted to g, or importing an
   *  asset whose access lists g. */
  private forEachGroupProject(g: number, fn: (p: number) => void): void {
    const mark = this.nextEpoch();
    const pm = this.projMark;
    const visit = (p: number): void => {
      if (pm[p] === mark) return;
      pm[p] = mark;
      fn(p);
    };
    for (const p of this.groupGrantProjects[g]!) visit(p);
    for (const a of this.groupAssets[g]!) for (const p of this.assetUsage[a]!) visit(p);
  }

  private previewMembership(workspaceId: string, userId: string, newRole: number): LevelChange[] {
    const ws = this.wss.get(workspaceId);
    const u = this.users.get(userId);
    if (ws < 0 || u < 0) return [];
    const oldRole = this.memberRole(u, ws, null);
    if (oldRole === NON_MEMBER || oldRole === newRole) return [];
    const ov = new Overlay();
    ov.roleUser = u;
    ov.roleWs = ws;
    ov.role = newRole;
    const out: LevelChange[] = [];
    // a level can only drop where the user holds a non-public grant now; public stays can_view
    const mark = this.nextEpoch();
    const pm = this.projMark;
    const visit = (p: number): void => {
      if (pm[p] === mark) return;
      pm[p] = mark;
      this.compare(u, p, ov, out);
    };
    const direct = this.userGrantProjects[u];
    if (direct) for (const p of direct) if (this.projWs[p] === ws) visit(p);
    for (const g of this.userGroups[u]!) if (this.groupWs[g] === ws) for (const p of this.groupGrantProjects[g]!) visit(p);
    if (oldRole !== GUEST) for (const p of this.wsGrantProjects[ws]!) visit(p);
    return sortChanges(out);
  }

  private hasGrantAtLeast(p: number, code: number, level: number): boolean {
    const grants = this.projGrants[p]!;
    for (let i = 0; i < grants.length; i += 2) if (grants[i] === code) return grants[i + 1]! >= level;
    return false;
  }

  // ===========================================================================================
  // Internals

  private nextEpoch(): number {
    this.epoch++;
    if (this.epoch > 0x3fffffff) {
      this.epoch = 1;
      this.userMark.fill(0);
      this.projMark.fill(0);
    }
    return this.epoch;
  }

  private internUser(id: string): number {
    const u = this.users.intern(id);
    if (this.userMem[u] === undefined) {
      this.userMem[u] = [];
      if ((u + 1) * US > this.udata.length) this.udata = grow(this.udata, (u + 1) * US);
      this.udata.fill(0, u * US, (u + 1) * US);
      this.udata[u * US] = -1;
      this.userGroups[u] = [];
      this.userMark[u] = 0;
    }
    return u;
  }

  private internWs(id: string): number {
    const ws = this.wss.intern(id);
    if (this.wsMembers[ws] === undefined) {
      this.wsMembers[ws] = new Map();
      this.wsProjects[ws] = new Set();
      this.wsAssets[ws] = new Set();
      this.wsGroups[ws] = new Set();
      this.wsGrantProjects[ws] = new Set();
      this.publicGrantProjects[ws] = new Set();
    }
    return ws;
  }

  private requireGroup(id: string): number {
    const g = this.groups.get(id);
    if (g < 0) throw new AccessFactsError(`unknown group: ${id}`);
    return g;
  }
  private requireProject(id: string): number {
    const p = this.projects.get(id);
    if (p < 0) throw new AccessFactsError(`unknown project: ${id}`);
    return p;
  }
  private requireAsset(id: string): number {
    const a = this.assets.get(id);
    if (a < 0) throw new AccessFactsError(`unknown asset: ${id}`);
    return a;
  }
  private requireImportable(projectId: string, assetId: string): [number, number] {
    const p = this.requireProject(projectId);
    const a = this.requireAsset(assetId);
    if (this.projWs[p] !== this.assetWs[a])
      throw new AccessFactsError(`asset ${assetId} and project ${projectId} are in different workspaces`);
    return [p, a];
  }

  private checkLevel(subject: GrantSubject, level: Level): number {
    if (!Number.isInteger(level) || level < Level.none || level > Level.full_access)
      throw new AccessFactsError(`not a level: ${String(level)}`);
    return subject.type === 'public' && level > Level.can_view ? Level.can_view : level;
  }

  /** Subject -> code. With `strict`, unknown or cross-workspace subjects throw; else -1. */
  private subjectCode(subject: GrantSubject, ws: number, strict: boolean): number {
    const fail = (msg: string): number => {
      if (strict) throw new AccessFactsError(msg);
      return -1;
    };
    switch (subject.type) {
      case 'public':
        return C_PUBLIC;
      case 'user': {
        const u = strict ? this.internUser(subject.userId) : this.users.get(subject.userId);
        return u < 0 ? -1 : u * 4 + T_USER;
      }
      case 'group': {
        if (subject.groupId === BuiltinGroup.workspace) return C_WORKSPACE;
        if (isBuiltin(subject.groupId)) return fail(`group ${subject.groupId} cannot be granted; use a public grant`);
        const g = this.groups.get(subject.groupId);
        if (g < 0) return fail(`unknown group: ${subject.groupId}`);
        if (this.groupWs[g] !== ws) return fail(`group ${subject.groupId} belongs to another workspace`);
        return g * 4 + T_GROUP;
      }
      default:
        return fail(`unknown grant subject`);
    }
  }

  private subjectOf(code: number): GrantSubject {
    if (code === C_PUBLIC) return { type: 'public' };
    if (code === C_WORKSPACE) return { type: 'group', groupId: BuiltinGroup.workspace };
    if ((code & 3) === T_USER) return { type: 'user', userId: this.users.id(code >> 2) };
    return { type: 'group', groupId: this.groups.id(code >> 2) };
  }

  private indexGrant(p: number, code: number): void {
    const ws = this.projWs[p]!;
    if (code === C_PUBLIC) this.publicGrantProjects[ws]!.add(p);
    else if (code === C_WORKSPACE) this.wsGrantProjects[ws]!.add(p);
    else if ((code & 3) === T_USER) {
      const u = code >> 2;
      (this.userGrantProjects[u] ??= new Set()).add(p);
    } else this.groupGrantProjects[code >> 2]!.add(p);
  }

  private unindexGrant(p: number, code: number): void {
    const ws = this.projWs[p]!;
    if (code === C_PUBLIC) this.publicGrantProjects[ws]!.delete(p);
    else if (code === C_WORKSPACE) this.wsGrantProjects[ws]!.delete(p);
    else if ((code & 3) === T_USER) this.userGrantProjects[code >> 2]?.delete(p);
    else this.groupGrantProjects[code >> 2]?.delete(p);
  }

  private parseAccess(access: readonly string[], ws: number): { flags: number; groups: number[] } {
    let flags = 0;
    const groups: number[] = [];
    for (const id of access) {
      if (id === BuiltinGroup.workspace) flags |= F_WORKSPACE;
      else if (id === BuiltinGroup.workspaceGuests) flags |= F_GUESTS;
      else if (id === BuiltinGroup.public) flags |= F_PUBLIC;
      else {
        const g = this.groups.get(id);
        if (g < 0) throw new AccessFactsError(`unknown group: ${id}`);
        if (this.groupWs[g] !== ws) throw new AccessFactsError(`group ${id} belongs to another workspace`);
        if (!groups.includes(g)) groups.push(g);
      }
    }
    return { flags, groups };
  }

  private accessList(a: number): string[] {
    const flags = this.assetFlags[a]!;
    const out: string[] = [];
    if (flags & F_WORKSPACE) out.push(BuiltinGroup.workspace);
    if (flags & F_GUESTS) out.push(BuiltinGroup.workspaceGuests);
    if (flags & F_PUBLIC) out.push(BuiltinGroup.public);
    for (const g of this.assetGroups[a]!) out.push(this.groups.id(g));
    return out.sort();
  }

  private importedKinds(p: number): number {
    let kinds = 0;
    for (const a of this.projImports[p]!) kinds |= 1 << this.assetKind[a]!;
    return kinds;
  }

  private sortedIds(interner: Interner, set: Iterable<number>): string[] {
    const out: string[] = [];
    for (const i of set) out.push(interner.id(i));
    return out.sort();
  }
}

// ---------------------------------------------------------------------------------------------

function grow(arr: Int32Array, min: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(min, arr.length * 2));
  next.set(arr);
  return next;
}

/** 1 if a non-guest member needs more than the role to access an asset with these flags. */
function needsMember(flags: number): number {
  return flags & (F_WORKSPACE | F_PUBLIC) ? 0 : 1;
}
/** 1 if a guest needs more than the role to access an asset with these flags. */
function needsGuest(flags: number): number {
  return flags & (F_GUESTS | F_PUBLIC) ? 0 : 1;
}

function isBuiltin(id: string): boolean {
  return id === BuiltinGroup.workspace || id === BuiltinGroup.workspaceGuests || id === BuiltinGroup.public;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function removeValue(arr: number[], v: number): void {
  const i = arr.indexOf(v);
  if (i >= 0) arr.splice(i, 1);
}

function removeGrantCode(grants: number[], code: number): boolean {
  for (let i = 0; i < grants.length; i += 2) {
    if (grants[i] === code) {
      grants.splice(i, 2);
      return true;
    }
  }
  return false;
}

function sortChanges(out: LevelChange[]): LevelChange[] {
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
const subjectRank = subjectKey;

function describeSubject(s: GrantSubject): string {
  switch (s.type) {
    case 'user':
      return `to user ${s.userId}`;
    case 'group':
      return s.groupId === BuiltinGroup.workspace ? 'to the workspace' : `to group ${s.groupId}`;
    case 'public':
      return 'to the web (public)';
  }
}
