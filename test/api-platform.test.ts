/** Health probes, the OpenAPI document and docs page, request ids, and log redaction. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessIndex } from '../src/access/access-index.js';
import { DEMO_PASSWORD, type TestApp, startTestApp } from './helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('platform', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await t.anonymous.get('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.anonymous.get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', accessIndex: 'ok' } });
  });

  it('serves an OpenAPI 3.1 document generated from the request schemas, and a docs page', async () => {
    const doc = (await t.anonymous.get('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    const login = doc.paths['/api/v1/auth/login'].post;
    const schema = login.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(schema.additionalProperties).toBe(false);
    const grant = doc.paths['/api/v1/projects/{projectId}/grants/{subject}'].put;
    expect(grant.requestBody.content['application/json'].schema.properties.level.enum).toEqual(['can_view', 'can_edit', 'full_access']);
    const docs = await t.anonymous.get('/api/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });

  it('echoes a request id on every response and in errors', async () => {
    const r = await t.anonymous.request('GET', '/api/v1/me', undefined, { 'x-request-id': 'abc-123' });
    expect(r.headers['x-request-id']).toBe('abc-123');
    expect(r.json().requestId).toBe('abc-123');
    const gen = await t.anonymous.get('/api/v1/me');
    expect(gen.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes structured JSON logs with no password, cookie or token in them', async () => {
    const c = await t.login('admin@demo.local');
    const tok = (await c.post('/api/v1/me/tokens', { name: 'log test', scopes: ['read'] })).json().token as string;
    await t.anonymous.request('GET', '/api/v1/me', undefined, { authorization: `Bearer ${tok}` });
    await t.anonymous.post('/api/v1/auth/login', { email: 'admin@demo.local', password: 'wrong-password-xyz' });
    expect(t.logs.length).toBeGreaterThan(5);
    for (const line of t.logs) expect(() => JSON.parse(line)).not.toThrow();
    const all = t.logs.join('\n');
    expect(all).not.toContain(DEMO_PASSWORD);
    expect(all).not.toContain('wrong-password-xyz');
    expect(all).not.toContain(tok);
    expect(all).not.toMatch(/atrium_session=/);
  });

  it('keeps the live access index equal to a rebuild from the database after API writes', async () => {
    const admin = await t.login('admin@demo.local');
    const ws = '/api/v1/workspaces/demo';
    const g = (await admin.post(`${ws}/groups`, { name: 'Index check' })).json();
    const m = { userId: await t.invite('idx@demo.local', 'editor') };
    await admin.post(`${ws}/groups/${g.id}/members`, { userIds: [m.userId, t.users.viewer] });
    const p = (await admin.post(`${ws}/projects`, { name: 'Index check' })).json();
    await admin.put(`/api/v1/projects/${p.id}/grants/group:${g.id}`, { level: 'can_edit' });
    await admin.put(`/api/v1/projects/${p.id}/grants/user:${t.users.guest}`, { level: 'can_edit' });
    await admin.patch(`${ws}/members/${m.userId}`, { role: 'viewer', confirm: true });
    await admin.post(`${ws}/groups/${g.id}/members/remove`, { userIds: [t.users.viewer], confirm: true });
    const preview = await admin.del(`/api/v1/projects/${p.id}/grants/user:${t.users.guest}?dryRun=true`);
    expect(preview.json()).toEqual({ applied: false, drops: [{ userId: t.users.guest, projectId: p.id, from: 'can_edit', to: 'none' }] });
    await admin.del(`/api/v1/projects/${p.id}/grants/user:${t.users.guest}`);
    await admin.del(`${ws}/members/${m.userId}?confirm=true`);
    // Re-added, they start from nothing: no old group or grant comes back.
    await t.invite('idx@demo.local', 'editor');
    expect(t.atrium.services.authz.index.level(m.userId, p.id)).toBe(0);
    expect(t.atrium.services.authz.index.toFacts()).toEqual(AccessIndex.build(await t.atrium.services.authz.loadFacts()).toFacts());
    await admin.del(`${ws}/groups/${g.id}?confirm=true`);
    const live = t.atrium.services.authz.index.toFacts();
    const rebuilt = AccessIndex.build(await t.atrium.services.authz.loadFacts()).toFacts();
    expect(live).toEqual(rebuilt);
    expect(live.members.length).toBeGreaterThan(3);
  });

  it('serves a landing page at /', async () => {
    const r = await t.anonymous.get('/');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('/api/docs');
  });
});
