/**
 * Every route, for every kind of caller: each role of the workspace, a read-only API token,
 * an anonymous visitor, and the admin of another workspace. Expected statuses are a table;
 * a project whose imported asset the guest cannot use shows the downgrade (rule 4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Level } from '../src/access/access-types.js';
import { systemContext } from '../src/modules/audit/audit-types.js';
import { type Client, type TestApp, startTestApp } from './helpers/test-app.js';

type Actor = 'admin' | 'editor' | 'viewer' | 'guest' | 'anon' | 'outsider' | 'readonly';
const ACTORS: Actor[] = ['admin', 'editor', 'viewer', 'guest', 'anon', 'outsider', 'readonly'];

let t: TestApp;
const c = {} as Record<Actor, Client>;
const ids = {} as Record<'churn' | 'interview' | 'kpis' | 'dataTeam' | 'otherProject' | 'wsSecret' | 'wsConn' | 'projConn' | 'queryId' | 'finance', string>;
let counter = 0;
const uniq = () => `${Date.now().toString(36)}${++counter}`;

beforeAll(async () => {
  t = await startTestApp();
  const s = t.atrium.services;
  const db = s.store.db;
  for (const r of ['admin', 'editor', 'viewer', 'guest'] as const) c[r] = await t.login(`${r}@demo.local`);
  c.anon = t.anonymous;
  c.readonly = await t.tokenClient('editor@demo.local', ['read']);
  // Another tenant: its admin must see nothing of the demo workspace.
  const ctx = systemContext('test');
  const outsider = await s.workspaces.findOrCreateUserStandalone({ email: 'outsider@other.local', password: 'outsider-pass-1' }, ctx);
  const other = await s.workspaces.create({ name: 'Other', slug: 'other', plan: 'enterprise', adminUserId: outsider.id }, ctx);
  c.outsider = await t.login('outsider@other.local', 'outsider-pass-1');
  ids.otherProject = (await s.projects.create(other.id, outsider.id, { name: 'Theirs' }, ctx)).id;

  const byName = async (name: string) => (await db.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  ids.churn = await byName('Churn analysis');
  ids.interview = await byName('Interview exercise');
  ids.kpis = await byName('Public KPIs');
  ids.dataTeam = (await db.selectFrom('groups').select('id').where('name', '=', 'Data Team').executeTakeFirstOrThrow()).id;
  // A sensitive connection shared only with Data Team, imported into the guest's project.
  const finance = await s.connections.create({ workspaceId: t.demoWorkspaceId, projectId: null, createdBy: t.users.admin, name: 'Finance DB', type: 'duckdb', config: { path: ':memory:' }, access: [ids.dataTeam] }, systemContext('test'));
  ids.finance = finance.id;
  await s.assets.importInto(await s.projects.get(ids.interview), finance.id, t.users.admin, { confirm: true, dryRun: false }, systemContext('test'));
  await s.authz.rebuild();

  // Assets in the Data Team's project: a workspace connection and secret (shared with the
  // workspace) imported into it, and a project connection and secret of its own.
  const ctx2 = systemContext('test');
  const admin = t.users.admin;
  ids.wsConn = (await s.connections.create({ workspaceId: t.demoWorkspaceId, projectId: null, createdBy: admin, name: 'Duck', type: 'duckdb', config: { path: ':memory:' } }, ctx2)).id;
  ids.wsSecret = (await s.secrets.create({ workspaceId: t.demoWorkspaceId, projectId: null, createdBy: admin, name: 'WS_SECRET', value: 'v' }, ctx2)).id;
  const churn = await s.projects.get(ids.churn);
  await s.assets.importInto(churn, ids.wsConn, admin, { confirm: true, dryRun: false }, ctx2);
  await s.assets.importInto(churn, ids.wsSecret, admin, { confirm: true, dryRun: false }, ctx2);
  ids.projConn = (await s.connections.create({ workspaceId: t.demoWorkspaceId, projectId: ids.churn, createdBy: admin, name: 'Local duck', type: 'duckdb', config: { path: ':memory:' } }, ctx2)).id;
  await s.secrets.create({ workspaceId: t.demoWorkspaceId, projectId: ids.churn, createdBy: admin, name: 'LOCAL', value: 'v' }, ctx2);
  const run = await s.queries.start(churn, admin, { sql: 'select 1', connectionId: ids.wsConn }, new AbortController().signal);
  for await (const _ of run.events) void _;
  ids.queryId = run.queryId;
});
afterAll(async () => t?.close());

type Row = {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Called once per actor, so destructive routes get a fresh target each time. */
  url: (a: Actor) => string | Promise<string>;
  body?: (a: Actor) => unknown;
  expect: Record<Actor, number>;
};

