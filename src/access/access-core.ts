/**
 * The data core of the access engine: ids interned to small integers, per-entity tables, reverse
 * indexes, the hot-path mirrors, and the mutations that keep them all in step. It answers no
 * question: each question has its own file that reads this core (see README.md). Fields are
 * public so those files can read them; only this file writes them.
 */
import {
  C_PUBLIC,
  C_WORKSPACE,
  isBuiltin,
  KIND_CODES,
  needsGuest,
  needsMember,
  removeGrantCode,
  removeValue,
  ROLE_CODES,
  T_GROUP,
  T_USER,
} from './access-codes.js';
import { Interner } from './access-interner.js';
import {
  clampLevel,
  parseAccess,
  requireAsset,
  requireGroup,
  requireImportable,
  requireProject,
  subjectCode,
} from './access-resolve.js';
import { AccessFactsError, BuiltinGroup, Level } from './access-types.js';
import type { AssetInput, GrantSubject, Role } from './access-types.js';

// The hot-path mirrors' layout. pdata: 16 ints per project (one cache line): workspace, the two
// "needs more than the role" import counters, the inline grant count (-1: more than INLINE, read
// grantSpill), then up to INLINE (code, level) pairs. udata: 8 ints per user: first membership
// (ws*4+role, -1 none), inline custom group count (-1: more than INLINE, ask the group's member
// set), then up to INLINE group indices.
export const PS = 16;
export const P_WS = 0;
export const P_NEED_MEMBER = 1;
export const P_NEED_GUEST = 2;
export const P_NGRANTS = 3;
export const P_GRANTS = 4;
export const US = 8;
export const U_NGROUPS = 1;
export const U_GROUPS = 2;
export const INLINE = 6;

export class AccessCore {
  readonly users = new Interner();
  readonly wss = new Interner();
  readonly groups = new Interner();
  readonly projects = new Interner();
  readonly assets = new Interner();

  // users: memberships packed as ws*4+role (almost always 1-3 entries), custom groups
  readonly userMem: number[][] = [];
  readonly userGroups: number[][] = [];
  readonly userGrantProjects: (Set<number> | undefined)[] = [];

  // workspaces: members (user -> role code) and reverse indexes
  readonly wsMembers: Map<number, number>[] = [];
  readonly wsProjects: Set<number>[] = [];
  readonly wsAssets: Set<number>[] = [];
  readonly wsGroups: Set<number>[] = [];
  readonly wsGrantProjects: Set<number>[] = [];
  readonly publicGrantProjects: Set<number>[] = [];

  // custom groups
  readonly groupWs: number[] = [];
  readonly groupMembers: Set<number>[] = [];
  readonly groupGrantProjects: Set<number>[] = [];
  readonly groupAssets: Set<number>[] = [];

  // projects: grants packed [code, level, code, level, ...] (the master copy); imported assets
  readonly projWs: number[] = [];
  readonly projGrants: number[][] = [];
  readonly projImports: number[][] = [];

  /**
   * Hot-path mirrors in flat typed arrays, so a check reads about one cache line per entity
   * instead of chasing pointers (layout above). A project with more than INLINE
   * grants has them all in `grantSpill[p]`, also an Int32Array, so the check reads grants from
   * one kind of array either way.
   */
  pdata = new Int32Array(PS * 64);
  udata = new Int32Array(US * 64);
  readonly grantSpill: (Int32Array | undefined)[] = [];

  // assets
  readonly assetWs: number[] = [];
  readonly assetKind: number[] = [];
  readonly assetFlags: number[] = [];
  readonly assetGroups: number[][] = [];
  readonly assetUsage: Set<number>[] = [];

  // scratch marks for de-duplication without allocating sets (see nextEpoch)
  readonly userMark: number[] = [];
  readonly projMark: number[] = [];
  private epoch = 0;

  // ===========================================================================================
  // Mutations. Additions that reference an unknown or cross-workspace entity throw
  // AccessFactsError and change nothing; removals of something absent are no-ops.

  setMember(workspaceId: string, userId: string, role: Role): void {
    const code = ROLE_CODES[role];
    if (code === undefined) throw new AccessFactsError(`unknown role: ${String(role)}`);
    const ws = this.internWs(workspaceId);
    const u = this.internUser(userId);
    const mem = this.userMem[u]!;
    let i = 0;
    while (i < mem.length && mem[i]! >> 2 !== ws) i++;
    mem[i] = (ws << 2) | code;
    this.wsMembers[ws]!.set(u, code);
    this.udata[u * US] = mem[0]!;
  }

  removeMember(workspaceId: string, userId: string): void {
    const ws = this.wss.get(workspaceId);
    const u = this.users.get(userId);
    if (ws < 0 || u < 0) return;
    const mem = this.userMem[u]!;
    const i = mem.findIndex((m) => m >> 2 === ws);
    if (i < 0) return;
    mem.splice(i, 1);
    this.wsMembers[ws]!.delete(u);
    this.udata[u * US] = mem.length > 0 ? mem[0]! : -1;
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

  addGroupMember(groupId: string, userId: string): void {
    const g = requireGroup(this, groupId);
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
    this.grantSpill[p] = undefined;
    if ((p + 1) * PS > this.pdata.length) this.pdata = grow(this.pdata, (p + 1) * PS);
    this.pdata.fill(0, p * PS, (p + 1) * PS);
    this.pdata[p * PS + P_WS] = ws;
    this.projMark[p] = 0;
    this.wsProjects[ws]!.add(p);
  }

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
    this.grantSpill[p] = undefined;
    this.projects.release(p);
  }

