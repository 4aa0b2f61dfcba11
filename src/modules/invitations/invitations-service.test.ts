/** Invitations as the service sees them (the HTTP attack tests are in test/security/identity.test.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../access/access-types.js';
import { systemContext } from '../../context.js';
import { callerFor, startTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { verifyPassword } from '../auth/auth-passwords.js';
import type { InvitationsService } from './invitations-service.js';

let t: TestApp;
let svc: InvitationsService;
let wsA: string;
let wsB: string;
const ctx = systemContext();

beforeAll(async () => {
  t = await startTestApp();
  svc = t.atrium.services.invitations;
  wsA = t.demoWorkspaceId;
  const s = t.atrium.services;
  const boss = await s.workspaces.findOrCreateUserStandalone({ email: 'boss@rival.test', password: 'boss-password-1' }, ctx);
  wsB = (await s.workspaces.create({ name: 'Rival', slug: 'rival', plan: 'enterprise', adminUserId: boss.id }, ctx)).id;
}, 60_000);
afterAll(async () => t?.close());

const passwordHashOf = async (email: string) =>
  (await t.atrium.services.store.db.selectFrom('users').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow()).password_hash;
const roleIn = (ws: string, userId: string) => t.atrium.services.policies.role(userId, ws);

describe('invitations', () => {
  it('a new user sets their own password, joins with the invited role, and the link works once', async () => {
    const inv = await svc.create(wsA, { email: 'New.Hire@x.test', role: Role.editor }, ctx);
    expect(inv.invitation).toMatchObject({ email: 'new.hire@x.test', role: 'editor', status: 'pending' });
    expect(inv.acceptPath).toBe(`/invite#token=${inv.token}`);
    const r = await svc.accept({ token: inv.token, password: 'my-own-password' }, null, ctx);
    expect(r).toMatchObject({ workspaceId: wsA, role: 'editor', newUser: true });
    expect(await verifyPassword('my-own-password', await passwordHashOf('new.hire@x.test'))).toBe(true);
    // The live access index knows the new member at once.
    expect(roleIn(wsA, r.userId)).toBe('editor');
    await expect(svc.accept({ token: inv.token, password: 'my-own-password' }, null, ctx)).rejects.toMatchObject({ code: 'not_found' });
    expect((await svc.list(wsA)).find((i) => i.id === inv.invitation.id)?.status).toBe('accepted');
  });

  it('an existing account joins only when its owner accepts, signed in, and keeps its password', async () => {
    const invB = await svc.create(wsB, { email: 'new.hire@x.test', role: Role.viewer }, ctx);
    await expect(svc.accept({ token: invB.token, password: 'password-chosen-by-b' }, null, ctx)).rejects.toMatchObject({ code: 'unauthenticated' });
    const owner = (await t.atrium.services.store.db.selectFrom('users').select('id').where('email', '=', 'new.hire@x.test').executeTakeFirstOrThrow()).id;
    await expect(svc.accept({ token: invB.token }, t.users.admin, ctx)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(svc.accept({ token: invB.token, password: 'x-new-password' }, owner, ctx)).rejects.toMatchObject({ code: 'validation_failed' });
    expect(roleIn(wsB, owner)).toBeUndefined();
    const r = await svc.accept({ token: invB.token }, owner, ctx);
    expect(r).toMatchObject({ workspaceId: wsB, newUser: false, userId: owner });
    expect(roleIn(wsB, owner)).toBe('viewer');
    expect(await verifyPassword('my-own-password', await passwordHashOf('new.hire@x.test'))).toBe(true);
  });

  it('inviting answers alike whether or not the email exists elsewhere', async () => {
    const known = await svc.create(wsB, { email: 'editor@demo.local', role: Role.viewer }, ctx);
    const unknown = await svc.create(wsB, { email: 'nobody-yet@x.test', role: Role.viewer }, ctx);
    const shape = (x: typeof known) => `${Object.keys(x).sort().join(',')}|${Object.keys(x.invitation).sort().join(',')}|${x.invitation.status}`;
    expect(shape(known)).toBe(shape(unknown));
    expect(JSON.stringify(known)).not.toContain(t.users.editor);
  });

  it('a member of this workspace cannot be invited again', async () => {
    await expect(svc.create(wsA, { email: 'viewer@demo.local', role: Role.viewer }, ctx)).rejects.toMatchObject({ code: 'already_exists' });
  });

  it('revoked, replaced and expired links do not work', async () => {
    const first = await svc.create(wsA, { email: 'later@x.test', role: Role.guest }, ctx);
    const second = await svc.create(wsA, { email: 'later@x.test', role: Role.guest }, ctx);
    await expect(svc.accept({ token: first.token, password: 'long-enough-pw' }, null, ctx)).rejects.toMatchObject({ code: 'not_found' });
    await svc.revoke(wsA, second.invitation.id, ctx);
    await expect(svc.accept({ token: second.token, password: 'long-enough-pw' }, null, ctx)).rejects.toMatchObject({ code: 'not_found' });
    await expect(svc.revoke(wsA, second.invitation.id, ctx)).rejects.toMatchObject({ code: 'conflict' });
    await expect(svc.revoke(wsB, first.invitation.id, ctx)).rejects.toMatchObject({ code: 'not_found' });
    const third = await svc.create(wsA, { email: 'later@x.test', role: Role.guest, expiresInHours: 1 }, ctx);
    await t.atrium.services.store.db.updateTable('invitations').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('id', '=', third.invitation.id).execute();
    await expect(svc.accept({ token: third.token, password: 'long-enough-pw' }, null, ctx)).rejects.toMatchObject({ code: 'not_found' });
    expect((await svc.list(wsA)).find((i) => i.id === third.invitation.id)?.status).toBe('expired');
  });

  it('a short password is refused for a new account; an unknown token says nothing more', async () => {
    const inv = await svc.create(wsA, { email: 'short@x.test', role: Role.viewer }, ctx);
    await expect(svc.accept({ token: inv.token, password: 'short' }, null, ctx)).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(svc.accept({ token: 'atrinv_not-a-real-token', password: 'whatever-pw' }, null, ctx)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('only admins invite, list and revoke; only the token hash is stored', async () => {
    await expect(svc.api.create(callerFor(t.users.editor), 'demo', { email: 'x@x.test', role: Role.admin })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(svc.api.list(callerFor(null), 'demo')).rejects.toMatchObject({ code: 'unauthenticated' });
    const inv = await svc.api.create(callerFor(t.users.admin), 'demo', { email: 'hash@x.test', role: Role.viewer });
    const rows = await t.atrium.services.store.db.selectFrom('invitations').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(inv.token);
    const audit = await t.atrium.services.store.db.selectFrom('audit_events').selectAll().execute();
    expect(JSON.stringify(audit)).not.toContain(inv.token);
  });
});
