/** The groups module's tables: `groups` (custom groups) and `group_members`. */
import type { AccessFacts } from '../../access/access-types.js';
import { nowIso } from '../../ids.js';
import type { Db, DbOrTx, Store } from '../../store/store.js';
import type { GroupsTable } from '../../store/store-schema.js';

export function createGroupsRepository(store: Pick<Store, 'db'>) {
  const { db } = store;
  return {
    async get(wsId: string, groupId: string): Promise<GroupsTable | undefined> {
      return db.selectFrom('groups').selectAll().where('id', '=', groupId).where('workspace_id', '=', wsId).executeTakeFirst();
    },
    async list(wsId: string): Promise<GroupsTable[]> {
      return db.selectFrom('groups').selectAll().where('workspace_id', '=', wsId).orderBy('name_key').execute();
    },
    async namesByIds(ids: string[]): Promise<Map<string, string>> {
      if (!ids.length) return new Map();
      const rows = await db.selectFrom('groups').select(['id', 'name']).where('id', 'in', ids).execute();
      return new Map(rows.map((g) => [g.id, g.name]));
    },
    /** Which of `ids` are custom groups of the workspace. */
    async existing(wsId: string, ids: string[], tx: DbOrTx = db): Promise<string[]> {
      if (!ids.length) return [];
      return (await tx.selectFrom('groups').select('id').where('workspace_id', '=', wsId).where('id', 'in', ids).execute()).map((r) => r.id);
    },
    async memberCounts(wsId: string): Promise<Map<string, number>> {
      const counts = await db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select(['group_members.group_id', db.fn.countAll<number>().as('n')])
        .where('groups.workspace_id', '=', wsId)
        .groupBy('group_members.group_id')
        .execute();
      return new Map(counts.map((c) => [c.group_id, Number(c.n)]));
    },
    async members(groupId: string): Promise<{ userId: string; addedAt: string }[]> {
      const rows = await db.selectFrom('group_members').select(['user_id', 'created_at']).where('group_id', '=', groupId).execute();
      return rows.map((r) => ({ userId: r.user_id, addedAt: r.created_at }));
    },
    async nameClash(tx: DbOrTx, wsId: string, nameKey: string, exceptId?: string): Promise<string | undefined> {
      let q = tx.selectFrom('groups').select('id').where('workspace_id', '=', wsId).where('name_key', '=', nameKey);
      if (exceptId) q = q.where('id', '!=', exceptId);
      return (await q.executeTakeFirst())?.id;
    },
    async insert(tx: DbOrTx, g: { id: string; workspaceId: string; name: string; description: string }): Promise<void> {
      await tx.insertInto('groups').values({ id: g.id, workspace_id: g.workspaceId, name: g.name, name_key: g.name.toLowerCase(), description: g.description, created_at: nowIso() }).execute();
    },
    async update(tx: DbOrTx, groupId: string, set: { name?: string; name_key?: string; description?: string }): Promise<void> {
      if (Object.keys(set).length) await tx.updateTable('groups').set(set).where('id', '=', groupId).execute();
    },
    async delete(tx: DbOrTx, groupId: string): Promise<void> {
      await tx.deleteFrom('groups').where('id', '=', groupId).execute();
    },
    async addMembers(tx: DbOrTx, groupId: string, userIds: string[]): Promise<void> {
      const now = nowIso();
      for (const u of userIds) {
        await tx.insertInto('group_members').values({ group_id: groupId, user_id: u, created_at: now }).onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing()).execute();
      }
    },
    async removeMembers(tx: DbOrTx, groupId: string, userIds: string[]): Promise<void> {
      await tx.deleteFrom('group_members').where('group_id', '=', groupId).where('user_id', 'in', userIds).execute();
    },
    /** The workspace's groups a user is in. */
    async groupsOf(tx: DbOrTx, wsId: string, userId: string): Promise<string[]> {
      const rows = await tx.selectFrom('group_members').innerJoin('groups', 'groups.id', 'group_members.group_id').select('groups.id').where('groups.workspace_id', '=', wsId).where('group_members.user_id', '=', userId).execute();
      return rows.map((r) => r.id);
    },
    async leave(tx: DbOrTx, userId: string, groupIds: string[]): Promise<void> {
      if (groupIds.length) await tx.deleteFrom('group_members').where('user_id', '=', userId).where('group_id', 'in', groupIds).execute();
    },
    async accessFacts(from: Db): Promise<Pick<AccessFacts, 'groups' | 'groupMembers'>> {
      const [groups, members] = await Promise.all([
        from.selectFrom('groups').select(['id', 'workspace_id']).execute(),
        from.selectFrom('group_members').select(['group_id', 'user_id']).execute(),
      ]);
      return { groups: groups.map((g) => ({ id: g.id, workspaceId: g.workspace_id })), groupMembers: members.map((m) => ({ groupId: m.group_id, userId: m.user_id })) };
    },
  };
}

export type GroupsRepository = ReturnType<typeof createGroupsRepository>;