  setGrant(projectId: string, subject: GrantSubject, level: Level): void {
    const p = requireProject(this, projectId);
    const code = subjectCode(this, subject, this.projWs[p]!, true);
    const lvl = clampLevel(subject, level);
    const grants = this.projGrants[p]!;
    let i = 0;
    while (i < grants.length && grants[i] !== code) i += 2;
    if (i < grants.length) {
      if (lvl !== Level.none) grants[i + 1] = lvl;
      else grants.splice(i, 2), this.unindexGrant(p, code);
    } else if (lvl !== Level.none) grants.push(code, lvl), this.indexGrant(p, code);
    this.syncGrants(p);
  }

  removeGrant(projectId: string, subject: GrantSubject): void {
    const p = this.projects.get(projectId);
    if (p < 0) return;
    const code = subjectCode(this, subject, this.projWs[p]!, false);
    if (code < 0) return;
    if (removeGrantCode(this.projGrants[p]!, code)) this.unindexGrant(p, code), this.syncGrants(p);
  }

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
    const { flags, groups } = parseAccess(this, asset.access ?? [BuiltinGroup.workspace], ws);
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
    const a = requireAsset(this, assetId);
    const { flags, groups } = parseAccess(this, access, this.assetWs[a]!);
    for (const g of this.assetGroups[a]!) this.groupAssets[g]!.delete(a);
    for (const p of this.assetUsage[a]!) this.countImport(p, this.assetFlags[a]!, -1), this.countImport(p, flags, 1);
    this.assetFlags[a] = flags;
    this.assetGroups[a] = groups;
    for (const g of groups) this.groupAssets[g]!.add(a);
  }

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
    const [p, a] = requireImportable(this, projectId, assetId);
    const usage = this.assetUsage[a]!;
    if (usage.has(p)) return;
    usage.add(p);
    this.projImports[p]!.push(a);
    this.countImport(p, this.assetFlags[a]!, 1);
  }

  removeImport(projectId: string, assetId: string): void {
    const p = this.projects.get(projectId);
    const a = this.assets.get(assetId);
    if (p < 0 || a < 0) return;
    if (this.assetUsage[a]!.delete(p)) this.unlinkImport(p, a);
  }

  // ===========================================================================================
  // Keeping the mirrors and reverse indexes in step

  private unlinkImport(p: number, a: number): void {
    removeValue(this.projImports[p]!, a);
    this.countImport(p, this.assetFlags[a]!, -1);
  }

  /** Adds (sign 1) or takes away (-1) an import with these access flags from p's counters. */
  private countImport(p: number, flags: number, sign: number): void {
    const b = p * PS;
    this.pdata[b + P_NEED_MEMBER] = this.pdata[b + P_NEED_MEMBER]! + sign * needsMember(flags);
    this.pdata[b + P_NEED_GUEST] = this.pdata[b + P_NEED_GUEST]! + sign * needsGuest(flags);
  }

  /** Rewrites the hot-path copy of p's grants: inline when they fit, else the spill array. */
  private syncGrants(p: number): void {
    const grants = this.projGrants[p]!;
    const b = p * PS;
    const n = grants.length >> 1;
    if (n > INLINE) {
      this.pdata[b + P_NGRANTS] = -1;
      this.grantSpill[p] = Int32Array.from(grants);
      return;
    }
    this.pdata[b + P_NGRANTS] = n;
    this.pdata.set(grants, b + P_GRANTS);
    this.grantSpill[p] = undefined;
  }

  /** Rewrites the hot-path copy of u's custom groups. */
  private syncUserGroups(u: number): void {
    const gs = this.userGroups[u]!;
    const b = u * US;
    this.udata[b + U_NGROUPS] = gs.length <= INLINE ? gs.length : -1;
    for (let i = 0; i < gs.length && i < INLINE; i++) this.udata[b + U_GROUPS + i] = gs[i]!;
  }

  private indexGrant(p: number, code: number): void {
    const ws = this.projWs[p]!;
    if (code === C_PUBLIC) this.publicGrantProjects[ws]!.add(p);
    else if (code === C_WORKSPACE) this.wsGrantProjects[ws]!.add(p);
    else if ((code & 3) === T_USER) (this.userGrantProjects[code >> 2] ??= new Set()).add(p);
    else this.groupGrantProjects[code >> 2]!.add(p);
  }

  private unindexGrant(p: number, code: number): void {
    const ws = this.projWs[p]!;
    if (code === C_PUBLIC) this.publicGrantProjects[ws]!.delete(p);
    else if (code === C_WORKSPACE) this.wsGrantProjects[ws]!.delete(p);
    else if ((code & 3) === T_USER) this.userGrantProjects[code >> 2]?.delete(p);
    else this.groupGrantProjects[code >> 2]?.delete(p);
  }

  /** Users are interned on first mention: a grant or group membership may precede the member. */
  internUser(id: string): number {
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

  // ===========================================================================================
  // Shared by the question files

  /** The user's integer, -1 for anonymous visitors and unknown ids. */
  userIx(userId: string | null): number {
    return userId === null ? -1 : this.users.get(userId);
  }

  /**
   * Starts a new de-duplication round over userMark / projMark: an entry equal to the returned
   * stamp was visited in this round. One round at a time: a visitor must not start another.
   */
  nextEpoch(): number {
    this.epoch++;
    if (this.epoch > 0x3fffffff) {
      this.epoch = 1;
      this.userMark.fill(0);
      this.projMark.fill(0);
    }
    return this.epoch;
  }
}

function grow(arr: Int32Array, min: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(min, arr.length * 2));
  next.set(arr);
  return next;
}
