/**
 * Custom groups and their members (admins only). The built-in groups (workspace,
 * workspace-guests, public) are derived from roles and are listed, never stored or edited.
 * Removing members can drop levels (rule 7): preview, then `confirm`.
 * Top level: trusted operations (demo, tests); `api`: what a request may ask, authorized.
 */
import { WorkspaceAction } from '../../access/access-types.js';
import type { Caller, RequestContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { DbOrTx, Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import { type ConfirmOptions, confirmDrops, presentImpact } from '../authz/authz-confirm.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import type { AuthzService } from '../authz/authz-service.js';
import type { UsersRepository } from '../users/users-repository.js';
import type { WorkspacesService } from '../workspaces/workspaces-service.js';
import type { GroupsRepository } from './groups-repository.js';

export const BUILTIN_GROUPS = [
  { id: 'workspace', name: 'Workspace', description: 'All admins, editors and viewers (not guests).' },
  { id: 'workspace-guests', name: 'Workspace guests', description: 'Every guest of the workspace.' },
  { id: 'public', name: 'Public', description: 'Everyone, including visitors of projects shared to the web.' },
] as const;

/**
 * What deleting a group needs of the modules above this one (projects hold group grants, assets
 * list groups with access): declared here, wired by main.ts, so this module does not import them.
 */
export interface GroupCascade {
  projects: { deleteGroupGrants(tx: DbOrTx, groupId: string): Promise<void> };
  assets: { removeGroupFromAccess(tx: DbOrTx, wsId: string, groupId: string): Promise<void> };
}

type Deps = GroupCascade & {
  store: Pick<Store, 'transaction'>;
  repo: GroupsRepository;
  users: Pick<UsersRepository, 'byIds'>;
  audit: Pick<AuditService, 'record'>;
  authz: Pick<AuthzService, 'commit'>;
  policies: Pick<AuthzPolicies, 'assertWorkspace' | 'role' | 'preview'>;
  workspaces: Pick<WorkspacesService, 'resolve'>;
};

export function createGroupsService(deps: Deps) {
  const { repo } = deps;

  async function get(wsId: string, groupId: string) {
    const g = await repo.get(wsId, groupId);
    if (!g) throw notFound('Group', groupId);
    return g;
  }

  async function list(wsId: string) {
    const [groups, counts] = await Promise.all([repo.list(wsId), repo.memberCounts(wsId)]);
    return {
      builtin: BUILTIN_GROUPS.map((b) => ({ ...b, builtin: true as const })),
      custom: groups.map((g) => ({ id: g.id, name: g.name, description: g.description, builtin: false as const, memberCount: counts.get(g.id) ?? 0, createdAt: g.created_at })),
    };
  }

  async function members(wsId: string, groupId: string) {
    await get(wsId, groupId);
    const rows = await repo.members(groupId);
    const users = await deps.users.byIds(rows.map((r) => r.userId));
    return rows
      .filter((r) => users.has(r.userId))
      .map((r) => ({ userId: r.userId, email: users.get(r.userId)!.email, name: users.get(r.userId)!.name, addedAt: r.addedAt }))
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
  }

  async function create(wsId: string, input: { name: string; description?: string }, ctx: RequestContext) {
    const name = input.name.trim();
    const nameKey = name.toLowerCase();
    if (BUILTIN_GROUPS.some((b) => b.id === nameKey || b.name.toLowerCase() === nameKey)) {
      throw new AppError('already_exists', `'${input.name}' is the name of a built-in group; choose another name.`, { field: 'name' });
    }
    const id = newId('grp');
    await deps.authz.commit(
      async (tx) => {
        const clash = await repo.nameClash(tx, wsId, nameKey);
        if (clash) throw new AppError('already_exists', `A group named '${name}' already exists.`, { field: 'name', id: clash });
        await repo.insert(tx, { id, workspaceId: wsId, name, description: input.description ?? '' });
        await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'group.create', targetType: 'group', targetId: id, details: { name } });
      },
      (facts) => facts.addGroup({ id, workspaceId: wsId }),
    );
    return { id, name, description: input.description ?? '', builtin: false as const, memberCount: 0 };
  }

  async function update(wsId: string, groupId: string, patch: { name?: string; description?: string }, ctx: RequestContext) {
    await get(wsId, groupId);
    await deps.store.transaction(async (tx) => {
      const set: { name?: string; name_key?: string; description?: string } = {};
      if (patch.name) {
        const nameKey = patch.name.trim().toLowerCase();
        if (await repo.nameClash(tx, wsId, nameKey, groupId)) throw new AppError('already_exists', `A group named '${patch.name.trim()}' already exists.`, { field: 'name' });
        set.name = patch.name.trim();
        set.name_key = nameKey;
      }
      if (patch.description !== undefined) set.description = patch.description;
      await repo.update(tx, groupId, set);
      await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'group.update', targetType: 'group', targetId: groupId, details: { ...patch } });
    });
    return get(wsId, groupId);
  }

  async function addMembers(wsId: string, groupId: string, userIds: string[], ctx: RequestContext) {
    await get(wsId, groupId);
    const notMembers = userIds.filter((u) => !deps.policies.role(u, wsId));
    if (notMembers.length) throw new AppError('validation_failed', 'Only members of the workspace can join its groups.', { notMembers });
    const unique = [...new Set(userIds)];
    await deps.authz.commit(
      async (tx) => {
        await repo.addMembers(tx, groupId, unique);
        await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'group.members_add', targetType: 'group', targetId: groupId, details: { userIds: unique } });
      },
      (facts) => unique.forEach((u) => facts.addGroupMember(groupId, u)),
    );
  }

  async function removeMembers(wsId: string, groupId: string, userIds: string[], opts: ConfirmOptions, ctx: RequestContext) {
    await get(wsId, groupId);
    const impact = deps.policies.preview.removeGroupMembers(groupId, userIds);
    return confirmDrops(opts, 'Removing these members', impact, async () => {
      await deps.authz.commit(
        async (tx) => {
          await repo.removeMembers(tx, groupId, userIds);
          await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'group.members_remove', targetType: 'group', targetId: groupId, details: { userIds, downgrades: impact.length } });
        },
        (facts) => userIds.forEach((u) => facts.removeGroupMember(groupId, u)),
      );
      return { applied: true, impact: presentImpact(impact) };
    });
  }

  async function remove(wsId: string, groupId: string, opts: ConfirmOptions, ctx: RequestContext) {
    const g = await get(wsId, groupId);
    const memberIds = (await repo.members(groupId)).map((m) => m.userId);
    // Deleting a group removes everyone from it at once: the same preview as removing them all.
    const impact = deps.policies.preview.removeGroupMembers(groupId, memberIds);
    return confirmDrops(opts, 'Deleting this group', impact, async () => {
      await deps.authz.commit(
        async (tx) => {
          await deps.projects.deleteGroupGrants(tx, groupId);
          await repo.delete(tx, groupId);
          await deps.assets.removeGroupFromAccess(tx, wsId, groupId);
          await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'group.delete', targetType: 'group', targetId: groupId, details: { name: g.name, members: memberIds.length } });
        },
        (facts) => facts.removeGroup(groupId),
      );
      return { applied: true, impact: presentImpact(impact) };
    });
  }

  /** A workspace the caller may do `action` in. */
  async function workspaceFor(caller: Caller, ref: string, action: WorkspaceAction) {
    const ws = await deps.workspaces.resolve(caller, ref);
    deps.policies.assertWorkspace(caller, ws.id, action);
    return ws;
  }
  const present = (g: { id: string; name: string; description: string; created_at: string }) => ({ id: g.id, name: g.name, description: g.description, createdAt: g.created_at });

  const api = {
    list: async (caller: Caller, ref: string) => list((await workspaceFor(caller, ref, WorkspaceAction.view_members)).id),
    create: async (caller: Caller, ref: string, input: { name: string; description?: string }) => create((await workspaceFor(caller, ref, WorkspaceAction.manage_groups)).id, input, caller.ctx),
    async get(caller: Caller, ref: string, groupId: string) {
      const ws = await workspaceFor(caller, ref, WorkspaceAction.view_members);
      const g = await get(ws.id, groupId);
      return { ...present(g), members: await members(ws.id, g.id) };
    },
    async update(caller: Caller, ref: string, groupId: string, patch: { name?: string; description?: string }) {
      const ws = await workspaceFor(caller, ref, WorkspaceAction.manage_groups);
      return present(await update(ws.id, groupId, patch, caller.ctx));
    },
    remove: async (caller: Caller, ref: string, groupId: string, opts: ConfirmOptions) => remove((await workspaceFor(caller, ref, WorkspaceAction.manage_groups)).id, groupId, opts, caller.ctx),
    addMembers: async (caller: Caller, ref: string, groupId: string, userIds: string[]) => addMembers((await workspaceFor(caller, ref, WorkspaceAction.manage_groups)).id, groupId, userIds, caller.ctx),
    removeMembers: async (caller: Caller, ref: string, groupId: string, userIds: string[], opts: ConfirmOptions) =>
      removeMembers((await workspaceFor(caller, ref, WorkspaceAction.manage_groups)).id, groupId, userIds, opts, caller.ctx),
  };

  return { get, list, members, create, update, addMembers, removeMembers, remove, api };
}

export type GroupsService = ReturnType<typeof createGroupsService>;
export type GroupsApi = GroupsService['api'];
