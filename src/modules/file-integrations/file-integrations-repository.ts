/** The `file_integrations` table: a bucket's non-secret settings, the encrypted key pair, writeback. */
import type { DbOrTx, Store } from '../../store/store.js';
import type { FileIntegrationsTable } from '../../store/store-schema.js';

/** One row: `config` is the S3Config as JSON, `credentials` the encrypted {accessKeyId, secretAccessKey}. */
export type FileIntegrationRow = FileIntegrationsTable;

export function createFileIntegrationsRepository(store: Pick<Store, 'db'>) {
  const { db } = store;
  return {
    async get(assetId: string): Promise<FileIntegrationRow | undefined> {
      return db.selectFrom('file_integrations').selectAll().where('asset_id', '=', assetId).executeTakeFirst();
    },
    async insert(tx: DbOrTx, row: FileIntegrationRow): Promise<void> {
      await tx.insertInto('file_integrations').values(row).execute();
    },
    async update(tx: DbOrTx, assetId: string, set: Partial<Omit<FileIntegrationRow, 'asset_id'>>): Promise<void> {
      if (Object.keys(set).length) await tx.updateTable('file_integrations').set(set).where('asset_id', '=', assetId).execute();
    },
  };
}

export type FileIntegrationsRepository = ReturnType<typeof createFileIntegrationsRepository>;
