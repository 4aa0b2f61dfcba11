/**
 * Data connections and SQL cells on real databases (issue 4): PostgreSQL and MariaDB started by
 * `npm test`, SQLite and DuckDB files. Connect, browse, query, stream, time out, cancel, fail
 * cleanly; sharing, default, usage, delete with cascade; authorization per role.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type TestApp, startTestApp } from './helpers/test-app.js';
import { mysqlTarget, type PgTarget, pgActivity, pgTarget } from './helpers/test-sql.js';

let t: TestApp;
let pgt: PgTarget;
const c = {} as Record<'admin' | 'editor' | 'viewer' | 'guest', Client>;
const ws = '/api/v1/workspaces/demo';
let revenue: string; // editor full, Data Team can_edit, workspace can_view
let kpis: string; // editor full, web can_view
let dataTeam: string;
let pgConn: string;

type Ev = { type: string; [k: string]: any };
function ndjson(body: string): Ev[] {
  return body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Ev);
}
/** Runs a SQL cell; an error may come as an HTTP error or as an `error` event: both are clean. */
async function runQuery(cl: Client, project: string, body: Record<string, unknown>) {
  const r = await cl.post(`/api/v1/projects/${project}/queries`, body);
  if (r.statusCode !== 200) return { status: r.statusCode, events: [] as Ev[], error: r.json().error as Ev, rows: [] as unknown[][] };
  const events = ndjson(r.body);
  const err = events.find((e) => e.type === 'error');
  return { status: 200, events, error: err?.error as Ev | undefined, rows: events.filter((e) => e.type === 'rows').flatMap((e) => e.rows as unknown[][]) };
}

