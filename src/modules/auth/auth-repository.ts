/** The auth module's tables: `sessions` and `api_tokens` (only hashes of their secrets). */
import { nowIso } from '../../ids.js';
import type { DbOrTx, Store } from '../../store/store.js';
import type { ApiTokensTable, SessionsTable } from '../../store/store-schema.js';

export function createAuthRepository(store: Pick<Store, 'db' | 'read'>) {
  const { db } = store;
  return {
    async insertSession(tx: DbOrTx, row: SessionsTable): Promise<void> {
      await tx.insertInto('sessions').values(row).execute();
    },
    /** Hot path (every console request): the read-only connection. */
    async session(idHash: string): Promise<SessionsTable | undefined> {
      return store.read.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    },
    async deleteSession(idHash: string, tx: DbOrTx = db): Promise<void> {
      await tx.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    async touchSession(idHash: string, at: string): Promise<void> {
      await db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
    },
    async purgeExpiredSessions(): Promise<number> {
      const res = await db.deleteFrom('sessions').where('expires_at', '<=', nowIso()).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    /** Hot path (every token request): the read-only connection. */
    async tokenByHash(hash: string): Promise<ApiTokensTable | undefined> {
      return store.read.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    },
    async touchToken(id: string, at: string): Promise<void> {
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    async insertToken(tx: DbOrTx, row: ApiTokensTable): Promise<void> {
      await tx.insertInto('api_tokens').values(row).execute();
    },
    async tokensOf(userId: string): Promise<ApiTokensTable[]> {
      return db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
    },
    async tokenOf(tx: DbOrTx, userId: string, tokenId: string) {
      return tx.selectFrom('api_tokens').select(['id', 'revoked_at']).where('id', '=', tokenId).where('user_id', '=', userId).executeTakeFirst();
    },
    async revokeToken(tx: DbOrTx, tokenId: string): Promise<void> {
      await tx.updateTable('api_tokens').set({ revoked_at: nowIso() }).where('id', '=', tokenId).execute();
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
