/**
 * Deterministic fixture generator for the access benchmark: realistic `AccessFacts` at three sizes.
 * The same size always yields the same facts (seeded PRNG, no Math.random, no clock).
 *
 * Shape (per workspace, users/projects/assets/groups are spread round-robin over the workspaces):
 * - members: role mix 5% admin, 40% editor, 45% viewer, 10% guest; ~2% of users (when there are
 *   several workspaces) are also a viewer or guest of a second workspace;
 * - custom groups: every member of the home workspace joins 1–5 groups (mean 3), skewed so that a
 *   few groups are large;
 * - projects: the creator (an admin or editor) gets full_access; 0–3 user grants and 1–3 group
 *   grants (levels mixed); 15% also granted to the `workspace` group; 1% shared to the web;
 * - assets: 82% `['workspace']`, 13% restricted to 1–3 custom groups, 5% `['workspace',
 *   'workspace-guests']`;
 * - imports: 5–15 per project (mean 10), skewed towards popular assets.
 */
import { Level, Role } from '../../src/access/access-types.js';
import type {
  AccessFacts,
  AssetFact,
  AssetKind,
  GrantFact,
  GrantSubject,
  GroupMemberFact,
  ImportFact,
  MemberFact,
} from '../../src/access/access-types.js';

export type SizeName = 'S' | 'M' | 'L';

export interface SizeSpec {
  users: number;
  projects: number;
  assets: number;
  groups: number;
  workspaces: number;
}

export const SIZES: Record<SizeName, SizeSpec> = {
  S: { users: 1_000, projects: 10_000, assets: 1_000, groups: 100, workspaces: 1 },
  M: { users: 10_000, projects: 100_000, assets: 10_000, groups: 1_000, workspaces: 2 },
  L: { users: 100_000, projects: 1_000_000, assets: 50_000, groups: 5_000, workspaces: 4 },
};

/** mulberry32: small, fast, good enough for fixtures; deterministic from the seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(arr: readonly T[]): T {
    return arr[Math.floor(this.next() * arr.length)]!;
  }
  /** skewed pick: index distribution ~ n * r^2, so low indices are popular */
  pickSkewed<T>(arr: readonly T[]): T {
    const r = this.next();
    return arr[Math.floor(r * r * arr.length)]!;
  }
}

export interface Workspace {
  id: string;
  /** every member (home and secondary) */
  members: string[];
  /** admins and editors (project creators) */
  creators: string[];
  groups: string[];
  projects: string[];
  assets: string[];
}

export interface Fixture {
  size: SizeName;
  seed: number;
  spec: SizeSpec;
  facts: AccessFacts;
  workspaces: Workspace[];
  wsOfProject: Map<string, string>;
  /** custom group id -> member user ids */
  groupUsers: Map<string, string[]>;
  /** project id -> its grants (the same objects as in facts.grants) */
  projectGrants: Map<string, GrantFact[]>;
  /** user id -> role, per workspace id */
  roles: Map<string, Map<string, Role>>;
}

const KINDS: readonly AssetKind[] = ['data_connection', 'secret', 'git_package', 'file_integration'];

function pickRole(r: number): Role {
  if (r < 0.05) return Role.admin;
  if (r < 0.45) return Role.editor;
  if (r < 0.9) return Role.viewer;
  return Role.guest;
}

function userLevel(r: number): Level {
  return r < 0.4 ? Level.can_view : r < 0.9 ? Level.can_edit : Level.full_access;
}
function groupLevel(r: number): Level {
  return r < 0.5 ? Level.can_view : r < 0.95 ? Level.can_edit : Level.full_access;
}

