/**
 * Property tests: the index against the naive reference on random workspaces.
 *  1. built from random facts, every answer equals the reference's;
 *  2. every impact preview equals "apply to a copy and diff all levels", and changes nothing;
 *  3. after a random sequence of writes (valid or not: both sides must refuse the same ones), the
 *     live index answers exactly like a fresh build of its facts, and those facts equal the
 *     reference's after it applied the same writes to plain arrays.
 * 10,500 cases in total.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessIndex } from '../../src/access/access-index.js';
import {
  refAssetActions,
  refAssetsUserCanSee,
  refAssetsUserCanUse,
  refBuild,
  refApply,
  refCanManageAsset,
  refCanUse,
  refEffective,
  refHasAccess,
  refMatchingGrants,
  refPreviewGrant,
  refPreviewImport,
  refPreviewRemoveAsset,
  refPreviewRemoveGroupMembers,
  refPreviewRemoveMember,
  refPreviewSetAssetAccess,
  refPreviewSetRole,
  refProjectActions,
  refProjectsUserCan,
  refUsage,
  refUsersWhoCan,
  refWorkspaceActions,
} from './access-reference.js';
import type { RefOp } from './access-reference.js';
import { ASSET_KINDS, Level, Role } from '../../src/access/access-types.js';
import type { AccessFacts, AssetKind, GrantSubject } from '../../src/access/access-types.js';

const U = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
const W = ['w0', 'w1'];
const G = ['g0', 'g1', 'g2', 'g3'];
const P = ['p0', 'p1', 'p2', 'p3', 'p4'];
const A = ['a0', 'a1', 'a2', 'a3'];
const BUILTINS = ['workspace', 'workspace-guests', 'public'];
const LEVELS = [Level.none, Level.can_view, Level.can_edit, Level.full_access];

// ids queried, including unknown ones and anonymous
const QU: (string | null)[] = [null, ...U, 'ghost'];
const QP = [...P, 'p-missing'];
const QA = [...A, 'a-missing'];
const QW = [...W, 'w-missing'];

const user = fc.constantFrom(...U);
const ws = fc.constantFrom(...W);
const role = fc.constantFrom(Role.admin, Role.editor, Role.viewer, Role.guest);
const level = fc.constantFrom(...LEVELS);
const kind = fc.constantFrom<AssetKind>(...ASSET_KINDS);
const weightedRole = fc.oneof(
  { weight: 1, arbitrary: fc.constant(Role.admin) },
  { weight: 4, arbitrary: fc.constant(Role.editor) },
  { weight: 2, arbitrary: fc.constant(Role.viewer) },
  { weight: 2, arbitrary: fc.constant(Role.guest) },
);
const weightedLevel = fc.oneof(
  { weight: 1, arbitrary: fc.constant(Level.none) },
  { weight: 2, arbitrary: fc.constant(Level.can_view) },
  { weight: 4, arbitrary: fc.constant(Level.can_edit) },
  { weight: 3, arbitrary: fc.constant(Level.full_access) },
);
const subject: fc.Arbitrary<GrantSubject> = fc.oneof(
  { weight: 3, arbitrary: user.map((userId) => ({ type: 'user' as const, userId })) },
  { weight: 3, arbitrary: fc.constantFrom(...G).map((groupId) => ({ type: 'group' as const, groupId })) },
  { weight: 2, arbitrary: fc.constant({ type: 'group' as const, groupId: 'workspace' }) },
  { weight: 1, arbitrary: fc.constant({ type: 'public' as const }) },
);
const accessList = fc.subarray([...BUILTINS, ...G, ...BUILTINS, 'workspace']);
// assets in facts are mostly shared widely, so that previews have access to take away
const factAccess: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<string[]>(['workspace']) },
  { weight: 1, arbitrary: fc.subarray(['workspace', 'workspace-guests', ...G]).map((x) => ['workspace', ...x]) },
  { weight: 2, arbitrary: accessList },
);

/** Random valid facts (invalid combinations are filtered out, duplicates are kept). */
const facts: fc.Arbitrary<AccessFacts> = fc
  .record({
    // dense: most users are members of both workspaces; roles weighted towards editors
    members: fc.tuple(...W.flatMap(() => U.map(() => fc.option(weightedRole, { nil: null, freq: 4 })))),
    extraMembers: fc.array(fc.record({ workspaceId: ws, userId: user, role }), { maxLength: 3 }),
    groupWs: fc.tuple(...G.map(() => fc.option(ws, { nil: null, freq: 4 }))),
    groupMembers: fc.array(fc.record({ groupId: fc.constantFrom(...G), userId: user }), { maxLength: 14, size: 'max' }),
    projectWs: fc.tuple(...P.map(() => fc.option(ws, { nil: null, freq: 6 }))),
    grants: fc.array(fc.record({ projectId: fc.constantFrom(...P), subject, level: weightedLevel }), { minLength: 4, maxLength: 24, size: 'max' }),
    assets: fc.tuple(...A.map(() => fc.option(fc.record({ workspaceId: ws, kind, access: factAccess }), { nil: null, freq: 6 }))),
    imports: fc.array(fc.record({ projectId: fc.constantFrom(...P), assetId: fc.constantFrom(...A) }), { maxLength: 12, size: 'max' }),
  })
  .map((r) => {
    const members = r.members.flatMap((role, i) =>
      role === null ? [] : [{ workspaceId: W[Math.floor(i / U.length)]!, userId: U[i % U.length]!, role }],
    );
    const groupWs = new Map<string, string>();
    r.groupWs.forEach((w, i) => w !== null && groupWs.set(G[i]!, w));
    const projectWs = new Map<string, string>();
    r.projectWs.forEach((w, i) => w !== null && projectWs.set(P[i]!, w));
    const assetWs = new Map<string, string>();
    r.assets.forEach((a, i) => a !== null && assetWs.set(A[i]!, a.workspaceId));
    const validGroupIn = (g: string, w: string): boolean => BUILTINS.includes(g) || groupWs.get(g) === w;
    return {
      members: [...members, ...r.extraMembers],
      groups: [...groupWs].map(([id, workspaceId]) => ({ id, workspaceId })),
      groupMembers: r.groupMembers.filter((m) => groupWs.has(m.groupId)),
      projects: [...projectWs].map(([id, workspaceId]) => ({ id, workspaceId })),
      grants: r.grants.filter((g) => {
        const w = projectWs.get(g.projectId);
        if (w === undefined) return false;
        if (g.subject.type !== 'group' || g.subject.groupId === 'workspace') return true;
        return groupWs.get(g.subject.groupId) === w;
      }),
      assets: r.assets.flatMap((a, i) =>
        a === null ? [] : [{ id: A[i]!, ...a, access: a.access.filter((g) => validGroupIn(g, a.workspaceId)) }],
      ),
      imports: r.imports.filter((i) => projectWs.has(i.projectId) && projectWs.get(i.projectId) === assetWs.get(i.assetId)),
    };
  });

