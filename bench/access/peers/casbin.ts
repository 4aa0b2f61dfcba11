/**
 * casbin (npm) with an RBAC-with-domains model (domain = workspace) approximating Atrium's rules.
 *
 * Grants are role links ("resource roles"): `g, <subject>, <project>#<level>, <ws>` where the
 * subject is a user, `group:<id>` or `members` (the `workspace` group), and the levels inherit
 * (`p#full_access` → `p#can_edit` → `p#can_view`). Asset access lives in a second role graph g2
 * (`g2, group:<id> | members | guests, <asset>, <ws>`). The viewer cap is a negation in the
 * matcher. The request never needs a `p` row, so casbin evaluates the matcher once per enforce
 * instead of once per policy row (a model with one `p` row per grant makes every enforce scan all
 * of them: casbin has no index on policies).
 *
 * Not expressible in casbin's model: rule 4's downgrade ("for some imported asset the user has no
 * access") quantifies over the project's imports, which are data, not roles. It is implemented on
 * top: after an `edit` enforce succeeds, one `use` enforce per imported asset (the import list
 * comes from the facts, as an app would read it). Public grants (can_view for anyone) are not
 * modelled: only `can_edit` is compared.
 */
import { newEnforcer, newModelFromString } from 'casbin';
import type { Enforcer } from 'casbin';

import { BuiltinGroup, Level, levelName, Role } from '../../../src/access/access-types.js';
import { agreement, emptyReport, listAgreement, mb, memSnapshot, summarize, timeSync } from '../measure.js';
import type { BenchContext, PeerReport } from '../measure.js';