beforeAll(async () => {
  t = await startTestApp();
  pgt = await pgTarget();
  for (const r of ['admin', 'editor', 'viewer', 'guest'] as const) c[r] = await t.login(`${r}@demo.local`);
  const db = t.atrium.services.store.db;
  revenue = (await db.selectFrom('projects').select('id').where('name', '=', 'Revenue dashboard').executeTakeFirstOrThrow()).id;
  kpis = (await db.selectFrom('projects').select('id').where('name', '=', 'Public KPIs').executeTakeFirstOrThrow()).id;
  dataTeam = (await db.selectFrom('groups').select('id').where('name', '=', 'Data Team').executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await t?.close();
  await pgt?.drop();
});

const pgConfig = () => ({ host: pgt.host, port: pgt.port, database: pgt.database, user: pgt.user, sslMode: 'disable' });

describe('PostgreSQL connection', () => {
  it('tests settings before saving, with clear errors', async () => {
    const ok = await c.admin.post(`${ws}/data-connections/test`, { type: 'postgres', config: pgConfig(), password: pgt.password });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/PostgreSQL|15/) });
    const cases: [Record<string, unknown>, string | undefined, number, string][] = [
      [pgConfig(), 'wrong-password', 422, 'auth_failed'],
      [{ ...pgConfig(), database: 'no_such_db' }, pgt.password, 422, 'database_not_found'],
      [{ ...pgConfig(), port: 1 }, pgt.password, 502, 'host_unreachable'],
      [{ ...pgConfig(), host: '169.254.169.254' }, pgt.password, 422, 'ssrf_blocked'],
      [{ ...pgConfig(), sslMode: 'require' }, pgt.password, 502, 'tls_failed'],
      [{ host: 'x' }, undefined, 400, 'config_invalid'],
    ];
    for (const [config, password, status, code] of cases) {
      const r = await c.admin.post(`${ws}/data-connections/test`, { type: 'postgres', config, ...(password ? { password } : {}) });
      expect(r.statusCode, `${code}: ${r.body}`).toBe(status);
      expect(r.json().error.code).toBe(code);
      expect(r.body).not.toContain(pgt.password);
    }
  });

  it('is created by admins only, on Professional or higher, and never returns the password', async () => {
    const body = { name: 'Warehouse', type: 'postgres', config: pgConfig(), password: pgt.password };
    expect((await c.editor.post(`${ws}/data-connections`, body)).statusCode).toBe(403);
    await c.admin.patch(ws, { plan: 'community' });
    const gated = await c.admin.post(`${ws}/data-connections`, body);
    expect(gated.json().error).toMatchObject({ code: 'plan_required', details: { requiredPlan: 'professional' } });
    await c.admin.patch(ws, { plan: 'enterprise' });
    const r = await c.admin.post(`${ws}/data-connections`, body);
    expect(r.statusCode).toBe(201);
    pgConn = r.json().id;
    expect(r.json()).toMatchObject({ name: 'Warehouse', type: 'postgres', hasPassword: true, access: ['workspace'], isDefault: false, usageCount: 0, version: 1 });
    expect(r.body).not.toContain(pgt.password);
    const saved = await c.admin.post(`${ws}/data-connections/${pgConn}/test`);
    expect(saved.json().ok).toBe(true);
  });

  it('edits with optimistic concurrency', async () => {
    const stale = await c.admin.patch(`${ws}/data-connections/${pgConn}`, { readOnly: true, expectedVersion: 99 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('version_conflict');
    const ok = await c.admin.patch(`${ws}/data-connections/${pgConn}`, { readOnly: true, expectedVersion: 1 });
    expect(ok.json()).toMatchObject({ readOnly: true, version: 2, hasPassword: true });
    const again = await c.admin.patch(`${ws}/data-connections/${pgConn}`, { readOnly: false, expectedVersion: 1 });
    expect(again.statusCode).toBe(409);
  });

  it('is set as default; SQL cells that name no connection use it (rule 9)', async () => {
    expect((await c.editor.put(`${ws}/default-connection`, { connectionId: pgConn })).statusCode).toBe(403);
    expect((await c.admin.put(`${ws}/default-connection`, { connectionId: pgConn })).statusCode).toBe(200);
    const list = (await c.viewer.get(`${ws}/data-connections`)).json();
    expect(list.defaultConnectionId).toBe(pgConn);
    expect(list.dataConnections.find((d: { id: string }) => d.id === pgConn)).toMatchObject({ isDefault: true });
    expect(list.dataConnections.filter((d: { isDefault: boolean }) => d.isDefault)).toHaveLength(1);
    // Nothing imported yet: the default alone lets an editor with access run SQL cells.
    expect((await c.editor.get(`/api/v1/projects/${revenue}`)).json().allowedActions).toContain('run_query');
    expect((await c.viewer.get(`/api/v1/projects/${revenue}`)).json().allowedActions).not.toContain('run_query');
    const q = await runQuery(c.editor, revenue, { sql: 'select count(*)::int as n from sales' });
    expect(q.status).toBe(200);
    expect(q.rows).toEqual([[100]]);
  });

  it('runs a SQL cell: columns first, rows streamed, end; the result is stored for viewers (rule 6)', async () => {
    await c.editor.post(`/api/v1/projects/${revenue}/imports`, { assetId: pgConn });
    const q = await runQuery(c.editor, revenue, { connectionId: pgConn, sql: 'select region, sum(amount) as total from sales where id <= $1 group by region order by region', params: [8] });
    expect(q.events.map((e) => e.type)).toEqual(['query', 'columns', 'rows', 'end']);
    expect(q.events[1]!.columns).toEqual([{ name: 'region', type: 'text' }, { name: 'total', type: 'numeric' }]);
    // ids 1–8: region = [north, south, east, west][g % 4], amount = 1.5·g
    expect(q.rows).toEqual([['east', '12.00'], ['north', '18.00'], ['south', '9.00'], ['west', '15.00']]);
    const queryId = q.events[0]!.queryId;
    const stored = await c.viewer.get(`/api/v1/projects/${revenue}/queries/${queryId}`);
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({ status: 'succeeded', rowCount: 4, rows: q.rows, connectionName: 'Warehouse' });
    expect((await c.viewer.get(`/api/v1/projects/${revenue}/queries`)).json().queries[0].id).toBe(queryId);
    // The viewer sees the result but may not run anything.
    const v = await runQuery(c.viewer, revenue, { connectionId: pgConn, sql: 'select 1' });
    expect(v.status).toBe(403);
    const access = (await c.viewer.get(`/api/v1/projects/${revenue}`)).json().allowedActions;
    expect(access).toContain('view_results');
    expect(access).not.toContain('run_query');
  });

  it('stores results for web viewers too, whatever their asset access', async () => {
    const q = await runQuery(c.editor, kpis, { sql: 'select 42 as answer' }); // default connection
    expect(q.rows).toEqual([[42]]);
    const anon = await t.anonymous.get(`/api/v1/projects/${kpis}/queries/${q.events[0]!.queryId}`);
    expect(anon.statusCode).toBe(200);
    expect(anon.json().rows).toEqual([[42]]);
  });

  it('streams a large result without waiting for the end, and stores a capped copy', async () => {
    const q = await runQuery(c.editor, revenue, { connectionId: pgConn, sql: 'select g, md5(g::text) from generate_series(1, 200000) g' });
    const batches = q.events.filter((e) => e.type === 'rows');
    expect(batches.length).toBeGreaterThan(50);
    expect(q.rows.length).toBe(200000);
    const end = q.events.at(-1)!;
    expect(end).toMatchObject({ type: 'end', rowCount: 200000, truncated: false, storedRows: 10000 });
    const stored = (await c.viewer.get(`/api/v1/projects/${revenue}/queries/${end.queryId}`)).json();
    expect(stored).toMatchObject({ rowCount: 200000, storedRows: 10000, truncated: true });
    const capped = await runQuery(c.editor, revenue, { connectionId: pgConn, sql: 'select g from generate_series(1, 5000) g', maxRows: 1234 });
    expect(capped.rows.length).toBe(1234);
    expect(capped.events.at(-1)).toMatchObject({ truncated: true });
  });

  it("returns the database's own error and position for bad SQL, nothing internal", async () => {
    const q = await runQuery(c.editor, revenue, { connectionId: pgConn, sql: 'select * from no_such_table' });
    expect(q.error).toMatchObject({ code: 'query_error', details: { position: 15 } });
    expect(q.error!.message).toMatch(/no_such_table/);
    const stored = (await c.editor.get(`/api/v1/projects/${revenue}/queries`)).json().queries[0];
    expect(stored.status).toBe('failed');
  });

  it('enforces the statement timeout and read-only mode in the database', async () => {
    const slow = await runQuery(c.editor, revenue, { connectionId: pgConn, sql: 'select pg_sleep(5)', timeoutMs: 300 });
    expect(slow.error?.code).toBe('statement_timeout');
    await c.admin.patch(`${ws}/data-connections/${pgConn}`, { readOnly: true });
    const write = await runQuery(c.editor, revenue, { connectionId: pgConn, sql: "insert into sales values (1000, 'x', 1, now())" });
    expect(write.error?.code).toBe('read_only_violation');
    await c.admin.patch(`${ws}/data-connections/${pgConn}`, { readOnly: false });
  });

  it('cancels: explicitly by id, and when the client disconnects — the query stops in the database', async () => {
    const address = await t.atrium.app.listen({ port: 0, host: '127.0.0.1' });
    const headers = { 'content-type': 'application/json', cookie: (c.editor as any).headers?.cookie } as Record<string, string>;
    const login = await fetch(`${address}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'editor@demo.local', password: 'demo-password-123' }) });
    headers.cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    headers['x-csrf-token'] = ((await login.json()) as { csrfToken: string }).csrfToken;

    // 1. explicit cancel
    const res = await fetch(`${address}/api/v1/projects/${revenue}/queries`, { method: 'POST', headers, body: JSON.stringify({ connectionId: pgConn, sql: 'select pg_sleep(30)' }) });
    expect(res.status).toBe(200);
    const queryId = res.headers.get('x-query-id')!;
    await waitFor(async () => (await pgActivity(pgt.database)).some((q) => q.includes('pg_sleep(30)')));
    const cancel = await fetch(`${address}/api/v1/projects/${revenue}/queries/${queryId}/cancel`, { method: 'POST', headers });
    expect(cancel.status).toBe(202);
    const events = ndjson(await res.text());
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'cancelled' } });
    await waitFor(async () => !(await pgActivity(pgt.database)).some((q) => q.includes('pg_sleep(30)')));

    // 2. the client goes away
    const ac = new AbortController();
    const res2 = await fetch(`${address}/api/v1/projects/${revenue}/queries`, { method: 'POST', headers, body: JSON.stringify({ connectionId: pgConn, sql: 'select pg_sleep(31)' }), signal: ac.signal });
    expect(res2.status).toBe(200);
    await waitFor(async () => (await pgActivity(pgt.database)).some((q) => q.includes('pg_sleep(31)')));
    ac.abort();
    await waitFor(async () => !(await pgActivity(pgt.database)).some((q) => q.includes('pg_sleep(31)')));
    await waitFor(async () => t.atrium.services.queries.runningCount() === 0);
  });

  it('browses the schema for users who may use it, cached, with refresh', async () => {
    const r = await c.editor.get(`/api/v1/projects/${revenue}/data-connections/${pgConn}/schema`);
    expect(r.statusCode).toBe(200);
    const pub = r.json().schema.schemas.find((s: { name: string }) => s.name === 'public');
    expect(pub.tables).toEqual([{ name: 'sales', kind: 'table', columns: [{ name: 'id', type: 'integer' }, { name: 'region', type: 'text' }, { name: 'amount', type: 'numeric(10,2)' }, { name: 'sold_at', type: 'timestamp with time zone' }] }]);
    expect(r.json().fromCache).toBe(false);
    expect((await c.editor.get(`/api/v1/projects/${revenue}/data-connections/${pgConn}/schema`)).json().fromCache).toBe(true);
    expect((await c.admin.get(`${ws}/data-connections/${pgConn}/schema?refresh=true`)).json().fromCache).toBe(false);
    expect((await c.viewer.get(`${ws}/data-connections/${pgConn}/schema`)).statusCode).toBe(403);
    expect((await c.guest.get(`${ws}/data-connections/${pgConn}/schema`)).statusCode).toBe(404);
  });
});

describe('sharing a connection with a group (reference scenario 2)', () => {
  let finance: string;
  it('a sensitive connection shared only with Data Team is invisible to others', async () => {
    const r = await c.admin.post(`${ws}/data-connections`, { name: 'Finance warehouse', type: 'postgres', config: pgConfig(), password: pgt.password, access: [dataTeam] });
    expect(r.statusCode).toBe(201);
    finance = r.json().id;
    const names = async (cl: Client) => ((await cl.get(`${ws}/data-connections`)).json().dataConnections as { name: string }[]).map((x) => x.name);
    expect(await names(c.editor)).toContain('Finance warehouse');
    expect(await names(c.viewer)).not.toContain('Finance warehouse');
    expect(await names(c.guest)).toEqual([]);
  });

  it('changing its groups previews downgrades and needs confirmation (rule 7)', async () => {
    await c.editor.post(`/api/v1/projects/${revenue}/imports`, { assetId: finance });
    // Take Data Team off: the editor (Data Team) keeps can_edit via … nothing: they would be downgraded.
    const r = await c.admin.put(`${ws}/data-connections/${finance}/access`, { access: ['workspace-guests'] });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('confirmation_required');
    expect(r.json().error.details.impact).toEqual(expect.arrayContaining([{ userId: t.users.editor, projectId: revenue, from: 'full_access', to: 'can_view' }]));
    const dry = await c.admin.put(`${ws}/data-connections/${finance}/access`, { access: ['workspace-guests'], dryRun: true });
    expect(dry.json().applied).toBe(false);
    expect((await c.admin.put(`${ws}/data-connections/${finance}/access`, { access: [dataTeam, 'workspace'] })).json()).toMatchObject({ applied: true, impact: [] });
  });

  it('deleting shows usage, needs confirmation, and removes it from every project and as default', async () => {
    await c.admin.put(`${ws}/default-connection`, { connectionId: finance });
    const preview = await c.admin.del(`${ws}/data-connections/${finance}`);
    expect(preview.statusCode).toBe(409);
    expect(preview.json().error.details).toMatchObject({ isDefault: true, usage: { count: 1, projects: [{ id: revenue, name: 'Revenue dashboard' }] } });
    const usage = await c.viewer.get(`${ws}/data-connections/${finance}/usage`);
    expect(usage.json()).toMatchObject({ count: 1 });
    const del = await c.admin.del(`${ws}/data-connections/${finance}?confirm=true`);
    expect(del.statusCode).toBe(200);
    const imports = (await c.editor.get(`/api/v1/projects/${revenue}/imports`)).json().imports.map((i: { id: string }) => i.id);
    expect(imports).not.toContain(finance);
    expect((await c.admin.get(`${ws}/data-connections`)).json().defaultConnectionId).toBeNull();
    const ev = (await c.admin.get(`${ws}/audit-events?action=data_connection.delete`)).json().events[0];
    expect(ev.details).toMatchObject({ name: 'Finance warehouse', removedFromProjects: [revenue], wasDefault: true });
    const noDefault = await runQuery(c.editor, revenue, { sql: 'select 1' });
    expect(noDefault.error?.code).toBe('no_default_connection');
  });
});

describe('MariaDB, SQLite and DuckDB', () => {
  it('MariaDB: connects, browses, queries, times out, and fails cleanly on a wrong password', async () => {
    const m = mysqlTarget();
    const config = { host: m.host, port: m.port, database: m.database, user: m.user, sslMode: 'disable' };
    const bad = await c.admin.post(`${ws}/data-connections/test`, { type: 'mysql', config, password: 'nope-nope' });
    expect(bad.json().error.code).toBe('auth_failed');
    expect(bad.body).not.toContain('nope-nope');
    const r = await c.editor.post(`/api/v1/projects/${revenue}/data-connections`, { name: 'Maria', type: 'mysql', config, password: m.password });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ scope: 'project', projectId: revenue });
    const id = r.json().id;
    expect((await c.editor.post(`/api/v1/projects/${revenue}/data-connections/${id}/test`)).json().ok).toBe(true);
    const q = await runQuery(c.editor, revenue, { connectionId: id, sql: 'select ? + 1 as n, version() like ? as maria', params: [41, '%MariaDB%'] });
    expect(q.rows).toEqual([[42, 1]]);
    const big = await runQuery(c.editor, revenue, { connectionId: id, sql: 'select seq from seq_1_to_100000' });
    expect(big.rows.length).toBe(100000);
    const slow = await runQuery(c.editor, revenue, { connectionId: id, sql: 'select sleep(5)', timeoutMs: 300 });
    expect(slow.error?.code).toBe('statement_timeout');
    const schema = await c.editor.get(`/api/v1/projects/${revenue}/data-connections/${id}/schema`);
    expect(schema.statusCode).toBe(200);
    // Project connections do not appear among the workspace's.
    expect((await c.admin.get(`${ws}/data-connections`)).json().dataConnections.map((d: { name: string }) => d.name)).not.toContain('Maria');
  });

  it('SQLite: a project connection gets a database of its own (new, or uploaded), never a file on the server', async () => {
    const filesDir = path.join(t.db.dataDir, 'files');
    fs.mkdirSync(filesDir, { recursive: true });
    const file = path.join(filesDir, 'shop.db');
    const d = new Database(file);
    d.exec("create table items(id integer primary key, name text); insert into items(name) values ('a'),('b'),('c');");
    d.close();
    // Naming a file is refused, whatever the file: Atrium's own, outside, or one in the files directory.
    for (const p of [path.join(t.db.dataDir, 'atrium.db'), '/etc/passwd', file]) {
      const r = await c.editor.post(`/api/v1/projects/${revenue}/data-connections`, { name: 'Named', type: 'sqlite', config: { path: p } });
      expect(r.statusCode, p).toBe(403);
      expect(r.json().error.code).toBe('file_not_allowed');
    }
    // No path: a new, empty database in the connection's own directory (o+x for the sandbox's uid).
    const r = await c.editor.post(`/api/v1/projects/${revenue}/data-connections`, { name: 'Shop', type: 'sqlite', config: {} });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id as string;
    expect(r.json().config).toEqual({});
    const ownDir = path.join(filesDir, 'connections', id);
    expect(fs.statSync(ownDir).mode & 0o777).toBe(0o755);
    expect((await runQuery(c.editor, revenue, { connectionId: id, sql: "select count(*) from sqlite_master where type = 'table'" })).rows).toEqual([[0]]);
    expect((await runQuery(c.editor, revenue, { connectionId: id, sql: 'create table notes(t text)' })).error).toBeUndefined();

    // Upload: checked by its header, then it replaces the own database.
    const put = (body: Buffer) => c.editor.request('PUT', `/api/v1/projects/${revenue}/data-connections/${id}/file`, body, { 'content-type': 'application/octet-stream' });
    const notDb = await put(Buffer.from('name,age\nada,36\n'));
    expect(notDb.statusCode, notDb.body).toBe(400);
    expect(notDb.json().error.message).toMatch(/not a SQLite database/);
    const duckHeader = Buffer.alloc(64);
    duckHeader.write('DUCK', 8, 'latin1');
    expect((await put(duckHeader)).statusCode).toBe(400);
    const up = await put(fs.readFileSync(file));
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json().version).toBe(r.json().version + 1);
    const q = await runQuery(c.editor, revenue, { connectionId: id, sql: 'select name from items where id > ? order by id', params: [1] });
    expect(q.rows).toEqual([['b'], ['c']]);
    expect(fs.readdirSync(ownDir).filter((f) => f.startsWith('.'))).toEqual([]);
    const schema = (await c.editor.get(`/api/v1/projects/${revenue}/data-connections/${id}/schema?refresh=true`)).json();
    expect(JSON.stringify(schema)).toContain('items');
    // Only a connection of its own takes an upload; a viewer may not upload.
    const duck = await c.editor.post(`/api/v1/projects/${revenue}/data-connections`, { name: 'Mem duck', type: 'duckdb', config: { path: ':memory:' } });
    expect((await c.editor.request('PUT', `/api/v1/projects/${revenue}/data-connections/${duck.json().id}/file`, fs.readFileSync(file), { 'content-type': 'application/octet-stream' })).statusCode).toBe(400);
    expect((await c.viewer.request('PUT', `/api/v1/projects/${revenue}/data-connections/${id}/file`, fs.readFileSync(file), { 'content-type': 'application/octet-stream' })).statusCode).toBe(403);

    const bad = await runQuery(c.editor, revenue, { connectionId: id, sql: 'selec 1' });
    expect(bad.error?.code).toBe('query_error');
    // No reaching other files from a cell: not Atrium's own database, not anywhere else.
    for (const sql of [`ATTACH '${path.join(t.db.dataDir, 'atrium.db')}' AS a`, `/* hi */ attach database '/tmp/x.db' as x`, `VACUUM INTO '/tmp/copy.db'`]) {
      const q2 = await runQuery(c.editor, revenue, { connectionId: id, sql });
      expect(q2.error?.code, sql).toBe('query_error');
      expect(q2.error?.message).toMatch(/not allowed/);
    }
    // Read-only: opened read-only and bound read-only in the sandbox — a write fails in the engine.
    expect((await c.editor.patch(`/api/v1/projects/${revenue}/data-connections/${id}`, { readOnly: true })).statusCode).toBe(200);
    const write = await runQuery(c.editor, revenue, { connectionId: id, sql: "insert into items(name) values ('d')" });
    expect(write.error?.code).toBe('read_only_violation');
    expect((await runQuery(c.editor, revenue, { connectionId: id, sql: 'select count(*) from items' })).rows).toEqual([[3]]);
    // Deleting the connection removes its own directory.
    const del = await c.editor.del(`/api/v1/projects/${revenue}/data-connections/${id}?confirm=true`);
    expect(del.statusCode, del.body).toBe(200);
    expect(fs.existsSync(ownDir)).toBe(false);
  });

  it('SQLite/DuckDB: only an admin points a workspace connection at an existing file, plainly spelled, in the files directory', async () => {
    const filesDir = path.join(t.db.dataDir, 'files');
    const file = path.join(filesDir, 'ops.db');
    fs.copyFileSync(path.join(filesDir, 'demo-warehouse.db'), file);
    const cases: [string, number, string][] = [
      [path.join(t.db.dataDir, 'master.key'), 403, 'file_not_allowed'],
      [`${filesDir}/../files/ops.db`, 400, 'validation_failed'],
      [`${filesDir}//ops.db`, 400, 'validation_failed'],
      [path.join(filesDir, 'missing.db'), 400, 'validation_failed'],
    ];
    const own = await c.admin.post(`${ws}/data-connections`, { name: 'Own duck', type: 'duckdb', config: {} });
    expect(own.statusCode, own.body).toBe(201);
    const ownFile = path.join(filesDir, 'connections', own.json().id, 'database.duckdb');
    expect(fs.readFileSync(ownFile).subarray(8, 12).toString('latin1')).toBe('DUCK');
    cases.push([ownFile, 403, 'file_not_allowed']);
    for (const [p, status, code] of cases) {
      const r = await c.admin.post(`${ws}/data-connections`, { name: `x ${p}`, type: 'sqlite', config: { path: p } });
      expect([r.statusCode, r.json().error?.code], p).toEqual([status, code]);
    }
    const ok = await c.admin.post(`${ws}/data-connections`, { name: 'Ops', type: 'sqlite', config: { path: file }, readOnly: true });
    expect(ok.statusCode, ok.body).toBe(201);
    // A new own DuckDB database works; deleting the workspace connection removes its directory.
    expect((await c.admin.post(`${ws}/data-connections/${own.json().id}/test`)).json()).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/DuckDB/) });
    const del = await c.admin.del(`${ws}/data-connections/${own.json().id}?confirm=true`);
    expect(del.statusCode, del.body).toBe(200);
    expect(fs.existsSync(path.dirname(ownFile))).toBe(false);
  });

  it('DuckDB: in memory, sees no file at all — not even one in the files directory (the sandbox binds none)', async () => {
    const csv = path.join(t.db.dataDir, 'files', 'people.csv');
    fs.writeFileSync(csv, 'name,age\nada,36\ngrace,45\n');
    const r = await c.editor.post(`/api/v1/projects/${revenue}/data-connections`, { name: 'Duck', type: 'duckdb', config: { path: ':memory:' } });
    expect(r.statusCode).toBe(201);
    const q = await runQuery(c.editor, revenue, { connectionId: r.json().id, sql: 'select 42 as answer, ' + "'duck' as name" });
    expect(q.rows).toEqual([[42, 'duck']]);
    const cols = q.events.find((e) => e.type === 'columns')!.columns;
    expect(cols).toEqual([{ name: 'answer', type: 'INTEGER' }, { name: 'name', type: 'VARCHAR' }]);
    // Reading a CSV from a :memory: DuckDB is refused, and says why (it sees no file at all).
    const csvRead = await runQuery(c.editor, revenue, { connectionId: r.json().id, sql: `select name, age from read_csv_auto('${csv}')` });
    expect(csvRead.error?.code).toBe('query_error');
    expect(csvRead.error?.message).toMatch(/Permission Error: Cannot access file .* file system operations are disabled/);
    expect(csvRead.rows).toEqual([]);
    for (const sql of [`select name, age from read_csv_auto('${csv}')`, `select * from read_text('${path.join(t.db.dataDir, 'master.key')}')`, "select * from read_text('/etc/passwd')", "copy (select 1) to '/tmp/atrium-duck-out.csv'", "attach '/tmp/atrium-duck.db'", "set enable_external_access = true"]) {
      const q2 = await runQuery(c.editor, revenue, { connectionId: r.json().id, sql });
      expect(q2.error, sql).toBeDefined();
      expect(JSON.stringify(q2)).not.toMatch(/root:x:0|grace/);
    }
    expect(fs.existsSync('/tmp/atrium-duck-out.csv')).toBe(false);
  });
});

async function waitFor(cond: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
