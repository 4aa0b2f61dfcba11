/*
 * Issue 9, point 6 — "Account takeover across workspaces."
 *
 * Attack: the admin of workspace B adds `new.hire@…` with a password of B's choosing; when the
 * admin of workspace A later adds the same email, A's call silently attaches B's identity, and
 * only B's password works. The same call tells B whether an email exists (elsewhere) and its name.
 *
 * The fix is invitations. The API these tests expect (the implementer aligns to it):
 *
 *   POST   /api/v1/workspaces/{ws}/invitations        {email, role}            (admins)
 *          → 201 { invitation: { id, email, role, expiresAt }, token | acceptUrl }
 *            The token (or the link holding it) is in this response only. The response is the
 *            same whether or not the email already has an identity (no name, no user id).
 *   POST   /api/v1/invitations/accept                 {token, password, name?}
 *          → 2xx. Anonymous, with a password: only for an email that has no identity yet — the
 *            invitee sets their own password. For an existing identity the call must come from
 *            that user, signed in, and carry no password (their password never changes).
 *            A token works once; a revoked or expired one is refused with a 4xx.
 *   DELETE /api/v1/workspaces/{ws}/invitations/{id}                             (admins) → 2xx
 *   POST   /api/v1/workspaces/{ws}/members with a `password` field → 400 (never takes a password),
 *          and it never attaches an identity that exists outside the workspace without that
 *          user accepting, nor says anything about it.
 *
 * `atrium admin create` stays the bootstrap (this file uses the same service call for workspace B).
 *
 * On the code as it was when these tests were written (before the fix), FAILED: every test below
 * except "non-admins cannot invite" (the route did not exist: 404, which that test refuses too,
 * so it failed as well). The members route took B's password, attached the identity in A, and
 * answered B with the existing user's name and id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from '../helpers/test-app.js';
import { DEMO_PASSWORD, loginAs, secondWorkspace, startApp } from './security-app.js';

let t: TestApp;
let adminA: Client; // the demo workspace's admin
let adminB: Client;
let wsA: string;
let wsB: string;

beforeAll(async () => {
  t = await startApp();
  wsA = t.demoWorkspaceId;
  adminA = await t.login('admin@demo.local');
  const b = await secondWorkspace(t, 'rival', 'boss@rival.test');
  wsB = b.wsId;
  adminB = b.admin;
});
afterAll(async () => t?.close());

async function canLogin(email: string, password: string): Promise<boolean> {
  const r = await t.anonymous.post('/api/v1/auth/login', { email, password });
  return r.statusCode === 200;
}

async function memberEmails(c: Client, ws: string): Promise<string[]> {
  const r = await c.get(`/api/v1/workspaces/${ws}/members`);
  expect(r.statusCode, r.body).toBe(200);
  return (r.json().members as { email: string }[]).map((m) => m.email);
}

/** The invitation's one-time token, from `token` or from the link. */
function tokenOf(body: { token?: string; acceptUrl?: string }): string {
  if (typeof body.token === 'string' && body.token.length > 0) return body.token;
  if (typeof body.acceptUrl === 'string') {
    const u = new URL(body.acceptUrl, 'http://atrium.invalid');
    const fromQuery = u.searchParams.get('token') ?? new URLSearchParams(u.hash.replace(/^#/, '')).get('token');
    if (fromQuery) return fromQuery;
    const last = u.pathname.split('/').filter(Boolean).pop();
    if (last) return decodeURIComponent(last);
  }
  throw new Error(`no token or acceptUrl in ${JSON.stringify(body)}`);
}

async function invite(c: Client, ws: string, email: string, role = 'editor') {
  const r = await c.post(`/api/v1/workspaces/${ws}/invitations`, { email, role });
  expect(r.statusCode, r.body).toBe(201);
  const body = r.json();
  expect(body.invitation).toMatchObject({ email, role });
  expect(typeof body.invitation.id).toBe('string');
  return { id: body.invitation.id as string, token: tokenOf(body), body, raw: r.body };
}

/** Every key path of a JSON value (arrays by their first item): the shape, without the values. */
function shape(v: unknown, prefix = ''): string[] {
  if (Array.isArray(v)) return v.length ? shape(v[0], `${prefix}[]`) : [`${prefix}[]`];
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [`${prefix}.${k}`, ...shape(x, `${prefix}.${k}`)]).sort();
  return [];
}

describe('point 6: no admin sets the password of an identity', () => {
  it('POST members with a password is refused, and that password opens nothing', async () => {
    const r = await adminB.post(`/api/v1/workspaces/${wsB}/members`, { email: 'new.hire@acme.test', role: 'editor', password: 'chosen-by-B-123' });
    expect(r.statusCode, r.body).toBe(400);
    expect(await canLogin('new.hire@acme.test', 'chosen-by-B-123')).toBe(false);
  });

  it('an invitation lets the invitee set their own password; the token works once', async () => {
    const inv = await invite(adminB, wsB, 'new.hire@acme.test');
    const exp = Date.parse(inv.body.invitation.expiresAt);
    expect(exp).toBeGreaterThan(Date.now());
    expect(exp).toBeLessThanOrEqual(Date.now() + 31 * 24 * 3600_000);
    const ok = await t.anonymous.post('/api/v1/invitations/accept', { token: inv.token, password: 'hire-own-password-1', name: 'Nina New-Hire' });
    expect(ok.statusCode, ok.body).toBeGreaterThanOrEqual(200);
    expect(ok.statusCode, ok.body).toBeLessThan(300);
    expect(await canLogin('new.hire@acme.test', 'hire-own-password-1')).toBe(true);
    expect(await memberEmails(adminB, wsB)).toContain('new.hire@acme.test');
    const again = await t.anonymous.post('/api/v1/invitations/accept', { token: inv.token, password: 'someone-else-pw-2' });
    expect(again.statusCode, again.body).toBeGreaterThanOrEqual(400);
    expect(again.statusCode, again.body).toBeLessThan(500);
    expect(await canLogin('new.hire@acme.test', 'someone-else-pw-2')).toBe(false);
  });

  it('workspace A adding the same email never silently attaches B’s identity', async () => {
    // Whatever A's direct add answers, the identity is not in A until its owner accepts.
    const direct = await adminA.post(`/api/v1/workspaces/${wsA}/members`, { email: 'new.hire@acme.test', role: 'viewer' });
    expect(direct.statusCode, direct.body).toBeLessThan(500);
    expect(direct.body).not.toContain('Nina New-Hire');
    expect(await memberEmails(adminA, wsA)).not.toContain('new.hire@acme.test');
    // A's invitation is pending until new.hire, signed in as themselves, accepts it.
    const inv = await invite(adminA, wsA, 'new.hire@acme.test', 'viewer');
    expect(inv.raw).not.toContain('Nina New-Hire');
    expect(await memberEmails(adminA, wsA)).not.toContain('new.hire@acme.test');
    const hire = await loginAs(t, 'new.hire@acme.test', 'hire-own-password-1');
    const ok = await hire.post('/api/v1/invitations/accept', { token: inv.token });
    expect(ok.statusCode, ok.body).toBeLessThan(300);
    expect(await memberEmails(adminA, wsA)).toContain('new.hire@acme.test');
    expect(await canLogin('new.hire@acme.test', 'hire-own-password-1')).toBe(true);
  });

  it('accepting an invitation for an existing identity never takes a password (B cannot take over A’s editor)', async () => {
    const inv = await invite(adminB, wsB, 'editor@demo.local');
    // B holds the token: B "accepts" anonymously with a password of its choosing.
    const hijack = await t.anonymous.post('/api/v1/invitations/accept', { token: inv.token, password: 'b-chosen-password-1', name: 'Owned' });
    expect(hijack.statusCode, hijack.body).toBeGreaterThanOrEqual(400);
    expect(hijack.statusCode, hijack.body).toBeLessThan(500);
    expect(await canLogin('editor@demo.local', 'b-chosen-password-1')).toBe(false);
    expect(await canLogin('editor@demo.local', DEMO_PASSWORD)).toBe(true);
    expect(await memberEmails(adminB, wsB)).not.toContain('editor@demo.local');
    // Signed in as a different user (B's admin), the token does not work either.
    const other = await adminB.post('/api/v1/invitations/accept', { token: inv.token });
    expect(other.statusCode, other.body).toBeGreaterThanOrEqual(400);
    expect(await memberEmails(adminB, wsB)).not.toContain('editor@demo.local');
    // The editor themselves can accept; their password is unchanged.
    const editor = await t.login('editor@demo.local');
    const ok = await editor.post('/api/v1/invitations/accept', { token: inv.token });
    expect(ok.statusCode, ok.body).toBeLessThan(300);
    expect(await memberEmails(adminB, wsB)).toContain('editor@demo.local');
    expect(await canLogin('editor@demo.local', DEMO_PASSWORD)).toBe(true);
  });
});

describe('point 6: no call tells B whether an email exists elsewhere, or its name', () => {
  it('inviting an existing and an unknown email answer alike', async () => {
    const known = await invite(adminB, wsB, 'viewer@demo.local', 'viewer');
    const unknown = await invite(adminB, wsB, 'nobody-yet@nowhere.test', 'viewer');
    expect(shape(known.body)).toEqual(shape(unknown.body));
    expect(known.raw).not.toContain('Vera Viewer');
    expect(known.raw).not.toContain(t.users.viewer);
  });

  it('the members route does not reveal an outside user’s name or id', async () => {
    const r = await adminB.post(`/api/v1/workspaces/${wsB}/members`, { email: 'guest@demo.local', role: 'viewer' });
    expect(r.statusCode, r.body).toBeLessThan(500);
    expect(r.body).not.toContain('Gus Guest');
    expect(r.body).not.toContain(t.users.guest);
    expect(await memberEmails(adminB, wsB)).not.toContain('guest@demo.local');
  });
});

describe('point 6: invitations are revocable, admin-only, and their token is shown once', () => {
  it('a revoked invitation cannot be accepted', async () => {
    const inv = await invite(adminB, wsB, 'revoke.me@acme.test');
    const del = await adminB.del(`/api/v1/workspaces/${wsB}/invitations/${inv.id}`);
    expect(del.statusCode, del.body).toBeGreaterThanOrEqual(200);
    expect(del.statusCode, del.body).toBeLessThan(300);
    const r = await t.anonymous.post('/api/v1/invitations/accept', { token: inv.token, password: 'too-late-password-1' });
    expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
    expect(r.statusCode, r.body).toBeLessThan(500);
    expect(await canLogin('revoke.me@acme.test', 'too-late-password-1')).toBe(false);
  });

  it('another workspace’s admin cannot revoke B’s invitation', async () => {
    const inv = await invite(adminB, wsB, 'keep.me@acme.test');
    const r = await adminA.del(`/api/v1/workspaces/${wsB}/invitations/${inv.id}`);
    expect(r.statusCode).toBe(404);
    const r2 = await adminA.del(`/api/v1/workspaces/${wsA}/invitations/${inv.id}`);
    expect(r2.statusCode).toBe(404);
  });

  it('non-admins cannot invite', async () => {
    for (const email of ['editor@demo.local', 'viewer@demo.local', 'guest@demo.local']) {
      const c = await t.login(email);
      const r = await c.post(`/api/v1/workspaces/${wsA}/invitations`, { email: 'friend@acme.test', role: 'admin' });
      expect(r.statusCode, `${email}: ${r.body}`).toBe(403);
    }
    const anonymous = await t.anonymous.post(`/api/v1/workspaces/${wsA}/invitations`, { email: 'friend@acme.test', role: 'admin' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('the token appears in no later response (audit log included)', async () => {
    const inv = await invite(adminB, wsB, 'audit.me@acme.test');
    const audit = await adminB.get(`/api/v1/workspaces/${wsB}/audit-events?limit=200`);
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.body).not.toContain(inv.token);
    const members = await adminB.get(`/api/v1/workspaces/${wsB}/members`);
    expect(members.body).not.toContain(inv.token);
  });
});