export const MODEL = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _
g2 = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = (r.act == "use" && (g2(r.sub, r.obj, r.dom) || g2(r.sub, "role:admin", r.dom))) || (r.act == "edit" && g(r.sub, r.obj, r.dom) && !g2(r.sub, "role:viewer", r.dom))
`;

export async function runCasbin(ctx: BenchContext): Promise<PeerReport> {
  const r = emptyReport('casbin');
  const { fx } = ctx;
  const f = fx.facts;

  const before = memSnapshot();
  const t0 = process.hrtime.bigint();
  const g: string[][] = [];
  const g2: string[][] = [];
  for (const m of f.members) {
    g2.push([m.userId, `role:${m.role}`, m.workspaceId]);
    if (m.role !== Role.guest) {
      g.push([m.userId, 'members', m.workspaceId]);
      g2.push([m.userId, 'members', m.workspaceId]);
    } else g2.push([m.userId, 'guests', m.workspaceId]);
  }
  const groupWs = new Map(f.groups.map((x) => [x.id, x.workspaceId]));
  for (const gm of f.groupMembers) {
    const ws = groupWs.get(gm.groupId)!;
    g.push([gm.userId, `group:${gm.groupId}`, ws]);
    g2.push([gm.userId, `group:${gm.groupId}`, ws]);
  }
  for (const p of f.projects) {
    g.push([`${p.id}#full_access`, `${p.id}#can_edit`, p.workspaceId]);
    g.push([`${p.id}#can_edit`, `${p.id}#can_view`, p.workspaceId]);
  }
  let publicGrants = 0;
  for (const gr of f.grants) {
    const ws = fx.wsOfProject.get(gr.projectId)!;
    const s = gr.subject;
    const role = `${gr.projectId}#${levelName(gr.level)}`;
    if (s.type === 'public') publicGrants++;
    else if (s.type === 'user') g.push([s.userId, role, ws]);
    else if (s.groupId === BuiltinGroup.workspace) g.push(['members', role, ws]);
    else g.push([`group:${s.groupId}`, role, ws]);
  }
  for (const a of f.assets) {
    for (const x of a.access) {
      if (x === BuiltinGroup.workspace) g2.push(['members', a.id, a.workspaceId]);
      else if (x === BuiltinGroup.workspaceGuests) g2.push(['guests', a.id, a.workspaceId]);
      else if (x === BuiltinGroup.public) throw new Error('public assets are not modelled in the casbin peer');
      else g2.push([`group:${x}`, a.id, a.workspaceId]);
    }
  }
  const imports = new Map<string, string[]>();
  for (const i of f.imports) {
    let l = imports.get(i.projectId);
    if (!l) imports.set(i.projectId, (l = []));
    l.push(i.assetId);
  }

  const e: Enforcer = await newEnforcer(newModelFromString(MODEL));
  // Rules go straight into the model: addGroupingPolicies checks each new rule against every
  // existing one (Array.some), which makes loading quadratic. Then one buildRoleLinks.
  const gAst = e.getModel().model.get('g')!;
  const gPolicy = gAst.get('g')!.policy;
  for (const rule of g) gPolicy.push(rule);
  const g2Policy = gAst.get('g2')!.policy;
  for (const rule of g2) g2Policy.push(rule);
  await e.buildRoleLinks();
  r.buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const after = memSnapshot();
  r.heapDeltaMB = mb(after.heapUsed - before.heapUsed);
  r.rssDeltaMB = mb(after.rss - before.rss);
  r.loadedItems = g.length + g2.length;
  r.ran = true;
  r.notes.push(
    `${g.length + g2.length} grouping rules (g: ${g.length}, g2: ${g2.length}), no p rows; ${publicGrants} public grants not modelled; ` +
      'the downgrade is one extra enforce per imported asset, on top of casbin',
  );
  ctx.log(`casbin: ${r.loadedItems} rules in ${(r.buildMs / 1000).toFixed(1)} s, heap +${r.heapDeltaMB} MB`);

  const canEdit = (u: string, p: string): boolean => {
    const ws = fx.wsOfProject.get(p)!;
    if (!e.enforceSync(u, ws, `${p}#can_edit`, 'edit')) return false;
    for (const a of imports.get(p) ?? []) if (!e.enforceSync(u, ws, a, 'use')) return false;
    return true;
  };

  const nv = ctx.verify.users.length;
  const edit = new Int8Array(nv);
  for (let i = 0; i < nv; i++) edit[i] = canEdit(ctx.verify.users[i]!, ctx.verify.projects[i]!) ? 1 : 0;
  r.agreement = agreement('edit (level ≥ can_edit)', ctx, edit, (l) => (l >= Level.can_edit ? 1 : 0));

  const { users, projects } = ctx.pairs;
  const n = Math.min(ctx.n.casbinChecks, users.length);
  for (let i = 0; i < Math.min(n, 500); i++) canEdit(users[users.length - 1 - i]!, projects[projects.length - 1 - i]!);
  r.checks.push(timeSync('enforce(edit) + enforce(use) per import', n, (i) => canEdit(users[i]!, projects[i]!)));
  r.checks.push(
    timeSync('enforce(edit) only (no downgrade)', n, (i) => {
      const p = projects[i]!;
      return e.enforceSync(users[i]!, fx.wsOfProject.get(p)!, `${p}#can_edit`, 'edit');
    }),
  );

  // list: every project role the user reaches, then the cap and downgrade per candidate
  const lu = ctx.list.users;
  const lw = ctx.list.workspaces;
  const nl = Math.min(ctx.n.casbinLists, lu.length);
  const got: string[][] = [];
  const lat = new Float64Array(nl);
  let total = 0;
  const wall0 = process.hrtime.bigint();
  for (let i = 0; i < nl; i++) {
    const t = process.hrtime.bigint();
    const roles = await e.getImplicitRolesForUser(lu[i]!, lw[i]!);
    const out: string[] = [];
    for (const role of roles) {
      if (!role.endsWith('#can_edit')) continue;
      const p = role.slice(0, -'#can_edit'.length);
      if (canEdit(lu[i]!, p)) out.push(p);
    }
    out.sort();
    got.push(out);
    total += out.length;
    lat[i] = Number(process.hrtime.bigint() - t);
  }
  r.listAgreement = listAgreement(ctx, got);
  r.lists.push(
    summarize('getImplicitRolesForUser + canEdit per candidate', lat, Number(process.hrtime.bigint() - wall0), {
      meanResults: Math.round(total / Math.max(1, nl)),
    }),
  );
  return r;
}
