/**
 * Custom groups and their members (admins only). The built-in groups (workspace,
 * workspace-guests, public) are derived from roles and are listed, never stored or edited.
 * Removing members can drop levels (rule 7): preview, then `confirm`.
 */
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import type { RequestContext } from '../audit/audit-types.js';
import type { AuthzService } from '../authz/authz-service.js';
import { presentImpact } from '../authz/authz-impact.js';
import { confirmationRequired } from '../workspaces/workspaces-service.js';

export const BUILTIN_GROUPS = [
  { id: 'workspace', name: 'Workspace', description: 'All admins, editors and viewers (not guests).' },
  { id: 'workspace-guests', name: 'Workspace guests', description: 'Every guest of the workspace.' },
  { id: 'public', name: 'Public', description: 'Everyone, including visitors of projects shared to the web.' },
] as const;

type Deps = { store: Store; audit: AuditService; authz: AuthzService };

export function createGroupsService(deps: Deps) {
  const { db } = deps.store;

  async function get(wsId: string, groupId: string) {
    const g = await db.selectFrom('groups').selectAll().where('id', '=', groupId).where('workspace_id', '=', wsId).executeTakeFirst();
    if (!g) throw notFound('Group', groupId);
    return g;
  }

  async function list(wsId: string) {
    const groups = await db.selectFrom('groups').selectAll().where('workspace_id', '=', wsId).orderBy('name_key').execute();
    const counts = await db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['group_members.group_id', db.fn.countAll<number>().as('n')])
      .where('groups.workspace_id', '=', wsId)
      .groupBy('group_members.group_id')
      .execute();
    const byId = new Map(counts.map((c) => [c.group_id, Number(c.n)]));
    return {
      builtin: BUILTIN_GROUPS.map((b) => ({ ...b, builtin: true as const })),
      custom: groups.map((g) => ({ id: g.id, name: g.name, description: g.description, builtin: false as const, memberCount: byId.get(g.id) ?? 0, createdAt: g.created_at })),
    };
  }

  async function members(wsId: string, groupId: string) {
    await get(wsId, groupId);
    const rows = await db
      .selectFrom('group_members')
      .innerJoin('users', 'users.id', 'group_members.user_id')
      .select(['users.id', 'users.email', 'users.name', 'group_members.created_at'])
      .where('group_members.group_id', '=', groupId)
      .orderBy('users.email')
      .execute();
    return rows.map((r) => ({ userId: r.id, email: r.email, name: r.name, addedAt: r.created_at }));
  }

  async function create(wsId: string, input: { name: string; description?: string }, ctx: RequestContext) {
    const nameKey = input.name.trim().toLowerCase();
    if (BUILTIN_GROUPS.some((b) => b.id === nameKey || b.name.toLowerCase() === nameKey)) {
      throw new AppError('already_exists', `'${input.name}' is the name of a built-in group; choose another name.`, { field: 'name' });
    }
    const id = newId('grp');
    const version = await deps.store.transaction(async (tx) => {
      const clash = await tx.selectFrom('groups').select('id').where('workspace_id', '=', wsId).where('name_key', '=', nameKey).executeTakeFirst();
      if (clash) throw new AppError('already_exists', `A group named '${input.name.trim()}' already exists.`, { field: 'name', id: clash.id });
      await tx.insertInto('groups').values({ id, workspace_id: wsId, name: input.name.trim(), name_key: nameKey, description: input.description ?? '', created_at: nowIso() }).execute();
      await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'group.create', targetType: 'group', targetId: id, details: { name: input.name.trim() } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (idx) => idx.addGroup({ id, workspaceId: wsId }));
    return { id, name: input.name.trim(), description: input.description ?? '', builtin: false as const, memberCount: 0 };
  }

  async function update(wsId: string, groupId: string, patch: { name?: string; description?: string }, ctx: RequestContext) {
    await get(wsId, groupId);
    await deps.store.transaction(async (tx) => {
      const set: Record<string, string> = {};
      if (patch.name) {
        const nameKey = patch.name.trim().toLowerCase();
        const clash = await tx.selectFrom('groups').select('id').where('workspace_id', '=', wsId).where('name_key', '=', nameKey).where('id', '!=', groupId).executeTakeFirst();
        if (clash) throw new AppError('already_exists', `A group named '${patch.name.trim()}' already exists.`, { field: 'name' });
        set.name = patch.name.trim();
        set.name_key = nameKey;
      }
      if (patch.description !== undefined) set.description = patch.description;
      if (Object.keys(set).length) await tx.updateTable('groups').set(set).where('id', '=', groupId).execute();
      await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'group.update', targetType: 'group', targetId: groupId, details: { ...patch } });
    });
    return get(wsId, groupId);
  }

  async function addMembers(wsId: string, groupId: string, userIds: string[], ctx: RequestContext) {
    await get(wsId, groupId);
    const idx = deps.authz.index;
    const notMembers = userIds.filter((u) => !idx.roleIn(u, wsId));
    if (notMembers.length) throw new AppError('validation_failed', 'Only members of the workspace can join its groups.', { notMembers });
    const version = await deps.store.transaction(async (tx) => {
      const now = nowIso();
      for (const u of new Set(userIds)) {
        await tx.insertInto('group_members').values({ group_id: groupId, user_id: u, created_at: now }).onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing()).execute();
      }
      await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'group.members_add', targetType: 'group', targetId: groupId, details: { userIds: [...new Set(userIds)] } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (i) => userIds.forEach((u) => i.addGroupMember(groupId, u)));
  }

  async function removeMembers(wsId: string, groupId: string, userIds: string[], opts: { confirm: boolean; dryRun: boolean }, ctx: RequestContext) {
    await get(wsId, groupId);
    const impact = deps.authz.index.previewRemoveGroupMembers(groupId, userIds);
    if (opts.dryRun) return { applied: false, impact: presentImpact(impact) };
    if (impact.length && !opts.confirm) throw confirmationRequired('Removing these members', impact);
    const version = await deps.store.transaction(async (tx) => {
      await tx.deleteFrom('group_members').where('group_id', '=', groupId).where('user_id', 'in', userIds).execute();
      await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'group.members_remove', targetType: 'group', targetId: groupId, details: { userIds, downgrades: impact.length } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (i) => userIds.forEach((u) => i.removeGroupMember(groupId, u)));
    return { applied: true, impact: presentImpact(impact) };
  }

  async function remove(wsId: string, groupId: string, opts: { confirm: boolean; dryRun: boolean }, ctx: RequestContext) {
    const g = await get(wsId, groupId);
    const memberIds = (await db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute()).map((r) => r.user_id);
    // Deleting a group removes everyone from it at once: the same preview as removing them all.
    const impact = deps.authz.index.previewRemoveGroupMembers(groupId, memberIds);
    if (opts.dryRun) return { applied: false, impact: presentImpact(impact) };
    if (impact.length && !opts.confirm) throw confirmationRequired('Deleting this group', impact);
    const version = await deps.store.transaction(async (tx) => {
      await tx.deleteFrom('project_grants').where('subject_type', '=', 'group').where('subject_id', '=', groupId).execute();
      await tx.deleteFrom('groups').where('id', '=', groupId).execute();
      const assets = await tx.selectFrom('assets').select(['id', 'access']).where('workspace_id', '=', wsId).where('access', 'like', `%${groupId}%`).execute();
      for (const a of assets) {
        const access = (JSON.parse(a.access) as string[]).filter((x) => x !== groupId);
        await tx.updateTable('assets').set({ access: JSON.stringify(access), updated_at: nowIso() }).where('id', '=', a.id).execute();
      }
      await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'group.delete', targetType: 'group', targetId: groupId, details: { name: g.name, members: memberIds.length } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (i) => i.removeGroup(groupId));
    return { applied: true, impact: presentImpact(impact) };
  }

  return { get, list, members, create, update, addMembers, removeMembers, remove };
}

export type GroupsService = ReturnType<typeof createGroupsService>;