/** Any write, valid or not (unknown ids, cross-workspace, builtin group names). */
const op: fc.Arbitrary<RefOp> = fc.oneof(
  fc.record({ op: fc.constant('setMember' as const), ws, user, role }),
  fc.record({ op: fc.constant('removeMember' as const), ws, user }),
  fc.record({ op: fc.constant('addGroup' as const), id: fc.constantFrom(...G, 'g-new', 'public'), ws }),
  fc.record({ op: fc.constant('removeGroup' as const), id: fc.constantFrom(...G) }),
  fc.record({ op: fc.constant('addGroupMember' as const), group: fc.constantFrom(...G), user }),
  fc.record({ op: fc.constant('removeGroupMember' as const), group: fc.constantFrom(...G), user }),
  fc.record({ op: fc.constant('addProject' as const), id: fc.constantFrom(...P), ws }),
  fc.record({ op: fc.constant('removeProject' as const), id: fc.constantFrom(...P) }),
  fc.record({ op: fc.constant('setGrant' as const), project: fc.constantFrom(...P), subject, level }),
  fc.record({ op: fc.constant('removeGrant' as const), project: fc.constantFrom(...P), subject }),
  fc.record({
    op: fc.constant('upsertAsset' as const),
    asset: fc.record({ id: fc.constantFrom(...A), workspaceId: ws, kind, access: fc.option(accessList, { nil: undefined }) }, { requiredKeys: ['id', 'workspaceId', 'kind'] }),
  }),
  fc.record({ op: fc.constant('setAssetAccess' as const), asset: fc.constantFrom(...A), access: accessList }),
  fc.record({ op: fc.constant('removeAsset' as const), asset: fc.constantFrom(...A) }),
  fc.record({ op: fc.constant('addImport' as const), project: fc.constantFrom(...P), asset: fc.constantFrom(...A) }),
  fc.record({ op: fc.constant('removeImport' as const), project: fc.constantFrom(...P), asset: fc.constantFrom(...A) }),
);

