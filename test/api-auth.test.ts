import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, type TestApp, startTestApp } from './helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ maxFailuresPerAccount: 5 });
});
afterAll(async () => t?.close());

describe('password login and sessions', () => {
  it('signs the demo admin in and answers /me', async () => {
    const res = await t.anonymous.post('/api/v1/auth/login', { email: 'Admin@Demo.local', password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'atrium_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.path).toBe('/');
    const me = await t.anonymous.request('GET', '/api/v1/me', undefined, { cookie: `atrium_session=${cookie.value}` });
    expect(me.statusCode).toBe(200);
    const body = me.json();
    expect(body.user.email).toBe('admin@demo.local');
    expect(body.workspaces).toEqual([expect.objectContaining({ slug: 'demo', role: 'admin' })]);
    expect(body.csrfToken).toBe(res.json().csrfToken);
  });

  it('refuses a wrong password with invalid_credentials, and an unknown user the same way', async () => {
    const wrong = await t.anonymous.post('/api/v1/auth/login', { email: 'viewer@demo.local', password: 'nope-nope' });
    const unknown = await t.anonymous.post('/api/v1/auth/login', { email: 'nobody@demo.local', password: 'nope-nope' });
    for (const r of [wrong, unknown]) {
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('invalid_credentials');
      expect(r.cookies).toHaveLength(0);
    }
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
  });

  it('throttles repeated failures with 429 and Retry-After, even for the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await t.anonymous.post('/api/v1/auth/login', { email: 'guest@demo.local', password: `bad-${i}-xxxx` });
      expect(r.statusCode).toBe(401);
    }
    const blocked = await t.anonymous.post('/api/v1/auth/login', { email: 'guest@demo.local', password: DEMO_PASSWORD });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from the same address is not locked out by it.
    expect((await t.anonymous.post('/api/v1/auth/login', { email: 'editor@demo.local', password: DEMO_PASSWORD })).statusCode).toBe(200);
  });

  it('requires the CSRF token on cookie-authenticated writes', async () => {
    const c = await t.login('editor@demo.local');
    const ok = await c.post(`/api/v1/workspaces/demo/projects`, { name: 'csrf ok' });
    expect(ok.statusCode).toBe(201);
    const noCsrf = await c.request('POST', '/api/v1/workspaces/demo/projects', { name: 'x' }, { 'x-csrf-token': '' });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf_failed');
    const wrong = await c.request('POST', '/api/v1/workspaces/demo/projects', { name: 'x' }, { 'x-csrf-token': 'forged' });
    expect(wrong.json().error.code).toBe('csrf_failed');
    // Reads need no CSRF token.
    expect((await c.request('GET', '/api/v1/me', undefined, { 'x-csrf-token': '' })).statusCode).toBe(200);
  });

  it('logout ends the session', async () => {
    const c = await t.login('viewer@demo.local');
    expect((await c.post('/api/v1/auth/logout')).statusCode).toBe(204);
    const after = await c.get('/api/v1/me');
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
  });

  it('expires sessions past their lifetime', async () => {
    const c = await t.login('viewer@demo.local');
    await t.atrium.services.store.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('user_id', '=', t.users.viewer).execute();
    const r = await c.get('/api/v1/me');
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('session_expired');
  });

  it('stores only hashes of sessions and passwords', async () => {
    const res = await t.anonymous.post('/api/v1/auth/login', { email: 'admin@demo.local', password: DEMO_PASSWORD });
    const cookie = res.cookies.find((c) => c.name === 'atrium_session')!.value;
    const db = t.atrium.services.store.db;
    const sessions = await db.selectFrom('sessions').select('id_hash').execute();
    expect(sessions.some((s) => s.id_hash === cookie)).toBe(false);
    const users = await db.selectFrom('users').select('password_hash').execute();
    for (const u of users) {
      expect(u.password_hash).toMatch(/^scrypt\$/);
      expect(u.password_hash).not.toContain(DEMO_PASSWORD);
    }
  });
});

describe('API tokens', () => {
  it('is shown once, stored hashed, works as Bearer, and can be revoked', async () => {
    const c = await t.login('editor@demo.local');
    const created = await c.post('/api/v1/me/tokens', { name: 'ci', scopes: ['read', 'write'] });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^atr_/);
    const list = await c.get('/api/v1/me/tokens');
    expect(JSON.stringify(list.json())).not.toContain(token);
    expect(list.json().tokens.find((x: { id: string }) => x.id === id).prefix).toBe(token.slice(0, 10));
    const rows = await t.atrium.services.store.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);

    const bearer = { authorization: `Bearer ${token}` };
    const me = await t.anonymous.request('GET', '/api/v1/me', undefined, bearer);
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe('editor@demo.local');
    // Token calls need no CSRF header.
    expect((await t.anonymous.request('POST', '/api/v1/workspaces/demo/projects', { name: 'via token' }, bearer)).statusCode).toBe(201);

    expect((await c.del(`/api/v1/me/tokens/${id}`)).statusCode).toBe(204);
    const revoked = await t.anonymous.request('GET', '/api/v1/me', undefined, bearer);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.code).toBe('unauthenticated');
  });

  it('honours expiry', async () => {
    const c = await t.login('editor@demo.local');
    const soon = new Date(Date.now() + 60_000).toISOString();
    const { token, id } = (await c.post('/api/v1/me/tokens', { name: 'short', scopes: ['read'], expiresAt: soon })).json();
    expect((await t.anonymous.request('GET', '/api/v1/me', undefined, { authorization: `Bearer ${token}` })).statusCode).toBe(200);
    await t.atrium.services.store.db.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1).toISOString() }).where('id', '=', id).execute();
    const r = await t.anonymous.request('GET', '/api/v1/me', undefined, { authorization: `Bearer ${token}` });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.message).toMatch(/expired/);
    const past = await c.post('/api/v1/me/tokens', { name: 'past', scopes: ['read'], expiresAt: '2000-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(400);
  });

  it('a read-only token cannot write', async () => {
    const ro = await t.tokenClient('editor@demo.local', ['read']);
    expect((await ro.get('/api/v1/workspaces/demo/projects')).statusCode).toBe(200);
    const w = await ro.post('/api/v1/workspaces/demo/projects', { name: 'nope' });
    expect(w.statusCode).toBe(403);
    expect(w.json().error.details.requiredScope).toBe('write');
  });

  it('a malformed Authorization header or unknown token is 401, never 500', async () => {
    for (const h of ['Basic abc', 'Bearer', 'Bearer atr_unknown', 'Bearer not-a-token']) {
      const r = await t.anonymous.request('GET', '/api/v1/me', undefined, { authorization: h });
      expect(r.statusCode, h).toBe(401);
    }
  });
});
