/**
 * The demo workspace a newcomer can click through: four users (one per role), a custom group
 * "Data Team", and projects shared in the ways the reference page describes. Created only on a
 * fresh database, through the same services the API uses (so it is audited like anything else).
 */
import { randomBytes } from 'node:crypto';
import { Role } from '../../access/access-types.js';
import { systemContext } from '../audit/audit-types.js';
import type { GroupsService } from '../groups/groups-service.js';
import type { ProjectsService } from '../projects/projects-service.js';
import type { WorkspacesService } from '../workspaces/workspaces-service.js';
import type { Store } from '../../store/store.js';

export const DEMO_USERS = [
  { email: 'admin@demo.local', name: 'Ada Admin', role: Role.admin },
  { email: 'editor@demo.local', name: 'Eddie Editor', role: Role.editor },
  { email: 'viewer@demo.local', name: 'Vera Viewer', role: Role.viewer },
  { email: 'guest@demo.local', name: 'Gus Guest', role: Role.guest },
] as const;

export interface DemoResult {
  workspaceId: string;
  password: string;
  passwordGenerated: boolean;
  users: { email: string; role: string; id: string }[];
}

export async function isFreshDatabase(store: Store): Promise<boolean> {
  const row = await store.db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  return !row;
}

export async function seedDemo(
  deps: { workspaces: WorkspacesService; groups: GroupsService; projects: ProjectsService },
  opts: { password?: string },
): Promise<DemoResult> {
  const ctx = systemContext('demo-seed');
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const { workspaces, groups, projects } = deps;

  // The admin first, through the same path as `atrium admin create`.
  const adminRow = await deps.workspaces.findOrCreateUserStandalone({ email: DEMO_USERS[0].email, name: DEMO_USERS[0].name, password }, ctx);
  const ws = await workspaces.create({ name: 'Demo', slug: 'demo', plan: 'enterprise', adminUserId: adminRow.id }, ctx);
  const ids: Record<string, string> = { [DEMO_USERS[0].email]: adminRow.id };
  for (const u of DEMO_USERS.slice(1)) {
    const m = await workspaces.addMember(ws, { email: u.email, name: u.name, role: u.role, password }, ctx);
    ids[u.email] = m.userId;
  }
  const admin = ids['admin@demo.local']!;
  const editor = ids['editor@demo.local']!;
  const viewer = ids['viewer@demo.local']!;
  const guest = ids['guest@demo.local']!;

  const dataTeam = await groups.create(ws.id, { name: 'Data Team', description: 'Analysts who may use the sensitive connections.' }, ctx);
  await groups.addMembers(ws.id, dataTeam.id, [admin, editor], ctx);

  const revenue = await projects.create(ws.id, editor, { name: 'Revenue dashboard', description: 'Monthly revenue by region, for the whole company.' }, ctx);
  await projects.setGrant(revenue, { type: 'group', groupId: 'workspace' }, 'can_view', { confirm: false, dryRun: false, actorId: editor }, ctx);
  await projects.setGrant(revenue, { type: 'group', groupId: dataTeam.id }, 'can_edit', { confirm: false, dryRun: false, actorId: editor }, ctx);

  const churn = await projects.create(ws.id, admin, { name: 'Churn analysis', description: 'Work in progress by the Data Team.' }, ctx);
  await projects.setGrant(churn, { type: 'group', groupId: dataTeam.id }, 'full_access', { confirm: false, dryRun: false, actorId: admin }, ctx);
  await projects.setGrant(churn, { type: 'user', userId: viewer }, 'can_view', { confirm: false, dryRun: false, actorId: admin }, ctx);

  const interview = await projects.create(ws.id, admin, { name: 'Interview exercise', description: 'A technical assessment for a candidate (the guest).' }, ctx);
  await projects.setGrant(interview, { type: 'user', userId: guest }, 'can_edit', { confirm: false, dryRun: false, actorId: admin }, ctx);

  const kpis = await projects.create(ws.id, editor, { name: 'Public KPIs', description: 'Shared with the web: anyone with the link can view.' }, ctx);
  await projects.setGrant(kpis, { type: 'public' }, 'can_view', { confirm: false, dryRun: false, actorId: editor }, ctx);

  return {
    workspaceId: ws.id,
    password,
    passwordGenerated: opts.password === undefined,
    users: DEMO_USERS.map((u) => ({ email: u.email, role: u.role, id: ids[u.email]! })),
  };
}
