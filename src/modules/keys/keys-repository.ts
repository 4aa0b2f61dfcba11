/** Wrapped per-workspace data keys in the database: the crypto module's DataKeyStore. */
import type { DataKeyStore } from '../../crypto/crypto-service.js';
import { nowIso } from '../../ids.js';
import type { Db } from '../../store/store.js';

export function createKeysRepository(db: Db): DataKeyStore {
  return {
    async getWrapped(workspaceId, version) {
      let q = db.selectFrom('data_keys').select(['version', 'wrapped']).where('workspace_id', '=', workspaceId);
      q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
      const row = await q.executeTakeFirst();
      return row ? { version: Number(row.version), wrapped: row.wrapped } : undefined;
    },
    async listAll() {
      const rows = await db.selectFrom('data_keys').select(['workspace_id', 'version', 'wrapped']).orderBy('workspace_id').orderBy('version').execute();
      return rows.map((r) => ({ workspaceId: r.workspace_id, version: Number(r.version), wrapped: r.wrapped }));
    },
    async insert(workspaceId, version, wrapped) {
      // The primary key (workspace_id, version) makes a concurrent second insert fail.
      await db.insertInto('data_keys').values({ workspace_id: workspaceId, version, wrapped, created_at: nowIso() }).execute();
    },
    async updateWrapped(workspaceId, version, wrapped) {
      await db.updateTable('data_keys').set({ wrapped }).where('workspace_id', '=', workspaceId).where('version', '=', version).execute();
    },
  };
}