function applyToIndex(ix: AccessIndex, o: RefOp): void {
  switch (o.op) {
    case 'setMember':
      return ix.setMember(o.ws, o.user, o.role);
    case 'removeMember':
      return ix.removeMember(o.ws, o.user);
    case 'addGroup':
      return ix.addGroup({ id: o.id, workspaceId: o.ws });
    case 'removeGroup':
      return ix.removeGroup(o.id);
    case 'addGroupMember':
      return ix.addGroupMember(o.group, o.user);
    case 'removeGroupMember':
      return ix.removeGroupMember(o.group, o.user);
    case 'addProject':
      return ix.addProject({ id: o.id, workspaceId: o.ws });
    case 'removeProject':
      return ix.removeProject(o.id);
    case 'setGrant':
      return ix.setGrant(o.project, o.subject, o.level);
    case 'removeGrant':
      return ix.removeGrant(o.project, o.subject);
    case 'upsertAsset':
      return ix.upsertAsset(o.asset);
    case 'setAssetAccess':
      return ix.setAssetAccess(o.asset, o.access);
    case 'removeAsset':
      return ix.removeAsset(o.asset);
    case 'addImport':
      return ix.addImport(o.project, o.asset);
    case 'removeImport':
      return ix.removeImport(o.project, o.asset);
  }
}

/** Runs fn; returns its value or the marker 'threw' (both sides must agree on refusing). */
function attempt<T>(fn: () => T): T | 'threw' {
  try {
    return fn();
  } catch {
    return 'threw';
  }
}

/** Every answer of the index, over the whole query universe. */
function indexAnswers(ix: AccessIndex): unknown {
  const out: Record<string, unknown> = {};
  for (const u of QU) {
    for (const p of QP) {
      const key = `${u}|${p}`;
      const e = ix.effectiveLevel(u, p);
      out[`eff ${key}`] = e;
      out[`lvl ${key}`] = ix.level(u, p);
      out[`pa ${key}`] = ix.projectActions(u, p);
      out[`use-list ${key}`] = ix.assetsUserCanUse(u, p);
      if (P.includes(p)) out[`explain ${key}`] = attempt(() => ix.explain(u, p).matchingGrants);
      for (const a of QA) out[`use ${key}|${a}`] = ix.canUse(u, p, a);
    }
    for (const a of QA) {
      out[`access ${u}|${a}`] = [ix.hasAccess(u, a), ix.canSee(u, a), ix.canManageAsset(u, a), ix.assetActions(u, a)];
    }
    for (const w of QW) {
      out[`wa ${u}|${w}`] = ix.workspaceActions(u, w);
      out[`see ${u}|${w}`] = ix.assetsUserCanSee(u, w);
      for (const l of LEVELS) out[`projects ${u}|${w}|${l}`] = ix.projectsUserCan(u, w, l);
    }
  }
  for (const p of QP) for (const l of LEVELS) out[`users ${p}|${l}`] = ix.usersWhoCan(p, l);
  for (const a of QA) out[`usage ${a}`] = ix.usage(a);
  return out;
}

/** The same answers from the reference. */
function refAnswers(f: AccessFacts): unknown {
  const out: Record<string, unknown> = {};
  for (const u of QU) {
    for (const p of QP) {
      const key = `${u}|${p}`;
      const e = refEffective(f, u, p);
      out[`eff ${key}`] = e;
      out[`lvl ${key}`] = e.level;
      out[`pa ${key}`] = refProjectActions(f, u, p);
      out[`use-list ${key}`] = refAssetsUserCanUse(f, u, p);
      if (P.includes(p)) out[`explain ${key}`] = f.projects.some((x) => x.id === p) ? refMatchingGrants(f, u, p) : 'threw';
      for (const a of QA) out[`use ${key}|${a}`] = refCanUse(f, u, p, a);
    }
    for (const a of QA) {
      const h = refHasAccess(f, u, a);
      out[`access ${u}|${a}`] = [h, h, refCanManageAsset(f, u, a), refAssetActions(f, u, a)];
    }
    for (const w of QW) {
      out[`wa ${u}|${w}`] = refWorkspaceActions(f, u, w);
      out[`see ${u}|${w}`] = refAssetsUserCanSee(f, u, w);
      for (const l of LEVELS) out[`projects ${u}|${w}|${l}`] = refProjectsUserCan(f, u, w, l);
    }
  }
  for (const p of QP) for (const l of LEVELS) out[`users ${p}|${l}`] = refUsersWhoCan(f, p, l);
  for (const a of QA) out[`usage ${a}`] = refUsage(f, a);
  return out;
}

