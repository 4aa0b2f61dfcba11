/**
 * Members join by invitation (docs/rules.md, "Identity"): an admin invites an email with a role
 * and gets a one-time link, shown once; an email Atrium does not know becomes a user with the
 * password its owner sets when redeeming the link, and an existing account joins only when its
 * owner accepts, signed in as themselves. No admin ever sets or learns another user's password,
 * and nothing here tells an admin whether an email is known to Atrium: inviting answers the same
 * either way, and the membership appears only once the invitee accepts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Role, WorkspaceAction } from '../../access/access-types.js';
import type { Caller, RequestContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import type { AuthzService } from '../authz/authz-service.js';
import { PASSWORD_MIN_LENGTH, hashPassword } from '../auth/auth-passwords.js';
import type { UsersRepository } from '../users/users-repository.js';
import type { WorkspacesRepository } from '../workspaces/workspaces-repository.js';
import type { WorkspacesService } from '../workspaces/workspaces-service.js';
import type { InvitationRow, InvitationsRepository } from './invitations-repository.js';

export const DEFAULT_INVITATION_HOURS = 7 * 24;

type Deps = {
  store: Pick<Store, 'transaction' | 'read'>;
  repo: InvitationsRepository;
  users: Pick<UsersRepository, 'byEmailWithHash' | 'insert'>;
  members: Pick<WorkspacesRepository, 'role' | 'insertMember'>;
  workspaces: Pick<WorkspacesService, 'resolve'>;
  audit: Pick<AuditService, 'record'>;
  authz: Pick<AuthzService, 'commit'>;
  policies: Pick<AuthzPolicies, 'assertWorkspace'>;
  /** Hashing is injectable so tests need not pay scrypt's cost; production passes hashPassword. */
  hashPassword?: (password: string) => Promise<string>;
};

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
}

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

function statusOf(r: InvitationRow, now: string): InvitationStatus {
  if (r.acceptedAt) return 'accepted';
  if (r.revokedAt) return 'revoked';
  return r.expiresAt <= now ? 'expired' : 'pending';
}

const present = (r: InvitationRow, now = nowIso()): InvitationView => ({
  id: r.id,
  email: r.email,
  role: r.role as Role,
  status: statusOf(r, now),
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
  acceptedAt: r.acceptedAt,
});

/** One message for every unusable link, so a token's state is not an oracle. */
const invalidLink = () =>
  new AppError('not_found', 'This invitation link is not valid: it may have expired, been used or been revoked. Ask a workspace admin for a new one.', { resource: 'invitation' });

