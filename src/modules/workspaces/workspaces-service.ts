/**
 * Workspaces and their members (roles). Role changes and removals can drop people's levels on
 * projects (rule 7), so they preview first and need `confirm` when anyone would lose access.
 *
 * The factory's top level holds the trusted operations (the demo seed, the CLI and tests call
 * them with a RequestContext; the caller is already authorized); `api` holds what a request may
 * ask, each method authorizing its `Caller` through the policies first.
 */
import { Role, WorkspaceAction } from '../../access/access-types.js';
import type { Caller, RequestContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { DbOrTx, Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import { type ConfirmOptions, confirmDrops, presentImpact } from '../authz/authz-confirm.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import type { AuthzService } from '../authz/authz-service.js';
import { hashPassword } from '../auth/auth-passwords.js';
import type { Plan } from '../plans.js';
import type { UsersRepository } from '../users/users-repository.js';
import type { WorkspaceRow, WorkspacesRepository } from './workspaces-repository.js';

export type { WorkspaceRow } from './workspaces-repository.js';

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

/**
 * What removing a member needs of the groups and projects modules, which sit above this one:
 * declared here (and wired by main.ts) so this module does not import them.
 */
export interface MemberCascade {
  groups: {
    groupsOf(tx: DbOrTx, wsId: string, userId: string): Promise<string[]>;
    leave(tx: DbOrTx, userId: string, groupIds: string[]): Promise<void>;
  };
  projects: {
    userGrantProjects(tx: DbOrTx, wsId: string, userId: string): Promise<string[]>;
    deleteUserGrants(tx: DbOrTx, userId: string, projectIds: string[]): Promise<void>;
  };
}

type Deps = MemberCascade & {
  store: Pick<Store, 'transaction'>;
  repo: WorkspacesRepository;
  users: Pick<UsersRepository, 'byIds' | 'byEmailWithHash' | 'insert'>;
  audit: Pick<AuditService, 'record'>;
  authz: Pick<AuthzService, 'commit'>;
  policies: Pick<AuthzPolicies, 'assertSignedIn' | 'assertMember' | 'assertWorkspace' | 'workspaceActions' | 'role' | 'preview'>;
};

export function createWorkspacesService(deps: Deps) {
  const { repo, policies } = deps;

  async function get(idOrSlug: string): Promise<WorkspaceRow> {
    const w = await repo.byIdOrSlug(idOrSlug);
    if (!w) throw notFound('Workspace', idOrSlug);
    return w;
  }

  /** Resolves a `{ws}` reference for a caller: 401 when anonymous, 404 for a workspace they are not in. */
  async function resolve(caller: Caller, idOrSlug: string): Promise<WorkspaceRow> {
    policies.assertSignedIn(caller);
    const ws = await repo.byIdOrSlug(idOrSlug);
    policies.assertMember(caller, ws?.id ?? null, idOrSlug);
    return ws!;
  }

  /** Creates a workspace with `adminUserId` as its first admin (CLI, demo, tests). */
  async function create(input: { name: string; slug: string; plan: Plan; adminUserId: string }, ctx: RequestContext): Promise<WorkspaceRow> {
    const ws: WorkspaceRow = { id: newId('ws'), slug: input.slug, name: input.name, plan: input.plan, defaultConnectionId: null, createdAt: nowIso() };
    await deps.authz.commit(
      async (tx) => {
        if (await repo.slugTaken(tx, input.slug)) throw new AppError('already_exists', `A workspace with the slug '${input.slug}' already exists.`, { field: 'slug' });
        await repo.insert(tx, ws);
        await repo.insertMember(tx, ws.id, input.adminUserId, Role.admin);
        await deps.audit.record(tx, ctx, { workspaceId: ws.id, action: 'workspace.create', targetType: 'workspace', targetId: ws.id, details: { name: input.name, slug: input.slug, plan: input.plan } });
        await deps.audit.record(tx, ctx, { workspaceId: ws.id, action: 'member.add', targetType: 'user', targetId: input.adminUserId, details: { role: Role.admin } });
      },
      (facts) => facts.setMember(ws.id, input.adminUserId, Role.admin),
    );
    return ws;
  }

  async function update(ws: WorkspaceRow, patch: { name?: string; plan?: Plan }, ctx: RequestContext): Promise<WorkspaceRow> {
    if (patch.name === undefined && patch.plan === undefined) {
      throw new AppError('validation_failed', 'Nothing to change: send a new name, a plan, or both.', { fields: ['name', 'plan'] });
    }
    await deps.store.transaction(async (tx) => {
      await repo.update(tx, ws.id, patch);
      await deps.audit.record(tx, ctx, { workspaceId: ws.id, action: 'workspace.update', targetType: 'workspace', targetId: ws.id, details: { ...patch } });
    });
    return get(ws.id);
  }

  async function listMembers(wsId: string): Promise<MemberView[]> {
    const members = await repo.members(wsId);
    const users = await deps.users.byIds(members.map((m) => m.userId));
    return members
      .map((m) => ({ userId: m.userId, email: users.get(m.userId)?.email ?? '', name: users.get(m.userId)?.name ?? '', role: m.role, joinedAt: m.joinedAt }))
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
  }

  async function findOrCreateUser(tx: DbOrTx, input: { email: string; name?: string; password?: string }, ctx: RequestContext) {
    const email = input.email.trim().toLowerCase();
    const existing = await deps.users.byEmailWithHash(email, tx);
    if (existing) return { id: existing.id, email: existing.email, name: existing.name, created: false };
    const name = input.name ?? email.split('@')[0]!;
    const u = await deps.users.insert(tx, { email, name, passwordHash: input.password ? await hashPassword(input.password) : null });
    await deps.audit.record(tx, ctx, { workspaceId: '', action: 'user.create', targetType: 'user', targetId: u.id, details: { email } });
    return { id: u.id, email, name, created: true };
  }

  /** A user outside any workspace yet (first admin, from the CLI or the demo). */
  async function findOrCreateUserStandalone(input: { email: string; name?: string; password?: string }, ctx: RequestContext) {
    return deps.store.transaction((tx) => findOrCreateUser(tx, input, ctx));
  }

  /**
   * Bootstrap only (the demo seed, tests): adds a member directly, creating the user with a
   * password when new. Requests never reach this — members join by invitation (modules/invitations).
   */
  async function addMember(ws: WorkspaceRow, input: { email: string; name?: string; role: Role; password?: string }, ctx: RequestContext): Promise<MemberView> {
    const user = await deps.authz.commit(
      async (tx) => {
        const user = await findOrCreateUser(tx, input, ctx);
        const existing = await repo.role(tx, ws.id, user.id);
        if (existing) throw new AppError('already_exists', `${user.email} is already a member of this workspace (role ${existing}).`, { userId: user.id });
        await repo.insertMember(tx, ws.id, user.id, input.role);
        await deps.audit.record(tx, ctx, { workspaceId: ws.id, action: 'member.add', targetType: 'user', targetId: user.id, details: { role: input.role, email: user.email } });
        return user;
      },
      (facts, user) => facts.setMember(ws.id, user.id, input.role),
    );
    return { userId: user.id, email: user.email, name: user.name, role: input.role, joinedAt: nowIso() };
  }

  async function assertNotLastAdmin(tx: DbOrTx, wsId: string, userId: string, what: string): Promise<void> {
    const admins = await repo.admins(tx, wsId);
    if (admins.length === 1 && admins[0] === userId) {
      throw new AppError('last_admin', `Cannot ${what} the last admin of the workspace; make another member an admin first.`, { userId });
    }
  }

  async function memberRole(tx: DbOrTx, wsId: string, userId: string): Promise<Role> {
    const role = await repo.role(tx, wsId, userId);
    if (!role) throw notFound('Member', userId);
    return role;
  }

  async function changeRole(ws: WorkspaceRow, userId: string, role: Role, opts: ConfirmOptions, ctx: RequestContext) {
    const impact = policies.preview.setRole(ws.id, userId, role);
    return confirmDrops(opts, 'Changing this role', impact, async () => {
      const from = await deps.authz.commit(
        async (tx) => {
          const from = await memberRole(tx, ws.id, userId);
          if (from === Role.admin && role !== Role.admin) await assertNotLastAdmin(tx, ws.id, userId, 'demote');
          await repo.setRole(tx, ws.id, userId, role);
          await deps.audit.record(tx, ctx, { workspaceId: ws.id, action: 'member.role_change', targetType: 'user', targetId: userId, details: { from, to: role, downgrades: impact.length } });
          return from;
        },
        (facts) => facts.setMember(ws.id, userId, role),
      );
      return { applied: true, from, to: role, impact: presentImpact(impact) };
    });
  }

  async function removeMember(ws: WorkspaceRow, userId: string, opts: ConfirmOptions, ctx: RequestContext) {
    const impact = policies.preview.removeMember(ws.id, userId);
    return confirmDrops(opts, 'Removing this member', impact, async () => {
      await deps.authz.commit(
        async (tx) => {
          const role = await memberRole(tx, ws.id, userId);
          if (role === Role.admin) await assertNotLastAdmin(tx, ws.id, userId, 'remove');
          // Their group memberships and user grants in this workspace go too: re-adding them
          // later must not bring old access back.
          const groups = await deps.groups.groupsOf(tx, ws.id, userId);
          const grants = await deps.projects.userGrantProjects(tx, ws.id, userId);
          await repo.deleteMember(tx, ws.id, userId);
          await deps.groups.leave(tx, userId, groups);
          await deps.projects.deleteUserGrants(tx, userId, grants);
          await deps.audit.record(tx, ctx, { workspaceId: ws.id, action: 'member.remove', targetType: 'user', targetId: userId, details: { role, downgrades: impact.length, groupsLeft: groups.length, grantsRemoved: grants.length } });
          return { groups, grants };
        },
        (facts, { groups, grants }) => {
          for (const g of groups) facts.removeGroupMember(g, userId);
          for (const p of grants) facts.removeGrant(p, { type: 'user', userId });
          facts.removeMember(ws.id, userId);
        },
      );
      return { applied: true, impact: presentImpact(impact) };
    });
  }

  /** What a request may ask; each method authorizes its caller first. */
  const api = {
    async list(caller: Caller) {
      const userId = policies.assertSignedIn(caller).userId;
      const list = await repo.forUser(userId);
      return { workspaces: list.map((w) => ({ ...w, allowedActions: policies.workspaceActions(userId, w.id) })) };
    },
    async show(caller: Caller, ref: string) {
      const ws = await resolve(caller, ref);
      const userId = caller.principal!.userId;
      return { ...ws, role: policies.role(userId, ws.id)!, allowedActions: policies.workspaceActions(userId, ws.id) };
    },
    async update(caller: Caller, ref: string, patch: { name?: string; plan?: Plan }) {
      const ws = await resolve(caller, ref);
      policies.assertWorkspace(caller, ws.id, WorkspaceAction.manage_members);
      return update(ws, patch, caller.ctx);
    },
    async members(caller: Caller, ref: string) {
      const ws = await resolve(caller, ref);
      policies.assertWorkspace(caller, ws.id, WorkspaceAction.view_members);
      return { members: await listMembers(ws.id) };
    },
    async changeRole(caller: Caller, ref: string, userId: string, role: Role, opts: ConfirmOptions) {
      const ws = await resolve(caller, ref);
      policies.assertWorkspace(caller, ws.id, WorkspaceAction.manage_members);
      return changeRole(ws, userId, role, opts, caller.ctx);
    },
    async removeMember(caller: Caller, ref: string, userId: string, opts: ConfirmOptions) {
      const ws = await resolve(caller, ref);
      policies.assertWorkspace(caller, ws.id, WorkspaceAction.manage_members);
      return removeMember(ws, userId, opts, caller.ctx);
    },
  };

  return {
    get,
    resolve,
    listForUser: repo.forUser,
    isFresh: async () => !(await repo.any()),
    defaultConnectionId: repo.defaultConnectionId,
    create,
    update,
    listMembers,
    findOrCreateUser,
    findOrCreateUserStandalone,
    addMember,
    changeRole,
    removeMember,
    api,
  };
}

export type WorkspacesService = ReturnType<typeof createWorkspacesService>;
export type WorkspacesApi = WorkspacesService['api'];