/** Facts in a canonical order, independent of either implementation's sorting. */
function canonical(f: AccessFacts): Record<string, string[]> {
  const norm = (x: unknown[]): string[] => x.map((v) => JSON.stringify(v)).sort();
  return {
    members: norm(f.members.map((m) => [m.workspaceId, m.userId, m.role])),
    groups: norm(f.groups.map((g) => [g.id, g.workspaceId])),
    groupMembers: norm(f.groupMembers.map((m) => [m.groupId, m.userId])),
    projects: norm(f.projects.map((p) => [p.id, p.workspaceId])),
    grants: norm(f.grants.map((g) => [g.projectId, g.subject, g.level])),
    assets: norm(f.assets.map((a) => [a.id, a.workspaceId, a.kind, [...a.access].sort()])),
    imports: norm(f.imports.map((i) => [i.projectId, i.assetId])),
  };
}

type Preview =
  | { kind: 'assetAccess'; asset: string; access: string[] }
  | { kind: 'import'; project: string; asset: string }
  | { kind: 'grant'; project: string; subject: GrantSubject; level: Level }
  | { kind: 'removeGroupMembers'; group: string; users: string[] }
  | { kind: 'setRole'; ws: string; user: string; role: Role }
  | { kind: 'removeMember'; ws: string; user: string }
  | { kind: 'removeAsset'; asset: string };

/** Previews aimed mostly at entities that exist in `f` (sometimes at missing or foreign ones). */
function previewsFor(f: AccessFacts): fc.Arbitrary<Preview[]> {
  const pick = (ids: string[], extra: string[]): fc.Arbitrary<string> =>
    ids.length === 0 ? fc.constantFrom(...extra) : fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.constantFrom(...extra) });
  const project = pick(f.projects.map((p) => p.id), [...P, 'p-missing']);
  const asset = pick(f.assets.map((a) => a.id), [...A, 'a-missing']);
  const group = pick(f.groups.map((g) => g.id), [...G, 'g-missing']);
  const member = f.members.length === 0 ? fc.record({ ws, user }) : fc.constantFrom(...f.members.map((m) => ({ ws: m.workspaceId, user: m.userId })));
  // an access list valid for the asset's workspace most of the time
  const accessFor = (a: string): fc.Arbitrary<string[]> => {
    const w = f.assets.find((x) => x.id === a)?.workspaceId;
    const own = f.groups.filter((g) => g.workspaceId === w).map((g) => g.id);
    return fc.oneof({ weight: 5, arbitrary: fc.subarray([...BUILTINS, ...own]) }, { weight: 1, arbitrary: accessList });
  };
  // a project and an asset of the same workspace most of the time
  const projectAsset = fc.oneof(
    { weight: 1, arbitrary: fc.tuple(project, asset) },
    {
      weight: 3,
      arbitrary: project.chain((p) => {
        const w = f.projects.find((x) => x.id === p)?.workspaceId;
        const same = f.assets.filter((a) => a.workspaceId === w).map((a) => a.id);
        return fc.tuple(fc.constant(p), same.length > 0 ? fc.constantFrom(...same) : asset);
      }),
    },
  );
  // a subject of the project's workspace most of the time
  const grantOn = (p: string): fc.Arbitrary<GrantSubject> => {
    const w = f.projects.find((x) => x.id === p)?.workspaceId;
    const users = f.members.filter((m) => m.workspaceId === w).map((m) => m.userId);
    const groups = f.groups.filter((g) => g.workspaceId === w).map((g) => g.id);
    const own: fc.Arbitrary<GrantSubject>[] = [fc.constant({ type: 'group' as const, groupId: 'workspace' })];
    if (users.length > 0) own.push(fc.constantFrom(...users).map((userId) => ({ type: 'user' as const, userId })));
    if (groups.length > 0) own.push(fc.constantFrom(...groups).map((groupId) => ({ type: 'group' as const, groupId })));
    return fc.oneof({ weight: 4, arbitrary: fc.oneof(...own) }, { weight: 1, arbitrary: subject });
  };
  const one: fc.Arbitrary<Preview> = fc.oneof(
    asset.chain((a) => accessFor(a).map((access) => ({ kind: 'assetAccess' as const, asset: a, access }))),
    projectAsset.map(([p, a]) => ({ kind: 'import' as const, project: p, asset: a })),
    project.chain((p) => fc.record({ kind: fc.constant('grant' as const), project: fc.constant(p), subject: grantOn(p), level })),
    group.chain((g) => {
      const members = f.groupMembers.filter((m) => m.groupId === g).map((m) => m.userId);
      const users = fc.oneof(fc.subarray([...U, 'ghost']), fc.subarray([...new Set(members)], { minLength: Math.min(1, members.length) }));
      return users.map((us) => ({ kind: 'removeGroupMembers' as const, group: g, users: us }));
    }),
    fc.record({ kind: fc.constant('setRole' as const), role }).chain((r) => member.map((m) => ({ ...r, ...m }))),
    member.map((m) => ({ kind: 'removeMember' as const, ...m })),
    fc.record({ kind: fc.constant('removeAsset' as const), asset }),
  );
  return fc.array(one, { minLength: 1, maxLength: 4 });
}