export function createInvitationsService(deps: Deps) {
  const { repo } = deps;
  const hash = deps.hashPassword ?? hashPassword;

  async function create(
    workspaceId: string,
    input: { email: string; role: Role; expiresInHours?: number },
    ctx: RequestContext,
  ): Promise<{ invitation: InvitationView; token: string; acceptPath: string }> {
    const email = input.email.trim().toLowerCase();
    const token = `atrinv_${randomBytes(32).toString('base64url')}`;
    const now = new Date();
    const expiresAt = new Date(now.getTime() + (input.expiresInHours ?? DEFAULT_INVITATION_HOURS) * 3600_000).toISOString();
    const row: InvitationRow = { id: newId('inv'), workspaceId, email, role: input.role, createdBy: ctx.actorId, createdAt: now.toISOString(), expiresAt, acceptedAt: null, acceptedBy: null, revokedAt: null };
    await deps.store.transaction(async (tx) => {
      const user = await deps.users.byEmailWithHash(email, tx);
      // Only this workspace's own membership is told; whether the email exists elsewhere is not.
      if (user && (await deps.members.role(tx, workspaceId, user.id))) {
        throw new AppError('already_exists', `${email} is already a member of this workspace.`, { field: 'email' });
      }
      // One live link per email: inviting again replaces the previous link.
      for (const old of await repo.pendingFor(tx, workspaceId, email, row.createdAt)) await repo.revoke(tx, old.id, row.createdAt);
      await repo.insert(tx, { ...row, tokenHash: hashToken(token) });
      await deps.audit.record(tx, ctx, { workspaceId, action: 'invitation.create', targetType: 'invitation', targetId: row.id, details: { email, role: input.role, expiresAt } });
    });
    return { invitation: present(row), token, acceptPath: `/invite#token=${token}` };
  }

  async function list(workspaceId: string): Promise<InvitationView[]> {
    const now = nowIso();
    return (await repo.list(deps.store.read, workspaceId, 500)).map((r) => present(r, now));
  }

  async function revoke(workspaceId: string, id: string, ctx: RequestContext): Promise<void> {
    await deps.store.transaction(async (tx) => {
      const r = await repo.byId(tx, workspaceId, id);
      if (!r) throw notFound('Invitation', id);
      const now = nowIso();
      if (!(await repo.revoke(tx, id, now))) {
        throw new AppError('conflict', `This invitation is already ${statusOf(r, now)}: nothing to revoke.`, { status: statusOf(r, now) });
      }
      await deps.audit.record(tx, ctx, { workspaceId, action: 'invitation.revoke', targetType: 'invitation', targetId: id, details: { email: r.email } });
    });
  }

  /**
   * Redeems a link. Anonymous with a password: only for an email that has no account yet. Signed
   * in and without a password: only the invited account itself. An invitation never sets or
   * changes the password of an existing identity, so a link held by another workspace's admin
   * cannot take it over.
   */
  async function accept(
    input: { token: string; password?: string; name?: string },
    callerUserId: string | null,
    ctx: RequestContext,
  ): Promise<{ userId: string; email: string; workspaceId: string; role: Role; newUser: boolean }> {
    const inv = await repo.byTokenHash(deps.store.read, hashToken(input.token));
    if (!inv || statusOf(inv, nowIso()) !== 'pending') throw invalidLink();
    const existing = await deps.users.byEmailWithHash(inv.email, deps.store.read);
    let newHash: string | null = null;
    if (callerUserId) {
      if (!existing || existing.id !== callerUserId) {
        throw new AppError('forbidden', 'This invitation is for another email address: sign out, then open the link again (or sign in as the invited user).', { resource: 'invitation' });
      }
      if (input.password !== undefined) {
        throw new AppError('validation_failed', 'You are signed in: accepting joins the workspace with your current account, so leave the password out.', { field: 'password' });
      }
    } else {
      if (existing) throw new AppError('unauthenticated', 'Sign in as the invited user, then open the link again to accept.', { resource: 'invitation' });
      if (input.password === undefined || input.password.length < PASSWORD_MIN_LENGTH) {
        throw new AppError('validation_failed', `Choose a password of at least ${PASSWORD_MIN_LENGTH} characters.`, { field: 'password' });
      }
      // Hash before the transaction: scrypt is slow and must not hold the write lock.
      newHash = await hash(input.password);
    }
    const role = inv.role as Role;
    const joined = await deps.authz.commit(
      async (tx) => {
        // A concurrent accept may create the account meanwhile: the unique email refuses the second.
        let userId = existing?.id;
        if (!userId) {
          userId = (await deps.users.insert(tx, { email: inv.email, name: input.name?.trim() || inv.email.split('@')[0]!, passwordHash: newHash })).id;
          await deps.audit.record(tx, ctx, { workspaceId: '', action: 'user.create', targetType: 'user', targetId: userId, details: { email: inv.email, via: 'invitation' } });
        }
        if (!(await repo.markAccepted(tx, inv.id, userId, nowIso()))) throw invalidLink();
        const joinCtx: RequestContext = { ...ctx, actorType: 'user', actorId: userId };
        const added = !(await deps.members.role(tx, inv.workspaceId, userId));
        if (added) {
          await deps.members.insertMember(tx, inv.workspaceId, userId, role);
          await deps.audit.record(tx, joinCtx, { workspaceId: inv.workspaceId, action: 'member.add', targetType: 'user', targetId: userId, details: { role, email: inv.email, via: 'invitation' } });
        }
        await deps.audit.record(tx, joinCtx, { workspaceId: inv.workspaceId, action: 'invitation.accept', targetType: 'invitation', targetId: inv.id, details: { email: inv.email, role } });
        return { userId, added };
      },
      (facts, r) => {
        if (r.added) facts.setMember(inv.workspaceId, r.userId, role);
      },
    );
    return { userId: joined.userId, email: inv.email, workspaceId: inv.workspaceId, role, newUser: !existing };
  }

  /** What a request may ask; each method authorizes its caller first. */
  const api = {
    async create(caller: Caller, ref: string, input: { email: string; role: Role; expiresInHours?: number }) {
      const ws = await deps.workspaces.resolve(caller, ref);
      deps.policies.assertWorkspace(caller, ws.id, WorkspaceAction.manage_members);
      return create(ws.id, input, caller.ctx);
    },
    async list(caller: Caller, ref: string) {
      const ws = await deps.workspaces.resolve(caller, ref);
      deps.policies.assertWorkspace(caller, ws.id, WorkspaceAction.manage_members);
      return { invitations: await list(ws.id) };
    },
    async revoke(caller: Caller, ref: string, id: string) {
      const ws = await deps.workspaces.resolve(caller, ref);
      deps.policies.assertWorkspace(caller, ws.id, WorkspaceAction.manage_members);
      await revoke(ws.id, id, caller.ctx);
    },
    async accept(caller: Caller, input: { token: string; password?: string; name?: string }) {
      return accept(input, caller.principal?.userId ?? null, caller.ctx);
    },
  };

  return { create, list, revoke, accept, api };
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
export type InvitationsApi = InvitationsService['api'];