const ws = '/api/v1/workspaces/demo';
const all = (code: number, over: Partial<Record<Actor, number>> = {}): Record<Actor, number> => ({
  admin: code, editor: code, viewer: code, guest: code, anon: 401, outsider: 404, readonly: code, ...over,
});
const adminOnly = (ok: number) => all(403, { admin: ok });

async function freshProject(): Promise<string> {
  const s = t.atrium.services;
  const p = await s.projects.create(t.demoWorkspaceId, t.users.editor, { name: `fresh ${uniq()}` }, systemContext('test'));
  await s.projects.setGrant(p, { type: 'group', groupId: 'workspace' }, 'can_view', { confirm: false, dryRun: false, actorId: t.users.editor }, systemContext('test'));
  return p.id;
}
async function freshMember(): Promise<string> {
  const s = t.atrium.services;
  const ws = await s.workspaces.get(t.demoWorkspaceId);
  return (await s.workspaces.addMember(ws, { email: `m${uniq()}@demo.local`, role: 'viewer' as never }, systemContext('test'))).userId;
}
async function freshGroup(): Promise<string> {
  return (await t.atrium.services.groups.create(t.demoWorkspaceId, { name: `g${uniq()}` }, systemContext('test'))).id;
}

const rows: Row[] = [
  { name: 'list my workspaces', method: 'GET', url: () => '/api/v1/workspaces', expect: all(200, { outsider: 200 }) },
  { name: 'get workspace', method: 'GET', url: () => ws, expect: all(200) },
  { name: 'rename workspace', method: 'PATCH', url: () => ws, body: () => ({ name: 'Demo' }), expect: adminOnly(200) },
  { name: 'list members', method: 'GET', url: () => `${ws}/members`, expect: all(200, { guest: 403 }) },
  { name: 'add member', method: 'POST', url: () => `${ws}/members`, body: () => ({ email: `n${uniq()}@demo.local`, role: 'viewer' }), expect: adminOnly(201) },
  { name: 'change role', method: 'PATCH', url: async () => `${ws}/members/${await freshMember()}`, body: () => ({ role: 'editor' }), expect: adminOnly(200) },
  { name: 'remove member', method: 'DELETE', url: async () => `${ws}/members/${await freshMember()}?confirm=true`, expect: adminOnly(200) },
  { name: 'list groups', method: 'GET', url: () => `${ws}/groups`, expect: all(200, { guest: 403 }) },
  { name: 'create group', method: 'POST', url: () => `${ws}/groups`, body: () => ({ name: `grp ${uniq()}` }), expect: adminOnly(201) },
  { name: 'get group', method: 'GET', url: () => `${ws}/groups/${ids.dataTeam}`, expect: all(200, { guest: 403 }) },
  { name: 'edit group', method: 'PATCH', url: () => `${ws}/groups/${ids.dataTeam}`, body: () => ({ description: 'Analysts' }), expect: adminOnly(200) },
  { name: 'delete group', method: 'DELETE', url: async () => `${ws}/groups/${await freshGroup()}`, expect: adminOnly(200) },
  { name: 'add group members', method: 'POST', url: async () => `${ws}/groups/${await freshGroup()}/members`, body: () => ({ userIds: [t.users.viewer] }), expect: adminOnly(204) },
  { name: 'remove group members', method: 'POST', url: async () => `${ws}/groups/${await freshGroup()}/members/remove`, body: () => ({ userIds: [t.users.viewer], confirm: true }), expect: adminOnly(200) },
  { name: 'list projects', method: 'GET', url: () => `${ws}/projects`, expect: all(200) },
  { name: 'create project', method: 'POST', url: () => `${ws}/projects`, body: () => ({ name: `p ${uniq()}` }), expect: all(201, { viewer: 403, guest: 403, readonly: 403 }) },
  { name: 'get project shared with Data Team + viewer', method: 'GET', url: () => `/api/v1/projects/${ids.churn}`, expect: all(200, { guest: 404 }) },
  { name: 'get project shared with the web', method: 'GET', url: () => `/api/v1/projects/${ids.kpis}`, expect: all(200, { anon: 200, outsider: 200 }) },
  { name: 'get project of another workspace', method: 'GET', url: () => `/api/v1/projects/${ids.otherProject}`, expect: all(404, { outsider: 200 }) },
  { name: 'get guest project', method: 'GET', url: () => `/api/v1/projects/${ids.interview}`, expect: all(404, { admin: 200, guest: 200 }) },
  { name: 'edit project (can_edit)', method: 'PATCH', url: () => `/api/v1/projects/${ids.churn}`, body: () => ({ description: 'x' }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'edit guest project (guest downgraded: no access to Finance DB)', method: 'PATCH', url: () => `/api/v1/projects/${ids.interview}`, body: () => ({ description: 'x' }), expect: all(404, { admin: 200, guest: 403, readonly: 403 }) },
  { name: 'edit web-shared project', method: 'PATCH', url: () => `/api/v1/projects/${ids.kpis}`, body: () => ({ description: 'x' }), expect: all(403, { editor: 200, anon: 401, outsider: 403 }) },
  { name: 'delete project', method: 'DELETE', url: async () => `/api/v1/projects/${await freshProject()}`, expect: all(403, { admin: 204, editor: 204, guest: 404 }) },
  { name: 'list grants', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/grants`, expect: all(200, { guest: 404 }) },
  { name: 'set grant', method: 'PUT', url: () => `/api/v1/projects/${ids.churn}/grants/user:${t.users.viewer}`, body: () => ({ level: 'can_view' }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'remove grant', method: 'DELETE', url: async () => `/api/v1/projects/${await freshProject()}/grants/group:workspace`, expect: all(403, { admin: 204, editor: 204, guest: 404 }) },
  { name: 'my access', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/access`, expect: all(200, { guest: 404 }) },
  { name: 'explain', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/access/explain?user=${t.users.viewer}`, expect: all(200, { viewer: 403, guest: 404 }) },
  { name: 'audit log', method: 'GET', url: () => `${ws}/audit-events`, expect: adminOnly(200) },
  { name: 'my tokens', method: 'GET', url: () => '/api/v1/me/tokens', expect: all(200, { outsider: 200 }) },
  { name: 'create token', method: 'POST', url: () => '/api/v1/me/tokens', body: () => ({ name: 'x', scopes: ['read'] }), expect: all(201, { outsider: 201, readonly: 403 }) },
  { name: 'me', method: 'GET', url: () => '/api/v1/me', expect: all(200, { outsider: 200 }) },

  // workspace secrets (shared with the workspace: guests cannot see them)
  { name: 'list workspace secrets', method: 'GET', url: () => `${ws}/secrets`, expect: all(200) },
  { name: 'create workspace secret', method: 'POST', url: () => `${ws}/secrets`, body: () => ({ name: `S_${uniq().toUpperCase()}`, value: 'v' }), expect: adminOnly(201) },
  { name: 'get workspace secret', method: 'GET', url: () => `${ws}/secrets/${ids.wsSecret}`, expect: all(200, { guest: 404 }) },
  { name: 'edit workspace secret', method: 'PATCH', url: () => `${ws}/secrets/${ids.wsSecret}`, body: () => ({ description: 'd' }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'secret versions', method: 'GET', url: () => `${ws}/secrets/${ids.wsSecret}/versions`, expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'secret rollback', method: 'POST', url: () => `${ws}/secrets/${ids.wsSecret}/rollback`, body: () => ({ version: 1 }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'secret usage', method: 'GET', url: () => `${ws}/secrets/${ids.wsSecret}/usage`, expect: all(200, { guest: 404 }) },
  { name: 'secret groups', method: 'PUT', url: () => `${ws}/secrets/${ids.wsSecret}/access`, body: () => ({ access: ['workspace'] }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'delete workspace secret', method: 'DELETE', url: async () => `${ws}/secrets/${await freshSecret()}?confirm=true`, expect: all(403, { admin: 200, guest: 404 }) },
  // a project's secrets
  { name: 'list project secrets', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/secrets`, expect: all(200, { guest: 404 }) },
  { name: 'create project secret', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/secrets`, body: () => ({ name: `P_${uniq().toUpperCase()}`, value: 'v' }), expect: all(201, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'edit project secret', method: 'PATCH', url: () => `/api/v1/projects/${ids.churn}/secrets/LOCAL`, body: () => ({ value: 'v2' }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'delete project secret', method: 'DELETE', url: async () => `/api/v1/projects/${ids.churn}/secrets/${await freshProjectSecret()}?confirm=true`, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'reveal secret', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/secrets/WS_SECRET/reveal`, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'runtime env', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/runtime/env`, expect: all(200, { viewer: 403, guest: 404 }) },
  // imports
  { name: 'list imports', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/imports`, expect: all(200, { guest: 404 }) },
  { name: 'importable assets', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/importable`, expect: all(200, { viewer: 403, guest: 404 }) },
  { name: 'import an asset', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/imports`, body: () => ({ assetId: ids.wsConn }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'remove an import', method: 'DELETE', url: async () => `/api/v1/projects/${ids.churn}/imports/${await freshImport()}`, expect: all(204, { viewer: 403, guest: 404, readonly: 403 }) },
  // workspace data connections
  { name: 'list connections', method: 'GET', url: () => `${ws}/data-connections`, expect: all(200) },
  { name: 'create connection', method: 'POST', url: () => `${ws}/data-connections`, body: () => ({ name: `c ${uniq()}`, type: 'duckdb', config: { path: ':memory:' } }), expect: adminOnly(201) },
  { name: 'test unsaved connection', method: 'POST', url: () => `${ws}/data-connections/test`, body: () => ({ type: 'duckdb', config: { path: ':memory:' } }), expect: adminOnly(200) },
  { name: 'get connection', method: 'GET', url: () => `${ws}/data-connections/${ids.wsConn}`, expect: all(200, { guest: 404 }) },
  { name: 'edit connection', method: 'PATCH', url: () => `${ws}/data-connections/${ids.wsConn}`, body: () => ({ readOnly: false }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'test saved connection', method: 'POST', url: () => `${ws}/data-connections/${ids.wsConn}/test`, expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'connection schema', method: 'GET', url: () => `${ws}/data-connections/${ids.wsConn}/schema`, expect: all(200, { viewer: 403, guest: 404 }) },
  { name: 'connection usage', method: 'GET', url: () => `${ws}/data-connections/${ids.wsConn}/usage`, expect: all(200, { guest: 404 }) },
  { name: 'connection groups', method: 'PUT', url: () => `${ws}/data-connections/${ids.wsConn}/access`, body: () => ({ access: ['workspace'] }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'delete connection', method: 'DELETE', url: async () => `${ws}/data-connections/${await freshConnection()}?confirm=true`, expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'set default connection', method: 'PUT', url: () => `${ws}/default-connection`, body: () => ({ connectionId: ids.wsConn }), expect: adminOnly(200) },
  { name: 'clear default connection', method: 'DELETE', url: () => `${ws}/default-connection`, expect: adminOnly(200) },
  // a project's connections and SQL cells
  { name: 'project connections', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/data-connections`, expect: all(200, { guest: 404 }) },
  { name: 'create project connection', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/data-connections`, body: () => ({ name: `pc ${uniq()}`, type: 'duckdb', config: { path: ':memory:' } }), expect: all(201, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'test project connection settings', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/data-connections/test`, body: () => ({ type: 'duckdb', config: { path: ':memory:' } }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'edit project connection', method: 'PATCH', url: () => `/api/v1/projects/${ids.churn}/data-connections/${ids.projConn}`, body: () => ({ readOnly: false }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'test project connection', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/data-connections/${ids.projConn}/test`, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'delete project connection', method: 'DELETE', url: async () => `/api/v1/projects/${ids.churn}/data-connections/${await freshProjectConnection()}?confirm=true`, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'project connection schema', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/data-connections/${ids.wsConn}/schema`, expect: all(200, { viewer: 403, guest: 404 }) },
  { name: 'run a query', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/queries`, body: () => ({ sql: 'select 1', connectionId: ids.wsConn }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'cancel a query (none running)', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/queries/qry_none/cancel`, expect: all(404, { viewer: 403, readonly: 403, anon: 401 }) },
  { name: 'stored results', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/queries`, expect: all(200, { guest: 404 }) },
  { name: 'a stored result', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/queries/${ids.queryId}`, expect: all(200, { guest: 404 }) },
];

async function freshSecret(): Promise<string> {
  const s = t.atrium.services;
  return (await s.secrets.create({ workspaceId: t.demoWorkspaceId, projectId: null, createdBy: t.users.admin, name: `F_${uniq().toUpperCase()}`, value: 'v' }, systemContext('test'))).id;
}
async function freshProjectSecret(): Promise<string> {
  const s = t.atrium.services;
  const name = `L_${uniq().toUpperCase()}`;
  await s.secrets.create({ workspaceId: t.demoWorkspaceId, projectId: ids.churn, createdBy: t.users.admin, name, value: 'v' }, systemContext('test'));
  return name;
}
async function freshConnection(): Promise<string> {
  return (await t.atrium.services.connections.create({ workspaceId: t.demoWorkspaceId, projectId: null, createdBy: t.users.admin, name: `f ${uniq()}`, type: 'duckdb', config: { path: ':memory:' } }, systemContext('test'))).id;
}
async function freshProjectConnection(): Promise<string> {
  return (await t.atrium.services.connections.create({ workspaceId: t.demoWorkspaceId, projectId: ids.churn, createdBy: t.users.admin, name: `fp ${uniq()}`, type: 'duckdb', config: { path: ':memory:' } }, systemContext('test'))).id;
}
async function freshImport(): Promise<string> {
  const s = t.atrium.services;
  const id = await freshConnection();
  await s.assets.importInto(await s.projects.get(ids.churn), id, t.users.admin, { confirm: true, dryRun: false }, systemContext('test'));
  return id;
}

describe('authorization of every route, per caller', () => {
  for (const row of rows) {
    it.each(ACTORS)(`${row.method} ${row.name} as %s`, async (actor) => {
      const url = await row.url(actor);
      const res = await c[actor].request(row.method, url, row.body?.(actor));
      expect(res.statusCode, `${actor}: ${res.body}`).toBe(row.expect[actor]);
      if (res.statusCode >= 400) {
        const code = res.json().error.code;
        const expected = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' }[res.statusCode];
        expect(code).toBe(expected);
      }
    });
  }

  it('every route of the OpenAPI document is covered by the table', async () => {
    const doc = (await t.anonymous.get('/api/v1/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const norm = (u: string) =>
      u
        .split('?')[0]!
        .replace(/^\/api\/v1/, '')
        .replace(/\/workspaces\/demo/, '/workspaces/{ws}')
        .replace(/\/projects\/[^/]+/, '/projects/{projectId}')
        .replace(/\/members\/usr_[^/]+$/, '/members/{userId}')
        .replace(/\/groups\/grp_[^/]+/, '/groups/{groupId}')
        .replace(/\/grants\/[^/]+/, '/grants/{subject}')
        .replace(/\/(secrets|data-connections)\/ast_[^/]+/, '/$1/{id}')
        .replace(/\/projects\/\{projectId\}\/secrets\/(?!\{)[A-Z_0-9]+/, '/projects/{projectId}/secrets/{name}')
        .replace(/\/imports\/ast_[^/]+/, '/imports/{assetId}')
        .replace(/\/queries\/qry_[^/]+/, '/queries/{queryId}');
    const covered = new Set<string>();
    for (const row of rows) covered.add(`${row.method} ${norm(await row.url('admin'))}`);
    covered.add('POST /auth/login').add('POST /auth/logout').add('DELETE /me/tokens/{tokenId}'); // covered in api-auth.test.ts
    const missing = documented.map((d) => d.replace(' /api/v1', ' ')).map((d) => d.replace(/:(\w+)/g, '{$1}')).filter((d) => !covered.has(d.replace('  ', ' ')));
    expect(missing, JSON.stringify(missing)).toEqual([]);
    expect(documented.length).toBeGreaterThan(25);
  });
});

describe('asset access changes what a guest can do (rule 4, reference scenario 3)', () => {
  it('the guest is downgraded until "Workspace guests" can use the connection', async () => {
    const s = t.atrium.services;
    expect(s.authz.index.level(t.users.guest, ids.interview)).toBe(Level.can_view);
    const access = await c.guest.get(`/api/v1/projects/${ids.interview}/access`);
    expect(access.json()).toMatchObject({ level: 'can_view', granted: 'can_edit', downgradedBy: [ids.finance] });
    const admin = c.admin;
    const r = await admin.put(`/api/v1/workspaces/demo/data-connections/${ids.finance}/access`, { access: [ids.dataTeam, 'workspace-guests'] });
    expect(r.statusCode).toBe(200);
    const res = await c.guest.patch(`/api/v1/projects/${ids.interview}`, { description: 'now editable' });
    expect(res.statusCode).toBe(200);
    expect(res.json().allowedActions).toContain('edit');
  });
});
