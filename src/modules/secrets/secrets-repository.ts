/** The secrets module's tables: `secrets` (metadata, current version) and `secret_versions` (ciphertexts). */
import { nowIso } from '../../ids.js';
import type { DbOrTx, Store } from '../../store/store.js';
import type { SecretsTable } from '../../store/store-schema.js';

export function createSecretsRepository(store: Pick<Store, 'db' | 'read'>) {
  const { db } = store;
  return {
    async get(assetId: string, tx: DbOrTx = db): Promise<SecretsTable | undefined> {
      return tx.selectFrom('secrets').selectAll().where('asset_id', '=', assetId).executeTakeFirst();
    },
    async insert(tx: DbOrTx, assetId: string, input: { description: string; keepVersions: number; value: string; createdBy: string }): Promise<void> {
      await tx.insertInto('secrets').values({ asset_id: assetId, description: input.description, current_version: 1, keep_versions: input.keepVersions, last_used_at: null, last_used_project_id: null }).execute();
      await tx.insertInto('secret_versions').values({ asset_id: assetId, version: 1, value: input.value, created_by: input.createdBy, created_at: nowIso() }).execute();
    },
    async setDescription(tx: DbOrTx, assetId: string, description: string): Promise<void> {
      await tx.updateTable('secrets').set({ description }).where('asset_id', '=', assetId).execute();
    },
    /**
     * Makes `value` version `current + 1`, conditional on the version read (a concurrent writer
     * makes it miss: false), and prunes versions beyond `keep`.
     */
    async addVersion(tx: DbOrTx, assetId: string, v: { current: number; keep: number; value: string; createdBy: string; description?: string }): Promise<boolean> {
      const next = v.current + 1;
      const res = await tx
        .updateTable('secrets')
        .set({ ...(v.description !== undefined ? { description: v.description } : {}), current_version: next })
        .where('asset_id', '=', assetId)
        .where('current_version', '=', v.current)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await tx.insertInto('secret_versions').values({ asset_id: assetId, version: next, value: v.value, created_by: v.createdBy, created_at: nowIso() }).execute();
      await tx.deleteFrom('secret_versions').where('asset_id', '=', assetId).where('version', '<=', next - v.keep).execute();
      return true;
    },
    async versionValue(tx: DbOrTx, assetId: string, version: number): Promise<string | undefined> {
      return (await tx.selectFrom('secret_versions').select('value').where('asset_id', '=', assetId).where('version', '=', version).executeTakeFirst())?.value;
    },
    async versions(assetId: string) {
      const rows = await db.selectFrom('secret_versions').select(['version', 'created_by', 'created_at']).where('asset_id', '=', assetId).orderBy('version', 'desc').execute();
      return rows.map((r) => ({ version: Number(r.version), createdBy: r.created_by, createdAt: r.created_at }));
    },
    /** The current ciphertext (hot path: the read-only connection). */
    async current(assetId: string): Promise<{ value: string; version: number }> {
      const row = await store.read
        .selectFrom('secrets')
        .innerJoin('secret_versions', (j) => j.onRef('secret_versions.asset_id', '=', 'secrets.asset_id').onRef('secret_versions.version', '=', 'secrets.current_version'))
        .select(['secret_versions.value', 'secret_versions.version'])
        .where('secrets.asset_id', '=', assetId)
        .executeTakeFirstOrThrow();
      return { value: row.value, version: Number(row.version) };
    },
    async markUsed(tx: DbOrTx, assetId: string, projectId: string, at: string): Promise<void> {
      await tx.updateTable('secrets').set({ last_used_at: at, last_used_project_id: projectId }).where('asset_id', '=', assetId).execute();
    },
  };
}

export type SecretsRepository = ReturnType<typeof createSecretsRepository>;
