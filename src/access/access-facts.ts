/**
 * Facts in and out: loading a core from `AccessFacts`, and the canonical dump of a core (every
 * list sorted, asset access sorted), so that `build(toFacts())` answers exactly like the index it
 * came from, and two indexes can be compared as data.
 */
import { cmp, ROLE_OF_CODE, subjectKey } from './access-codes.js';
import type { AccessCore } from './access-core.js';
import { accessList, subjectOf } from './access-resolve.js';
import { ASSET_KINDS } from './access-types.js';
import type { AccessFacts, AssetFact, GrantFact } from './access-types.js';

/** Applies the facts in dependency order (members and groups before what refers to them). */
export function loadFacts(c: AccessCore, facts: AccessFacts): void {
  for (const m of facts.members) c.setMember(m.workspaceId, m.userId, m.role);
  for (const g of facts.groups) c.addGroup(g);
  for (const gm of facts.groupMembers) c.addGroupMember(gm.groupId, gm.userId);
  for (const p of facts.projects) c.addProject(p);
  for (const a of facts.assets) c.upsertAsset(a);
  for (const g of facts.grants) c.setGrant(g.projectId, g.subject, g.level);
  for (const i of facts.imports) c.addImport(i.projectId, i.assetId);
}

export function toFacts(c: AccessCore): AccessFacts {
  const members: AccessFacts['members'] = [];
  c.wss.ids.forEach((wsId, ws) => {
    if (wsId === undefined) return;
    for (const [u, role] of c.wsMembers[ws]!)
      members.push({ workspaceId: wsId, userId: c.users.id(u), role: ROLE_OF_CODE[role]! });
  });
  members.sort((x, y) => cmp(x.workspaceId, y.workspaceId) || cmp(x.userId, y.userId));

  const groups: AccessFacts['groups'] = [];
  const groupMembers: AccessFacts['groupMembers'] = [];
  c.groups.ids.forEach((id, g) => {
    if (id === undefined) return;
    groups.push({ id, workspaceId: c.wss.id(c.groupWs[g]!) });
    for (const u of c.groupMembers[g]!) groupMembers.push({ groupId: id, userId: c.users.id(u) });
  });
  groups.sort((x, y) => cmp(x.id, y.id));
  groupMembers.sort((x, y) => cmp(x.groupId, y.groupId) || cmp(x.userId, y.userId));

  const projects: AccessFacts['projects'] = [];
  const grants: GrantFact[] = [];
  const imports: AccessFacts['imports'] = [];
  c.projects.ids.forEach((id, p) => {
    if (id === undefined) return;
    projects.push({ id, workspaceId: c.wss.id(c.projWs[p]!) });
    const gr = c.projGrants[p]!;
    for (let i = 0; i < gr.length; i += 2) grants.push({ projectId: id, subject: subjectOf(c, gr[i]!), level: gr[i + 1]! });
    for (const a of c.projImports[p]!) imports.push({ projectId: id, assetId: c.assets.id(a) });
  });
  projects.sort((x, y) => cmp(x.id, y.id));
  grants.sort((x, y) => cmp(x.projectId, y.projectId) || cmp(subjectKey(x.subject), subjectKey(y.subject)));
  imports.sort((x, y) => cmp(x.projectId, y.projectId) || cmp(x.assetId, y.assetId));

  const assets: AssetFact[] = [];
  c.assets.ids.forEach((id, a) => {
    if (id === undefined) return;
    assets.push({ id, workspaceId: c.wss.id(c.assetWs[a]!), kind: ASSET_KINDS[c.assetKind[a]!]!, access: accessList(c, a) });
  });
  assets.sort((x, y) => cmp(x.id, y.id));
  return { members, groups, groupMembers, projects, grants, assets, imports };
}