export function generate(size: SizeName, seed = 20261101): Fixture {
  const spec = SIZES[size];
  const rng = new Rng(seed ^ size.charCodeAt(0));
  const W = spec.workspaces;
  const workspaces: Workspace[] = [];
  const roles = new Map<string, Map<string, Role>>();
  for (let w = 0; w < W; w++) {
    const id = `w${w + 1}`;
    workspaces.push({ id, members: [], creators: [], groups: [], projects: [], assets: [] });
    roles.set(id, new Map());
  }

  // members
  const members: MemberFact[] = [];
  const userIds: string[] = new Array(spec.users);
  const homeWs: number[] = new Array(spec.users);
  for (let i = 0; i < spec.users; i++) {
    const userId = `u${i + 1}`;
    userIds[i] = userId;
    const w = i % W;
    homeWs[i] = w;
    const ws = workspaces[w]!;
    let role = pickRole(rng.next());
    if (i < W) role = Role.admin; // every workspace has an admin
    members.push({ workspaceId: ws.id, userId, role });
    ws.members.push(userId);
    if (role === Role.admin || role === Role.editor) ws.creators.push(userId);
    roles.get(ws.id)!.set(userId, role);
    if (W > 1 && rng.next() < 0.02) {
      const other = workspaces[(w + 1 + rng.int(0, W - 2)) % W]!;
      const role2 = rng.next() < 0.5 ? Role.viewer : Role.guest;
      members.push({ workspaceId: other.id, userId, role: role2 });
      other.members.push(userId);
      roles.get(other.id)!.set(userId, role2);
    }
  }

  // groups and their members
  const groups: AccessFacts['groups'] = [];
  const groupUsers = new Map<string, string[]>();
  for (let g = 0; g < spec.groups; g++) {
    const id = `g${g + 1}`;
    const ws = workspaces[g % W]!;
    groups.push({ id, workspaceId: ws.id });
    ws.groups.push(id);
    groupUsers.set(id, []);
  }
  const groupMembers: GroupMemberFact[] = [];
  for (let i = 0; i < spec.users; i++) {
    const ws = workspaces[homeWs[i]!]!;
    const n = rng.int(1, 5);
    const chosen = new Set<string>();
    for (let k = 0; k < n * 3 && chosen.size < Math.min(n, ws.groups.length); k++) chosen.add(rng.pickSkewed(ws.groups));
    for (const groupId of chosen) {
      groupMembers.push({ groupId, userId: userIds[i]! });
      groupUsers.get(groupId)!.push(userIds[i]!);
    }
  }

  // assets
  const assets: AssetFact[] = [];
  for (let a = 0; a < spec.assets; a++) {
    const ws = workspaces[a % W]!;
    const id = `a${a + 1}`;
    const r = rng.next();
    let access: string[];
    if (r < 0.82) access = ['workspace'];
    else if (r < 0.95) {
      const n = rng.int(1, 3);
      const set = new Set<string>();
      for (let k = 0; k < n; k++) set.add(rng.pick(ws.groups));
      access = [...set];
    } else access = ['workspace', 'workspace-guests'];
    assets.push({ id, workspaceId: ws.id, kind: KINDS[rng.int(0, 3)]!, access });
    ws.assets.push(id);
  }
  // popularity order: a per-workspace shuffle, so restricted assets are spread over the ranks
  for (const ws of workspaces) {
    const arr = ws.assets;
    for (let i = arr.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      const t = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = t;
    }
  }

  // projects, grants, imports
  const projects: AccessFacts['projects'] = [];
  const grants: GrantFact[] = [];
  const imports: ImportFact[] = [];
  const wsOfProject = new Map<string, string>();
  const projectGrants = new Map<string, GrantFact[]>();
  const workspaceSubject: GrantSubject = { type: 'group', groupId: 'workspace' };
  const publicSubject: GrantSubject = { type: 'public' };
  for (let p = 0; p < spec.projects; p++) {
    const ws = workspaces[p % W]!;
    const projectId = `p${p + 1}`;
    projects.push({ id: projectId, workspaceId: ws.id });
    ws.projects.push(projectId);
    wsOfProject.set(projectId, ws.id);
    const mine: GrantFact[] = [];
    const seen = new Set<string>();
    const add = (subject: GrantSubject, key: string, level: Level): void => {
      if (seen.has(key)) return;
      seen.add(key);
      const g: GrantFact = { projectId, subject, level };
      grants.push(g);
      mine.push(g);
    };
    const creator = rng.pick(ws.creators);
    add({ type: 'user', userId: creator }, creator, Level.full_access);
    const nUsers = rng.int(0, 3);
    for (let k = 0; k < nUsers; k++) {
      const u = rng.pick(ws.members);
      add({ type: 'user', userId: u }, u, userLevel(rng.next()));
    }
    const nGroups = rng.int(1, 3);
    for (let k = 0; k < nGroups; k++) {
      const g = rng.pickSkewed(ws.groups);
      add({ type: 'group', groupId: g }, g, groupLevel(rng.next()));
    }
    if (rng.next() < 0.15) add(workspaceSubject, 'workspace', rng.next() < 0.7 ? Level.can_view : Level.can_edit);
    if (rng.next() < 0.01) add(publicSubject, 'public', Level.can_view);
    projectGrants.set(projectId, mine);

    const nImports = rng.int(5, 15);
    const chosen = new Set<string>();
    for (let k = 0; k < nImports * 3 && chosen.size < Math.min(nImports, ws.assets.length); k++)
      chosen.add(rng.pickSkewed(ws.assets));
    for (const assetId of chosen) imports.push({ projectId, assetId });
  }

  return {
    size,
    seed,
    spec,
    facts: { members, groups, groupMembers, projects, grants, assets, imports },
    workspaces,
    wsOfProject,
    groupUsers,
    projectGrants,
    roles,
  };
}

