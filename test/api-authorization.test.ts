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
const ids = {} as Record<'churn' | 'interview' | 'kpis' | 'dataTeam' | 'otherProject', string>;
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
  const now = new Date().toISOString();
  await db.insertInto('assets').values({ id: 'ast_finance', workspace_id: t.demoWorkspaceId, project_id: null, kind: 'data_connection', name: 'Finance DB', name_key: 'finance db', scope_key: '', access: JSON.stringify([ids.dataTeam]), version: 1, created_by: null, created_at: now, updated_at: now }).execute();
  await db.insertInto('project_imports').values({ project_id: ids.interview, asset_id: 'ast_finance', created_by: null, created_at: now }).execute();
  await s.authz.rebuild();
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
];

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
        .replace(/\/grants\/[^/]+/, '/grants/{subject}');
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
    expect(access.json()).toMatchObject({ level: 'can_view', granted: 'can_edit', downgradedBy: ['ast_finance'] });
    await s.store.db.updateTable('assets').set({ access: JSON.stringify([ids.dataTeam, 'workspace-guests']) }).where('id', '=', 'ast_finance').execute();
    await s.authz.rebuild();
    const res = await c.guest.patch(`/api/v1/projects/${ids.interview}`, { description: 'now editable' });
    expect(res.statusCode).toBe(200);
    expect(res.json().allowedActions).toContain('edit');
  });
});
