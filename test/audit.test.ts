import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, type Client, type TestApp, startTestApp } from './helpers/test-app.js';

const run = promisify(execFile);
let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.login('admin@demo.local');
});
afterAll(async () => t?.close());

const ws = '/api/v1/workspaces/demo';

async function cli(...args: string[]) {
  const env = { ...process.env, DATA_DIR: t.db.dataDir, DATABASE_URL: t.db.databaseUrl ?? '' };
  try {
    const r = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { env });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

describe('audit log', () => {
  it('records every change with actor, address, user agent and request id', async () => {
    const res = await admin.request('POST', `${ws}/groups`, { name: 'Auditors' }, { 'user-agent': 'audit-test/1.0', 'x-request-id': 'req-audit-1' });
    expect(res.statusCode).toBe(201);
    const list = (await admin.get(`${ws}/audit-events?action=group.create`)).json();
    const e = list.events.find((x: { targetId: string }) => x.targetId === res.json().id);
    expect(e).toMatchObject({ action: 'group.create', actorType: 'user', actorId: t.users.admin, userAgent: 'audit-test/1.0', requestId: 'req-audit-1', targetType: 'group', details: { name: 'Auditors' } });
    expect(e.ip).toBeTruthy();
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes nothing for a change that failed (same transaction)', async () => {
    const before = (await admin.get(`${ws}/audit-events?limit=500`)).json().events.length;
    const dup = await admin.post(`${ws}/groups`, { name: 'auditors' });
    expect(dup.statusCode).toBe(409);
    const after = (await admin.get(`${ws}/audit-events?limit=500`)).json().events.length;
    expect(after).toBe(before);
  });

  it('paginates newest first with a cursor, and filters', async () => {
    const page1 = (await admin.get(`${ws}/audit-events?limit=3`)).json();
    expect(page1.events).toHaveLength(3);
    expect(page1.events[0].seq).toBeGreaterThan(page1.events[2].seq);
    const page2 = (await admin.get(`${ws}/audit-events?limit=3&cursor=${page1.nextCursor}`)).json();
    expect(page2.events[0].seq).toBe(page1.events[2].seq - 1);
    const byActor = (await admin.get(`${ws}/audit-events?actorId=${t.users.admin}&limit=500`)).json();
    expect(byActor.events.every((e: { actorId: string }) => e.actorId === t.users.admin)).toBe(true);
    const future = (await admin.get(`${ws}/audit-events?since=2999-01-01T00:00:00Z`)).json();
    expect(future.events).toEqual([]);
  });

  it('never records a password (nor an invitation token)', async () => {
    const inv = await admin.post(`${ws}/invitations`, { email: 'newbie@demo.local', role: 'editor' });
    expect(inv.statusCode).toBe(201);
    const res = await t.anonymous.post('/api/v1/invitations/accept', { token: inv.json().token, password: 'super-secret-pw-42' });
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(await t.atrium.services.store.db.selectFrom('audit_events').selectAll().execute())).not.toContain(inv.json().token);
    const rows = await t.atrium.services.store.db.selectFrom('audit_events').selectAll().execute();
    const all = JSON.stringify(rows);
    expect(all).not.toContain('super-secret-pw-42');
    expect(all).not.toContain(DEMO_PASSWORD);
    expect(all).toContain('newbie@demo.local');
  });

  it('verifies clean chains, and reports the first broken link after tampering', async () => {
    const clean = await cli('audit', 'verify');
    expect(clean.code, clean.out).toBe(0);
    expect(clean.out).toMatch(/^OK: \d+ events/m);

    const db = t.atrium.services.store.db;
    const target = await db.selectFrom('audit_events').select(['id', 'seq', 'details']).where('workspace_id', '=', t.demoWorkspaceId).where('seq', '=', 5).executeTakeFirstOrThrow();
    await db.updateTable('audit_events').set({ details: JSON.stringify({ forged: true }) }).where('id', '=', target.id).execute();
    const r = await t.atrium.services.audit.verify(t.demoWorkspaceId);
    expect(r.breaks).toEqual([{ workspaceId: t.demoWorkspaceId, seq: 5, eventId: target.id, reason: 'hash_mismatch' }]);
    const broken = await cli('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`at seq 5 (event ${target.id}): hash_mismatch`);
    await db.updateTable('audit_events').set({ details: target.details }).where('id', '=', target.id).execute();
    expect((await t.atrium.services.audit.verify()).breaks).toEqual([]);
  });

  it('detects a deleted event in the middle and at the end', async () => {
    const db = t.atrium.services.store.db;
    const s = t.atrium.services.audit;
    const rows = await db.selectFrom('audit_events').selectAll().where('workspace_id', '=', t.demoWorkspaceId).orderBy('seq').execute();
    const mid = rows[3]!;
    await db.deleteFrom('audit_events').where('id', '=', mid.id).execute();
    expect((await s.verify(t.demoWorkspaceId)).breaks[0]).toMatchObject({ seq: mid.seq, reason: 'sequence_gap' });
    await db.insertInto('audit_events').values(mid).execute();
    const last = rows[rows.length - 1]!;
    await db.deleteFrom('audit_events').where('id', '=', last.id).execute();
    expect((await s.verify(t.demoWorkspaceId)).breaks[0]).toMatchObject({ reason: 'head_mismatch' });
    await db.insertInto('audit_events').values(last).execute();
    expect((await s.verify()).breaks).toEqual([]);
  });
});
