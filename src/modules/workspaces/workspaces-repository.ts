/** The workspaces module's tables: `workspaces` and `memberships` (roles). */
import type { AccessFacts, Role } from '../../access/access-types.js';
import { nowIso } from '../../ids.js';
import type { Db, DbOrTx, Store } from '../../store/store.js';
import type { WorkspacesTable } from '../../store/store-schema.js';
import type { Plan } from '../plans.js';

export interface WorkspaceRow {
  id: string;
  slug: string;
  name: string;
  plan: Plan;
  defaultConnectionId: string | null;
  createdAt: string;
}

const toRow = (w: WorkspacesTable): WorkspaceRow => ({ id: w.id, slug: w.slug, name: w.name, plan: w.plan as Plan, defaultConnectionId: w.default_connection_id, createdAt: w.created_at });

export function createWorkspacesRepository(store: Pick<Store, 'db' | 'read'>) {
  const { db } = store;
  return {
    async byIdOrSlug(ref: string): Promise<WorkspaceRow | undefined> {
      const w = await db.selectFrom('workspaces').selectAll().where((eb) => eb.or([eb('id', '=', ref), eb('slug', '=', ref)])).executeTakeFirst();
      return w && toRow(w);
    },
    async any(): Promise<boolean> {
      return !!(await db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst());
    },
    async slugTaken(tx: DbOrTx, slug: string): Promise<boolean> {
      return !!(await tx.selectFrom('workspaces').select('id').where('slug', '=', slug).executeTakeFirst());
    },
    async insert(tx: DbOrTx, w: WorkspaceRow): Promise<void> {
      await tx.insertInto('workspaces').values({ id: w.id, slug: w.slug, name: w.name, plan: w.plan, default_connection_id: w.defaultConnectionId, created_at: w.createdAt }).execute();
    },
    async update(tx: DbOrTx, id: string, patch: { name?: string; plan?: Plan }): Promise<void> {
      await tx.updateTable('workspaces').set({ ...(patch.name ? { name: patch.name } : {}), ...(patch.plan ? { plan: patch.plan } : {}) }).where('id', '=', id).execute();
    },
    /** Rule 9: the default data connection (hot path: read connection). */
    async defaultConnectionId(wsId: string, tx: DbOrTx = store.read): Promise<string | null> {
      const r = await tx.selectFrom('workspaces').select('default_connection_id').where('id', '=', wsId).executeTakeFirst();
      return r?.default_connection_id ?? null;
    },
    async setDefaultConnection(tx: DbOrTx, wsId: string, connectionId: string | null): Promise<void> {
      await tx.updateTable('workspaces').set({ default_connection_id: connectionId }).where('id', '=', wsId).execute();
    },
    async forUser(userId: string) {
      const rows = await db
        .selectFrom('memberships')
        .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
        .select(['workspaces.id', 'workspaces.slug', 'workspaces.name', 'workspaces.plan', 'memberships.role'])
        .where('memberships.user_id', '=', userId)
        .orderBy('workspaces.name')
        .execute();
      return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, plan: r.plan as Plan, role: r.role as Role }));
    },
    async members(wsId: string) {
      const rows = await db.selectFrom('memberships').select(['user_id', 'role', 'created_at']).where('workspace_id', '=', wsId).execute();
      return rows.map((r) => ({ userId: r.user_id, role: r.role as Role, joinedAt: r.created_at }));
    },
    async role(tx: DbOrTx, wsId: string, userId: string): Promise<Role | undefined> {
      const m = await tx.selectFrom('memberships').select('role').where('workspace_id', '=', wsId).where('user_id', '=', userId).executeTakeFirst();
      return m?.role as Role | undefined;
    },
    async admins(tx: DbOrTx, wsId: string): Promise<string[]> {
      return (await tx.selectFrom('memberships').select('user_id').where('workspace_id', '=', wsId).where('role', '=', 'admin').execute()).map((r) => r.user_id);
    },
    async insertMember(tx: DbOrTx, wsId: string, userId: string, role: Role): Promise<void> {
      await tx.insertInto('memberships').values({ workspace_id: wsId, user_id: userId, role, created_at: nowIso() }).execute();
    },
    async setRole(tx: DbOrTx, wsId: string, userId: string, role: Role): Promise<void> {
      await tx.updateTable('memberships').set({ role }).where('workspace_id', '=', wsId).where('user_id', '=', userId).execute();
    },
    async deleteMember(tx: DbOrTx, wsId: string, userId: string): Promise<void> {
      await tx.deleteFrom('memberships').where('workspace_id', '=', wsId).where('user_id', '=', userId).execute();
    },
    /** This module's part of the access facts. */
    async accessFacts(from: Db): Promise<Pick<AccessFacts, 'members'>> {
      const members = await from.selectFrom('memberships').select(['workspace_id', 'user_id', 'role']).execute();
      return { members: members.map((m) => ({ workspaceId: m.workspace_id, userId: m.user_id, role: m.role as Role })) };
    },
  };
}

export type WorkspacesRepository = ReturnType<typeof createWorkspacesRepository>;
