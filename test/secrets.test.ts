/**
 * Secrets end to end, per role and access: plan gating, write-only values, versions and
 * check-and-set, import and rule 7, reveal and runtime env (audited), delete with cascade —
 * and a leak scan: the value appears nowhere but in reveal and runtime-env responses.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type TestApp, startTestApp } from './helpers/test-app.js';

const run = promisify(execFile);
const VALUE = 'sk-live-Zq8v3LEAKCANARY-7f1e';
const VALUE2 = 'sk-live-SECONDCANARY-99';
let t: TestApp;
const c = {} as Record<'admin' | 'editor' | 'viewer' | 'guest', Client>;
const responses: { url: string; body: string }[] = [];
const ws = '/api/v1/workspaces/demo';
let dataTeam: string;
let revenue: string; // editor full_access, Data Team can_edit, workspace can_view
let interview: string; // admin full_access, guest can_edit

function recording(client: Client): Client {
  const wrap = (fn: (...a: any[]) => Promise<LightMyRequestResponse>) => async (...a: any[]) => {
    const r = await fn(...a);
    responses.push({ url: `${a[0]} ${a[1] ?? ''}`, body: r.body });
    return r;
  };
  return { ...client, request: wrap(client.request), get: wrap(client.get), post: wrap(client.post), put: wrap(client.put), patch: wrap(client.patch), del: wrap(client.del) };
}

beforeAll(async () => {
  t = await startTestApp();
  for (const r of ['admin', 'editor', 'viewer', 'guest'] as const) c[r] = recording(await t.login(`${r}@demo.local`));
  const db = t.atrium.services.store.db;
  dataTeam = (await db.selectFrom('groups').select('id').where('name', '=', 'Data Team').executeTakeFirstOrThrow()).id;
  revenue = (await db.selectFrom('projects').select('id').where('name', '=', 'Revenue dashboard').executeTakeFirstOrThrow()).id;
  interview = (await db.selectFrom('projects').select('id').where('name', '=', 'Interview exercise').executeTakeFirstOrThrow()).id;
});
afterAll(async () => t?.close());

let apiKey: string; // workspace secret, shared with the workspace
let restricted: string; // shared only with Data Team

describe('workspace secrets', () => {
  it('needs the Professional plan, naming it', async () => {
    await c.admin.patch(ws, { plan: 'community' });
    const r = await c.admin.post(`${ws}/secrets`, { name: 'API_KEY', value: VALUE });
    expect(r.statusCode).toBe(402);
    expect(r.json().error).toMatchObject({ code: 'plan_required', details: { requiredPlan: 'professional' } });
    await c.admin.patch(ws, { plan: 'professional' });
  });

  it('only admins create them; the value is write-only', async () => {
    expect((await c.editor.post(`${ws}/secrets`, { name: 'API_KEY', value: VALUE })).statusCode).toBe(403);
    const r = await c.admin.post(`${ws}/secrets`, { name: 'API_KEY', description: 'Payments API', value: VALUE });
    expect(r.statusCode).toBe(201);
    apiKey = r.json().id;
    expect(r.json()).toMatchObject({ name: 'API_KEY', access: ['workspace'], currentVersion: 1, hasValue: true, usageCount: 0 });
    expect(r.json().allowedActions).toEqual(expect.arrayContaining(['see', 'use', 'manage']));
    const r2 = await c.admin.post(`${ws}/secrets`, { name: 'FINANCE_TOKEN', value: VALUE2, access: [dataTeam] });
    restricted = r2.json().id;
  });

  it('refuses bad names and duplicates', async () => {
    for (const name of ['api_key', '1KEY', 'MY-KEY', 'A B']) {
      const r = await c.admin.post(`${ws}/secrets`, { name, value: 'x' });
      expect(r.statusCode, name).toBe(400);
    }
    const dup = await c.admin.post(`${ws}/secrets`, { name: 'API_KEY', value: 'x' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('already_exists');
  });

  it('is listed to members with access (rule 2), never with its value', async () => {
    // (The demo workspace has a secret of its own, DEMO_API_TOKEN, left out here.)
    const names = async (cl: Client) => ((await cl.get(`${ws}/secrets`)).json().secrets as { name: string }[]).map((s) => s.name).filter((n) => !n.startsWith('DEMO_')).sort();
    expect(await names(c.admin)).toEqual(['API_KEY', 'FINANCE_TOKEN']);
    expect(await names(c.editor)).toEqual(['API_KEY', 'FINANCE_TOKEN']); // editor is in Data Team
    expect(await names(c.viewer)).toEqual(['API_KEY']);
    expect(await names(c.guest)).toEqual([]);
    expect((await c.viewer.get(`${ws}/secrets/${restricted}`)).statusCode).toBe(404);
    expect((await c.guest.get(`${ws}/secrets/${apiKey}`)).statusCode).toBe(404);
  });

  it('keeps versions, with check-and-set and rollback', async () => {
    const stale = await c.admin.patch(`${ws}/secrets/${apiKey}`, { value: 'v2-value', expectedVersion: 5 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'version_conflict', details: { currentVersion: 1 } });
    const v2 = await c.admin.patch(`${ws}/secrets/${apiKey}`, { value: 'v2-value', expectedVersion: 1 });
    expect(v2.json().currentVersion).toBe(2);
    const back = await c.admin.post(`${ws}/secrets/${apiKey}/rollback`, { version: 1 });
    expect(back.json().currentVersion).toBe(3);
    const versions = (await c.admin.get(`${ws}/secrets/${apiKey}/versions`)).json().versions;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect((await c.editor.get(`${ws}/secrets/${apiKey}/versions`)).statusCode).toBe(403);
  });

  it('prunes versions beyond ten', async () => {
    const r = await c.admin.post(`${ws}/secrets`, { name: 'ROTATING', value: 'r1' });
    const id = r.json().id;
    for (let i = 2; i <= 12; i++) await c.admin.patch(`${ws}/secrets/${id}`, { value: `r${i}` });
    const versions = (await c.admin.get(`${ws}/secrets/${id}/versions`)).json().versions as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect((await c.admin.post(`${ws}/secrets/${id}/rollback`, { version: 1 })).statusCode).toBe(404);
    await c.admin.del(`${ws}/secrets/${id}?confirm=true`);
  });
});

describe('secrets in projects', () => {
  it('editors import what they may use; a non-member of the group cannot (rule 5)', async () => {
    const r = await c.editor.post(`/api/v1/projects/${revenue}/imports`, { assetId: apiKey });
    expect(r.statusCode).toBe(201);
    // The guest cannot even see the restricted secret: it does not exist for them.
    const g = await c.guest.post(`/api/v1/projects/${interview}/imports`, { assetId: restricted });
    expect(g.statusCode).toBe(404);
    const importable = (await c.editor.get(`/api/v1/projects/${revenue}/importable`)).json().assets.map((a: { name: string }) => a.name);
    expect(importable).toContain('FINANCE_TOKEN');
    expect(importable).not.toContain('API_KEY');
  });

  it('importing a secret that current editors lack is refused unless confirmed (rule 7)', async () => {
    // Revenue: Data Team can_edit; add the viewer-role user? No: add a new editor outside Data Team.
    const m = { userId: await t.invite('outsider-editor@demo.local', 'editor') };
    await c.editor.put(`/api/v1/projects/${revenue}/grants/user:${m.userId}`, { level: 'can_edit' });
    const refused = await c.editor.post(`/api/v1/projects/${revenue}/imports`, { assetId: restricted });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('asset_access_required');
    expect(refused.json().error.details.impact).toEqual([{ userId: m.userId, projectId: revenue, from: 'can_edit', to: 'can_view' }]);
    const preview = await c.editor.post(`/api/v1/projects/${revenue}/imports`, { assetId: restricted, dryRun: true });
    expect(preview.json()).toMatchObject({ applied: false, impact: [{ userId: m.userId }] });
    const ok = await c.editor.post(`/api/v1/projects/${revenue}/imports`, { assetId: restricted, confirm: true });
    expect(ok.statusCode).toBe(201);
    const access = t.atrium.services.authz.index.effectiveLevel(m.userId, revenue);
    expect(access.downgradedBy).toEqual([restricted]);
    // Granting can_edit to another non-member now warns too.
    const v = await c.editor.put(`/api/v1/projects/${revenue}/grants/user:${t.users.viewer}`, { level: 'can_edit' });
    expect(v.statusCode).toBe(200); // a viewer is capped at can_view by role: not a downgrade by assets
  });

  it('reveals to can_edit users with access, audited without the value', async () => {
    const r = await c.editor.post(`/api/v1/projects/${revenue}/secrets/API_KEY/reveal`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ name: 'API_KEY', value: VALUE, version: 3 });
    const viewer = await c.viewer.post(`/api/v1/projects/${revenue}/secrets/API_KEY/reveal`);
    expect(viewer.statusCode).toBe(403);
    const guest = await c.guest.post(`/api/v1/projects/${revenue}/secrets/API_KEY/reveal`);
    expect(guest.statusCode).toBe(404);
    const anon = await t.anonymous.post(`/api/v1/projects/${revenue}/secrets/API_KEY/reveal`);
    expect(anon.statusCode).toBe(401);
    const events = (await c.admin.get(`${ws}/audit-events?action=secret.reveal`)).json().events;
    expect(events[0]).toMatchObject({ actorId: t.users.editor, targetId: apiKey, details: { name: 'API_KEY', projectId: revenue, valueVersion: 3 } });
    const secret = (await c.admin.get(`${ws}/secrets/${apiKey}`)).json();
    expect(secret.lastUsedProjectId).toBe(revenue);
    expect(secret.usageCount).toBe(1);
  });

  it('project secrets: editors create them; they live only in their project', async () => {
    const r = await c.editor.post(`/api/v1/projects/${revenue}/secrets`, { name: 'LOCAL_ONLY', value: 'local-value-1' });
    expect(r.statusCode).toBe(201);
    expect(r.json().scope).toBe('project');
    expect((await c.viewer.post(`/api/v1/projects/${revenue}/secrets`, { name: 'NOPE', value: 'x' })).statusCode).toBe(403);
    const wsList = (await c.admin.get(`${ws}/secrets`)).json().secrets.map((s: { name: string }) => s.name);
    expect(wsList).not.toContain('LOCAL_ONLY');
    const inProject = (await c.viewer.get(`/api/v1/projects/${revenue}/secrets`)).json().secrets;
    // The viewer is not in Data Team: the project uses FINANCE_TOKEN, but its name is hidden from them (rule 2).
    expect(inProject.map((s: { name: string | null }) => s.name)).toEqual(['API_KEY', null, 'LOCAL_ONLY']);
    expect(inProject.every((s: { canReveal: boolean }) => !s.canReveal)).toBe(true);
    const upd = await c.editor.patch(`/api/v1/projects/${revenue}/secrets/LOCAL_ONLY`, { value: 'local-value-2' });
    expect(upd.json().currentVersion).toBe(2);
    expect((await c.editor.patch(`/api/v1/projects/${revenue}/secrets/API_KEY`, { value: 'x' })).statusCode).toBe(403);
  });

  it('runtime env gives every secret of the project, to editors with access to all', async () => {
    const r = await c.editor.get(`/api/v1/projects/${revenue}/runtime/env`);
    expect(r.statusCode).toBe(200);
    expect(r.json().env).toEqual({ API_KEY: VALUE, FINANCE_TOKEN: VALUE2, LOCAL_ONLY: 'local-value-2' });
    expect((await c.viewer.get(`/api/v1/projects/${revenue}/runtime/env`)).statusCode).toBe(403);
  });

  it('atrium run injects them into a process (with a token that may write: a reveal is not a read)', async () => {
    const tok = (await c.editor.post('/api/v1/me/tokens', { name: 'run', scopes: ['read', 'write'] })).json().token;
    await t.atrium.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.atrium.app.server.address() as { port: number };
    const out = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--project', revenue, '--url', `http://127.0.0.1:${addr.port}`, '--', process.execPath, '-e', 'process.stdout.write(process.env.API_KEY === process.argv[1] ? "match" : "nomatch")', VALUE], { env: { ...process.env, ATRIUM_TOKEN: tok } });
    expect(out.stdout).toBe('match');
  });

  it('delete previews its usage, needs confirmation, and cascades', async () => {
    const preview = await c.admin.del(`${ws}/secrets/${apiKey}`);
    expect(preview.statusCode).toBe(409);
    expect(preview.json().error).toMatchObject({ code: 'confirmation_required', details: { usage: { count: 1 } } });
    const done = await c.admin.del(`${ws}/secrets/${apiKey}?confirm=true`);
    expect(done.statusCode).toBe(200);
    const names = (await c.editor.get(`/api/v1/projects/${revenue}/secrets`)).json().secrets.map((s: { name: string }) => s.name);
    expect(names).not.toContain('API_KEY');
    const ev = (await c.admin.get(`${ws}/audit-events?action=secret.delete`)).json().events[0];
    expect(ev.details).toMatchObject({ name: 'API_KEY', removedFromProjects: [revenue] });
    expect((await t.atrium.services.store.db.selectFrom('secret_versions').selectAll().where('asset_id', '=', apiKey).execute())).toEqual([]);
  });
});

describe('leak scan', () => {
  it('the values occur only in reveal and runtime-env responses', () => {
    for (const r of responses) {
      const allowed = /\/reveal|\/runtime\/env/.test(r.url);
      if (!allowed) {
        expect(r.body, r.url).not.toContain(VALUE);
        expect(r.body, r.url).not.toContain(VALUE2);
      }
    }
    expect(responses.some((r) => r.body.includes(VALUE))).toBe(true); // the scan can see a leak
  });

  it('never in the logs or the audit log', async () => {
    const logs = t.logs.join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    for (const v of [VALUE, VALUE2, 'local-value-2']) expect(logs).not.toContain(v);
    const audit = JSON.stringify(await t.atrium.services.store.db.selectFrom('audit_events').selectAll().execute());
    for (const v of [VALUE, VALUE2, 'local-value-2']) expect(audit).not.toContain(v);
  });

  it('never in the database in plaintext', async () => {
    const s = t.atrium.services.store;
    if (s.dialect === 'sqlite') {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(s.db);
      const files = fs.readdirSync(t.db.dataDir).filter((f) => f.startsWith('atrium.db'));
      const bytes = Buffer.concat(files.map((f) => fs.readFileSync(path.join(t.db.dataDir, f))));
      expect(bytes.length).toBeGreaterThan(10_000);
      for (const v of [VALUE, VALUE2, 'local-value-2']) expect(bytes.includes(Buffer.from(v))).toBe(false);
      expect(bytes.includes(Buffer.from('FINANCE_TOKEN'))).toBe(true); // names are stored: the scan reads real data
    } else {
      const tables = ['secrets', 'secret_versions', 'assets', 'audit_events', 'data_keys'] as const;
      for (const tb of tables) {
        const dump = JSON.stringify(await s.db.selectFrom(tb).selectAll().execute());
        for (const v of [VALUE, VALUE2, 'local-value-2']) expect(dump, tb).not.toContain(v);
      }
    }
  });
});
