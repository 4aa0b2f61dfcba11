/** The `data_connections` table: a connection's type, non-secret config, encrypted credentials, schema cache. */
import type { DbOrTx, Store } from '../../store/store.js';
import type { DataConnectionsTable } from '../../store/store-schema.js';

export function createDataConnectionsRepository(store: Pick<Store, 'db'>) {
  const { db } = store;
  return {
    async get(assetId: string): Promise<DataConnectionsTable | undefined> {
      return db.selectFrom('data_connections').selectAll().where('asset_id', '=', assetId).executeTakeFirst();
    },
    async insert(tx: DbOrTx, row: DataConnectionsTable): Promise<void> {
      await tx.insertInto('data_connections').values(row).execute();
    },
    async update(tx: DbOrTx, assetId: string, set: Partial<Omit<DataConnectionsTable, 'asset_id'>>): Promise<void> {
      if (Object.keys(set).length) await tx.updateTable('data_connections').set(set).where('asset_id', '=', assetId).execute();
    },
    async cacheSchema(assetId: string, schema: string, at: string): Promise<void> {
      await db.updateTable('data_connections').set({ schema_cache: schema, schema_cached_at: at }).where('asset_id', '=', assetId).execute();
    },
  };
}

export type DataConnectionsRepository = ReturnType<typeof createDataConnectionsRepository>;
