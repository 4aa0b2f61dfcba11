/**
 * The demo workspace a newcomer can click through: four users (one per role), a custom group
 * "Data Team", and projects shared in the ways the reference page describes. Created only on a
 * fresh database, through the same services the API uses (so it is audited like anything else).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Role } from '../../access/access-types.js';
import { systemContext } from '../../context.js';
import type { GroupsService } from '../groups/groups-service.js';
import type { ProjectsService } from '../projects/projects-service.js';
import type { WorkspacesService } from '../workspaces/workspaces-service.js';
import type { AssetsService } from '../assets/assets-service.js';
import type { DataConnectionsService } from '../data-connections/data-connections-service.js';
import type { QueriesService } from '../queries/queries-service.js';
import type { SecretsService } from '../secrets/secrets-service.js';

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

export async function seedDemo(
  deps: {
    workspaces: WorkspacesService;
    groups: GroupsService;
    projects: ProjectsService;
    assets: AssetsService;
    connections: DataConnectionsService;
    secrets: SecretsService;
    queries: QueriesService;
  },
  opts: { password?: string; filesDir: string },
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

  // Assets to click through: a warehouse everyone may use (the default connection), a finance
  // database only the Data Team may use, and a secret — as SQLite files under the files directory.
  const warehouseFile = writeDemoDatabase(opts.filesDir, 'demo-warehouse.db', WAREHOUSE_SQL);
  const financeFile = writeDemoDatabase(opts.filesDir, 'demo-finance.db', FINANCE_SQL);
  const warehouse = await deps.connections.create(
    { workspaceId: ws.id, projectId: null, createdBy: admin, name: 'Demo warehouse', type: 'sqlite', config: { path: warehouseFile }, readOnly: true, access: ['workspace'] },
    ctx,
  );
  await deps.assets.setDefault(ws.id, warehouse.id, ctx);
  const finance = await deps.connections.create(
    { workspaceId: ws.id, projectId: null, createdBy: admin, name: 'Finance', type: 'sqlite', config: { path: financeFile }, readOnly: true, access: [dataTeam.id] },
    ctx,
  );
  const token = await deps.secrets.create(
    { workspaceId: ws.id, projectId: null, createdBy: admin, name: 'DEMO_API_TOKEN', description: 'A made-up token for the payments API', value: `demo-${randomBytes(9).toString('base64url')}` },
    ctx,
  );
  for (const id of [warehouse.id, finance.id, token.id]) await deps.assets.importInto(churn, id, admin, { confirm: false, dryRun: false }, ctx);
  await deps.assets.importInto(kpis, warehouse.id, editor, { confirm: false, dryRun: false }, ctx);
  // A stored result, so viewers (and the web) have something to look at (rule 6).
  const run = await deps.queries.start(kpis, editor, { connectionId: warehouse.id, sql: 'select region, count(*) as orders, round(sum(amount), 2) as revenue\nfrom sales\ngroup by region\norder by revenue desc' }, new AbortController().signal);
  for await (const ev of run.events) if (ev.type === 'error') throw new Error(`demo query failed: ${ev.error.message}`);

  return {
    workspaceId: ws.id,
    password,
    passwordGenerated: opts.password === undefined,
    users: DEMO_USERS.map((u) => ({ email: u.email, role: u.role, id: ids[u.email]! })),
  };
}

const REGIONS = ['North', 'South', 'East', 'West'];
const PRODUCTS = ['Starter', 'Team', 'Enterprise', 'Add-on'];

const WAREHOUSE_SQL = (db: Database.Database) => {
  db.exec(`create table customers (id integer primary key, name text not null, region text not null, signed_up text not null);
           create table sales (id integer primary key, customer_id integer not null references customers(id), product text not null, region text not null, amount real not null, sold_at text not null);`);
  const c = db.prepare('insert into customers (id, name, region, signed_up) values (?, ?, ?, ?)');
  const s = db.prepare('insert into sales (id, customer_id, product, region, amount, sold_at) values (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= 200; i++) c.run(i, `Customer ${i}`, REGIONS[i % 4]!, new Date(Date.UTC(2025, i % 12, 1 + (i % 28))).toISOString().slice(0, 10));
    for (let i = 1; i <= 2000; i++) {
      const customer = 1 + ((i * 7) % 200);
      const product = PRODUCTS[(i * 3) % 4]!;
      const amount = Math.round((49 + ((i * 37) % 950)) * 100) / 100;
      s.run(i, customer, product, REGIONS[customer % 4]!, amount, new Date(Date.UTC(2026, i % 12, 1 + (i % 28))).toISOString().slice(0, 10));
    }
  })();
};

const FINANCE_SQL = (db: Database.Database) => {
  db.exec(`create table payroll (employee text primary key, team text not null, monthly_salary real not null);
           insert into payroll values ('Ada', 'Data', 9100), ('Eddie', 'Data', 8300), ('Vera', 'Sales', 7200), ('Gus', 'Support', 5100);`);
};

/** Creates a small SQLite database for the demo (kept if it already exists). */
function writeDemoDatabase(dir: string, name: string, fill: (db: Database.Database) => void): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(path.resolve(dir), name);
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.tmp-${process.pid}`;
  const db = new Database(tmp);
  try {
    fill(db);
  } finally {
    db.close();
  }
  fs.renameSync(tmp, file);
  return file;
}