function indexPreview(ix: AccessIndex, pv: Preview): unknown {
  switch (pv.kind) {
    case 'assetAccess':
      return ix.previewSetAssetAccess(pv.asset, pv.access);
    case 'import':
      return ix.previewImport(pv.project, pv.asset);
    case 'grant':
      return ix.previewGrant(pv.project, pv.subject, pv.level);
    case 'removeGroupMembers':
      return ix.previewRemoveGroupMembers(pv.group, pv.users);
    case 'setRole':
      return ix.previewSetRole(pv.ws, pv.user, pv.role);
    case 'removeMember':
      return ix.previewRemoveMember(pv.ws, pv.user);
    case 'removeAsset':
      return ix.previewRemoveAsset(pv.asset);
  }
}

function refPreview(f: AccessFacts, pv: Preview): unknown {
  switch (pv.kind) {
    case 'assetAccess':
      return refPreviewSetAssetAccess(f, pv.asset, pv.access);
    case 'import':
      return refPreviewImport(f, pv.project, pv.asset);
    case 'grant':
      return refPreviewGrant(f, pv.project, pv.subject, pv.level);
    case 'removeGroupMembers':
      return refPreviewRemoveGroupMembers(f, pv.group, pv.users);
    case 'setRole':
      return refPreviewSetRole(f, pv.ws, pv.user, pv.role);
    case 'removeMember':
      return refPreviewRemoveMember(f, pv.ws, pv.user);
    case 'removeAsset':
      return refPreviewRemoveAsset(f, pv.asset);
  }
}

const SEED = process.env.ACCESS_PROPERTY_SEED ? Number(process.env.ACCESS_PROPERTY_SEED) : undefined;
const SCALE = process.env.ACCESS_PROPERTY_SCALE ? Number(process.env.ACCESS_PROPERTY_SCALE) : 1;
const params = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns: Math.max(1, Math.round(numRuns * SCALE)),
  ...(SEED !== undefined ? { seed: SEED } : {}),
});

describe('access index vs naive reference', () => {
  it('answers every query like the reference on random workspaces (3,500 cases)', () => {
    fc.assert(
      fc.property(facts, (input) => {
        const ix = AccessIndex.build(input);
        const ref = refBuild(input);
        expect(indexAnswers(ix)).toEqual(refAnswers(ref));
        expect(canonical(ix.toFacts())).toEqual(canonical(ref));
      }),
      params(3500),
    );
  }, 120_000);

  it('previews equal "apply to a copy and diff every level", and change nothing (5,000 cases)', () => {
    fc.assert(
      fc.property(facts.chain((f) => fc.tuple(fc.constant(f), previewsFor(f))), ([input, pvs]) => {
        const ix = AccessIndex.build(input);
        const ref = refBuild(input);
        const before = JSON.stringify(ix.toFacts());
        for (const pv of pvs) {
          expect(attempt(() => indexPreview(ix, pv))).toEqual(attempt(() => refPreview(ref, pv)));
        }
        expect(JSON.stringify(ix.toFacts())).toBe(before);
      }),
      params(5000),
    );
  }, 120_000);

  it('after random writes the live index equals a fresh build and the reference (2,000 cases)', () => {
    fc.assert(
      fc.property(facts, fc.array(op, { minLength: 1, maxLength: 25 }), (input, ops) => {
        const live = AccessIndex.build(input);
        let ref = refBuild(input);
        for (const o of ops) {
          const r = attempt(() => refApply(ref, o));
          const i = attempt(() => applyToIndex(live, o));
          expect(i === 'threw').toBe(r === 'threw');
          if (r !== 'threw') ref = r;
        }
        const dump = live.toFacts();
        const fresh = AccessIndex.build(dump);
        expect(fresh.toFacts()).toEqual(dump);
        expect(canonical(dump)).toEqual(canonical(ref));
        // live == fresh build on every answer; fresh build == reference is the first property
        expect(indexAnswers(live)).toEqual(indexAnswers(fresh));
      }),
      params(2000),
    );
  }, 120_000);
});
