/**
 * Workspaces and their members (roles). Role changes and removals can drop people's levels on
 * projects (rule 7), so they preview first and need `confirm` when anyone would lose access.
 */
import { Role } from '../../access/access-types.js';
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { DbOrTx, Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import type { RequestContext } from '../audit/audit-types.js';
import type { AuthzService } from '../authz/authz-service.js';
import type { Plan } from '../plans.js';
import { hashPassword } from '../auth/auth-passwords.js';
import { type Impact, presentImpact } from '../authz/authz-impact.js';

export interface WorkspaceRow {
  id: string;
  slug: string;
  name: string;
  plan: Plan;
  defaultConnectionId: string | null;
  createdAt: string;
}

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

type Deps = { store: Store; audit: AuditService; authz: AuthzService };

export function createWorkspacesService(deps: Deps) {
  const { db } = deps.store;

  async function get(idOrSlug: string): Promise<WorkspaceRow> {
    const w = await db
      .selectFrom('workspaces')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
      .executeTakeFirst();
    if (!w) throw notFound('Workspace', idOrSlug);
    return { id: w.id, slug: w.slug, name: w.name, plan: w.plan as Plan, defaultConnectionId: w.default_connection_id, createdAt: w.created_at };
  }

  /** Resolves the `{ws}` path parameter, answering 404 for a workspace the user is not in. */
  async function getForUser(idOrSlug: string, userId: string): Promise<WorkspaceRow> {
    let ws: WorkspaceRow;
    try {
      ws = await get(idOrSlug);
    } catch {
      throw notFound('Workspace', idOrSlug);
    }
    if (!deps.authz.index.roleIn(userId, ws.id)) throw notFound('Workspace', idOrSlug);
    return ws;
  }

  async function listForUser(userId: string) {
    const rows = await db
      .selectFrom('memberships')
      .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
      .select(['workspaces.id', 'workspaces.slug', 'workspaces.name', 'workspaces.plan', 'memberships.role'])
      .where('memberships.user_id', '=', userId)
      .orderBy('workspaces.name')
      .execute();
    return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, plan: r.plan as Plan, role: r.role as Role }));
  }

  /** Creates a workspace with `adminUserId` as its first admin (CLI, demo, tests). */
  async function create(input: { name: string; slug: string; plan: Plan; adminUserId: string }, ctx: RequestContext): Promise<WorkspaceRow> {
    const id = newId('ws');
    const now = nowIso();
    const version = await deps.store.transaction(async (tx) => {
      const clash = await tx.selectFrom('workspaces').select('id').where('slug', '=', input.slug).executeTakeFirst();
      if (clash) throw new AppError('already_exists', `A workspace with the slug '${input.slug}' already exists.`, { field: 'slug' });
      await tx.insertInto('workspaces').values({ id, slug: input.slug, name: input.name, plan: input.plan, default_connection_id: null, created_at: now }).execute();
      await tx.insertInto('memberships').values({ workspace_id: id, user_id: input.adminUserId, role: Role.admin, created_at: now }).execute();
      await deps.audit.record(tx, ctx, { workspaceId: id, action: 'workspace.create', targetType: 'workspace', targetId: id, details: { name: input.name, slug: input.slug, plan: input.plan } });
      await deps.audit.record(tx, ctx, { workspaceId: id, action: 'member.add', targetType: 'user', targetId: input.adminUserId, details: { role: Role.admin } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (idx) => idx.setMember(id, input.adminUserId, Role.admin));
    return { id, slug: input.slug, name: input.name, plan: input.plan, defaultConnectionId: null, createdAt: now };
  }

  async function update(ws: WorkspaceRow, patch: { name?: string; plan?: Plan }, ctx: RequestContext): Promise<WorkspaceRow> {
    await deps.store.transaction(async (tx) => {
      await tx.updateTable('workspaces').set({ ...(patch.name ? { name: patch.name } : {}), ...(patch.plan ? { plan: patch.plan } : {}) }).where('id', '=', ws.id).execute();
      await deps.audit.record(tx, ctx, { workspaceId: ws.id, action: 'workspace.update', targetType: 'workspace', targetId: ws.id, details: { ...patch } });
    });
    return get(ws.id);
  }

  async function listMembers(wsId: string): Promise<MemberView[]> {
    const rows = await db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['users.id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
      .where('memberships.workspace_id', '=', wsId)
      .orderBy('users.email')
      .execute();
    return rows.map((r) => ({ userId: r.id, email: r.email, name: r.name, role: r.role as Role, joinedAt: r.created_at }));
  }

  async function findOrCreateUser(tx: DbOrTx, input: { email: string; name?: string; password?: string }, ctx: RequestContext) {
    const email = input.email.trim().toLowerCase();
    const existing = await tx.selectFrom('users').select(['id', 'email', 'name']).where('email', '=', email).executeTakeFirst();
    if (existing) return { ...existing, created: false };
    const id = newId('usr');
    await tx
      .insertInto('users')
      .values({ id, email, name: input.name ?? email.split('@')[0]!, password_hash: input.password ? await hashPassword(input.password) : null, created_at: nowIso() })
      .execute();
    await deps.audit.record(tx, ctx, { workspaceId: '', action: 'user.create', targetType: 'user', targetId: id, details: { email } });
    return { id, email, name: input.name ?? email.split('@')[0]!, created: true };
  }

  async function addMember(ws: WorkspaceRow, input: { email: string; name?: string; role: Role; password?: string }, ctx: RequestContext): Promise<MemberView> {
    const { user, version } = await deps.store.transaction(async (tx) => {
      const user = await findOrCreateUser(tx, input, ctx);
      const existing = await tx.selectFrom('memberships').select('role').where('workspace_id', '=', ws.id).where('user_id', '=', user.id).executeTakeFirst();
      if (existing) throw new AppError('already_exists', `${user.email} is already a member of this workspace (role ${existing.role}).`, { userId: user.id });
      await tx.insertInto('memberships').values({ workspace_id: ws.id, user_id: user.id, role: input.role, created_at: nowIso() }).execute();
      await deps.audit.record(tx, ctx, { workspaceId: ws.id, action: 'member.add', targetType: 'user', targetId: user.id, details: { role: input.role, email: user.email } });
      return { user, version: await deps.authz.bump(tx) };
    });
    deps.authz.applyCommitted(version, (idx) => idx.setMember(ws.id, user.id, input.role));
    return { userId: user.id, email: user.email, name: user.name, role: input.role, joinedAt: nowIso() };
  }

  async function assertNotLastAdmin(tx: DbOrTx, wsId: string, userId: string, what: string): Promise<void> {
    const admins = await tx.selectFrom('memberships').select('user_id').where('workspace_id', '=', wsId).where('role', '=', Role.admin).execute();
    if (admins.length === 1 && admins[0]!.user_id === userId) {
      throw new AppError('last_admin', `Cannot ${what} the last admin of the workspace; make another member an admin first.`, { userId });
    }
  }

  async function memberRole(tx: DbOrTx, wsId: string, userId: string): Promise<Role> {
    const m = await tx.selectFrom('memberships').select('role').where('workspace_id', '=', wsId).where('user_id', '=', userId).executeTakeFirst();
    if (!m) throw notFound('Member', userId);
    return m.role as Role;
  }

  async function changeRole(ws: WorkspaceRow, userId: string, role: Role, opts: { confirm: boolean; dryRun: boolean }, ctx: RequestContext) {
    const impact: Impact[] = deps.authz.index.previewSetRole(ws.id, userId, role);
    if (opts.dryRun) return { applied: false, impact: presentImpact(impact) };
    if (impact.length && !opts.confirm) throw confirmationRequired('Changing this role', impact);
    const { version, from } = await deps.store.transaction(async (tx) => {
      const from = await memberRole(tx, ws.id, userId);
      if (from === Role.admin && role !== Role.admin) await assertNotLastAdmin(tx, ws.id, userId, 'demote');
      await tx.updateTable('memberships').set({ role }).where('workspace_id', '=', ws.id).where('user_id', '=', userId).execute();
      await deps.audit.record(tx, ctx, { workspaceId: ws.id, action: 'member.role_change', targetType: 'user', targetId: userId, details: { from, to: role, downgrades: impact.length } });
      return { version: await deps.authz.bump(tx), from };
    });
    deps.authz.applyCommitted(version, (idx) => idx.setMember(ws.id, userId, role));
    return { applied: true, from, to: role, impact: presentImpact(impact) };
  }

  async function removeMember(ws: WorkspaceRow, userId: string, opts: { confirm: boolean; dryRun: boolean }, ctx: RequestContext) {
    const impact: Impact[] = deps.authz.index.previewRemoveMember(ws.id, userId);
    if (opts.dryRun) return { applied: false, impact: presentImpact(impact) };
    if (impact.length && !opts.confirm) throw confirmationRequired('Removing this member', impact);
    const { version, groups, grants } = await deps.store.transaction(async (tx) => {
      const role = await memberRole(tx, ws.id, userId);
      if (role === Role.admin) await assertNotLastAdmin(tx, ws.id, userId, 'remove');
      // Their group memberships and user grants in this workspace go too: re-adding them later
      // must not bring old access back.
      const groups = (await tx.selectFrom('group_members').innerJoin('groups', 'groups.id', 'group_members.group_id').select('groups.id').where('groups.workspace_id', '=', ws.id).where('group_members.user_id', '=', userId).execute()).map((r) => r.id);
      const grants = (await tx.selectFrom('project_grants').innerJoin('projects', 'projects.id', 'project_grants.project_id').select('projects.id').where('projects.workspace_id', '=', ws.id).where('project_grants.subject_type', '=', 'user').where('project_grants.subject_id', '=', userId).execute()).map((r) => r.id);
      await tx.deleteFrom('memberships').where('workspace_id', '=', ws.id).where('user_id', '=', userId).execute();
      if (groups.length) await tx.deleteFrom('group_members').where('user_id', '=', userId).where('group_id', 'in', groups).execute();
      if (grants.length) await tx.deleteFrom('project_grants').where('subject_type', '=', 'user').where('subject_id', '=', userId).where('project_id', 'in', grants).execute();
      await deps.audit.record(tx, ctx, { workspaceId: ws.id, action: 'member.remove', targetType: 'user', targetId: userId, details: { role, downgrades: impact.length, groupsLeft: groups.length, grantsRemoved: grants.length } });
      return { version: await deps.authz.bump(tx), groups, grants };
    });
    deps.authz.applyCommitted(version, (idx) => {
      for (const g of groups) idx.removeGroupMember(g, userId);
      for (const p of grants) idx.removeGrant(p, { type: 'user', userId });
      idx.removeMember(ws.id, userId);
    });
    return { applied: true, impact: presentImpact(impact) };
  }

  /** A user outside any workspace yet (first admin, from the CLI or the demo). */
  async function findOrCreateUserStandalone(input: { email: string; name?: string; password?: string }, ctx: RequestContext) {
    return deps.store.transaction((tx) => findOrCreateUser(tx, input, ctx));
  }

  return { findOrCreateUserStandalone, get, getForUser, listForUser, create, update, listMembers, addMember, changeRole, removeMember, findOrCreateUser };
}

export function confirmationRequired(what: string, impact: Impact[]): AppError {
  const users = new Set(impact.map((i) => i.userId)).size;
  const projects = new Set(impact.map((i) => i.projectId)).size;
  return new AppError(
    'confirmation_required',
    `${what} would lower the access of ${users} user(s) on ${projects} project(s). Review details.impact and repeat the request with "confirm": true to proceed.`,
    { impact: presentImpact(impact) },
  );
}

export type WorkspacesService = ReturnType<typeof createWorkspacesService>;
