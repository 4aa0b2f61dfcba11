/** The assets module's tables: `assets` (the access-relevant row of every kind) and `project_imports`. */
import type { AccessFacts, AssetKind } from '../../access/access-types.js';
import { nowIso } from '../../ids.js';
import type { Db, DbOrTx, Store } from '../../store/store.js';
import type { AssetsTable } from '../../store/store-schema.js';

export interface AssetRow {
  id: string;
  workspaceId: string;
  projectId: string | null;
  kind: AssetKind;
  name: string;
  access: string[];
  version: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export const toAssetRow = (r: AssetsTable): AssetRow => ({
  id: r.id,
  workspaceId: r.workspace_id,
  projectId: r.project_id,
  kind: r.kind as AssetKind,
  name: r.name,
  access: JSON.parse(r.access) as string[],
  version: Number(r.version),
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createAssetsRepository(store: Pick<Store, 'db' | 'read'>) {
  const { db } = store;
  return {
    async get(assetId: string, kind?: AssetKind, tx: DbOrTx = store.read): Promise<AssetRow | undefined> {
      let q = tx.selectFrom('assets').selectAll().where('id', '=', assetId);
      if (kind) q = q.where('kind', '=', kind);
      const r = await q.executeTakeFirst();
      return r && toAssetRow(r);
    },
    /** Hot path (a project's secrets, its imports): the read-only connection. */
    async byIds(ids: string[], kind?: AssetKind): Promise<AssetRow[]> {
      if (!ids.length) return [];
      let q = store.read.selectFrom('assets').selectAll().where('id', 'in', ids);
      if (kind) q = q.where('kind', '=', kind);
      return (await q.orderBy('name_key').execute()).map(toAssetRow);
    },
    /** Workspace assets (of a kind, or all), or a project's own assets. */
    async list(wsId: string, kind: AssetKind | null, projectId: string | null): Promise<AssetRow[]> {
      let q = db.selectFrom('assets').selectAll().where('workspace_id', '=', wsId);
      if (kind) q = q.where('kind', '=', kind);
      q = projectId ? q.where('project_id', '=', projectId) : q.where('project_id', 'is', null);
      return (await q.orderBy('name_key').execute()).map(toAssetRow);
    },
    /** The id of another asset of the same kind and scope with this name (case-insensitive). */
    async nameClash(tx: DbOrTx, wsId: string, projectId: string | null, kind: AssetKind, name: string, exceptId?: string): Promise<string | undefined> {
      let q = tx.selectFrom('assets').select('id').where('workspace_id', '=', wsId).where('scope_key', '=', projectId ?? '').where('kind', '=', kind).where('name_key', '=', name.toLowerCase());
      if (exceptId) q = q.where('id', '!=', exceptId);
      return (await q.executeTakeFirst())?.id;
    },
    async insert(tx: DbOrTx, a: AssetRow): Promise<void> {
      await tx
        .insertInto('assets')
        .values({ id: a.id, workspace_id: a.workspaceId, project_id: a.projectId, kind: a.kind, name: a.name, name_key: a.name.toLowerCase(), scope_key: a.projectId ?? '', access: JSON.stringify(a.access), version: a.version, created_by: a.createdBy, created_at: a.createdAt, updated_at: a.updatedAt })
        .execute();
    },
    /** Optimistic concurrency: bumps the version only if it is still `expected`; false when it was not. */
    async bumpVersion(tx: DbOrTx, id: string, expected: number, set: { name?: string; access?: string[] }): Promise<boolean> {
      const res = await tx
        .updateTable('assets')
        .set((eb) => ({
          version: eb('version', '+', 1),
          updated_at: nowIso(),
          ...(set.name !== undefined ? { name: set.name, name_key: set.name.toLowerCase() } : {}),
          ...(set.access !== undefined ? { access: JSON.stringify(set.access) } : {}),
        }))
        .where('id', '=', id)
        .where('version', '=', expected)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async currentVersion(tx: DbOrTx, id: string): Promise<number | null> {
      const r = await tx.selectFrom('assets').select('version').where('id', '=', id).executeTakeFirst();
      return r ? Number(r.version) : null;
    },
    async delete(tx: DbOrTx, id: string): Promise<void> {
      await tx.deleteFrom('project_imports').where('asset_id', '=', id).execute();
      await tx.deleteFrom('assets').where('id', '=', id).execute();
    },
    /** A deleted group leaves the groups with access of every asset. */
    async removeGroupFromAccess(tx: DbOrTx, wsId: string, groupId: string): Promise<void> {
      const rows = await tx.selectFrom('assets').select(['id', 'access']).where('workspace_id', '=', wsId).where('access', 'like', `%${groupId}%`).execute();
      for (const a of rows) {
        const access = (JSON.parse(a.access) as string[]).filter((x) => x !== groupId);
        await tx.updateTable('assets').set({ access: JSON.stringify(access), updated_at: nowIso() }).where('id', '=', a.id).execute();
      }
    },
    async addImport(tx: DbOrTx, projectId: string, assetId: string, by: string): Promise<void> {
      await tx.insertInto('project_imports').values({ project_id: projectId, asset_id: assetId, created_by: by, created_at: nowIso() }).onConflict((oc) => oc.columns(['project_id', 'asset_id']).doNothing()).execute();
    },
    /** Whether there was an import to remove. */
    async removeImport(tx: DbOrTx, projectId: string, assetId: string): Promise<boolean> {
      const res = await tx.deleteFrom('project_imports').where('project_id', '=', projectId).where('asset_id', '=', assetId).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async accessFacts(from: Db): Promise<Pick<AccessFacts, 'assets' | 'imports'>> {
      const [assets, imports] = await Promise.all([
        from.selectFrom('assets').select(['id', 'workspace_id', 'kind', 'access']).execute(),
        from.selectFrom('project_imports').select(['project_id', 'asset_id']).execute(),
      ]);
      return {
        assets: assets.map((a) => ({ id: a.id, workspaceId: a.workspace_id, kind: a.kind as AssetKind, access: JSON.parse(a.access) as string[] })),
        imports: imports.map((i) => ({ projectId: i.project_id, assetId: i.asset_id })),
      };
    },
  };
}

export type AssetsRepository = ReturnType<typeof createAssetsRepository>;