export interface Pairs {
  users: string[];
  projects: string[];
}

/**
 * A fixed random sample of (user, project) pairs within one workspace: half are "interesting"
 * (a user some grant of the project matches: the user grantee, a member of a granted group, any
 * member for a workspace or public grant), half are a random member of the project's workspace.
 */
export function samplePairs(fx: Fixture, n: number, seed: number): Pairs {
  const rng = new Rng(seed);
  const users: string[] = new Array(n);
  const projects: string[] = new Array(n);
  const wsById = new Map(fx.workspaces.map((w) => [w.id, w]));
  for (let i = 0; i < n; i++) {
    const p = fx.facts.projects[Math.floor(rng.next() * fx.facts.projects.length)]!;
    const ws = wsById.get(p.workspaceId)!;
    let u: string | undefined;
    if (rng.next() < 0.5) {
      const g = rng.pick(fx.projectGrants.get(p.id)!);
      const s = g.subject;
      if (s.type === 'user') u = s.userId;
      else if (s.type === 'group' && s.groupId !== 'workspace') {
        const gu = fx.groupUsers.get(s.groupId)!;
        if (gu.length > 0) u = rng.pick(gu);
      }
    }
    users[i] = u ?? rng.pick(ws.members);
    projects[i] = p.id;
  }
  return { users, projects };
}

/** A fixed sample of (user, workspace) for list queries: members of the workspace, admins excluded
 *  from half so that the downgrade path is exercised. */
export function sampleListUsers(fx: Fixture, n: number, seed: number): { users: string[]; workspaces: string[] } {
  const rng = new Rng(seed);
  const users: string[] = [];
  const workspaces: string[] = [];
  for (let i = 0; i < n; i++) {
    const ws = rng.pick(fx.workspaces);
    let u = rng.pick(ws.members);
    // bias towards roles that can edit at all (editors, admins, guests) – viewers list nothing
    for (let k = 0; k < 4 && fx.roles.get(ws.id)!.get(u) === Role.viewer; k++) u = rng.pick(ws.members);
    users.push(u);
    workspaces.push(ws.id);
  }
  return { users, workspaces };
}

export function factCounts(f: AccessFacts): Record<string, number> {
  return {
    members: f.members.length,
    groups: f.groups.length,
    groupMembers: f.groupMembers.length,
    projects: f.projects.length,
    grants: f.grants.length,
    assets: f.assets.length,
    imports: f.imports.length,
  };
}
