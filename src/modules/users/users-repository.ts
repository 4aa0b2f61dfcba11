/**
 * The `users` table: one identity across workspaces. Memberships (roles) are the workspaces
 * module's; sessions and API tokens the auth module's.
 */
import { newId, nowIso } from '../../ids.js';
import type { DbOrTx, Store } from '../../store/store.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

export function createUsersRepository(store: Pick<Store, 'db'>) {
  const { db } = store;
  return {
    async byId(id: string, tx: DbOrTx = db): Promise<UserRow | undefined> {
      const u = await tx.selectFrom('users').select(['id', 'email', 'name', 'created_at']).where('id', '=', id).executeTakeFirst();
      return u && { id: u.id, email: u.email, name: u.name, createdAt: u.created_at };
    },
    async byIds(ids: string[], tx: DbOrTx = db): Promise<Map<string, UserRow>> {
      const out = new Map<string, UserRow>();
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await tx.selectFrom('users').select(['id', 'email', 'name', 'created_at']).where('id', 'in', ids.slice(i, i + 500)).execute();
        for (const u of rows) out.set(u.id, { id: u.id, email: u.email, name: u.name, createdAt: u.created_at });
      }
      return out;
    },
    /** With the password hash: for sign-in and invitations only. */
    async byEmailWithHash(email: string, tx: DbOrTx = db): Promise<(UserRow & { passwordHash: string | null }) | undefined> {
      const u = await tx.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      return u && { id: u.id, email: u.email, name: u.name, createdAt: u.created_at, passwordHash: u.password_hash };
    },
    async insert(tx: DbOrTx, input: { email: string; name: string; passwordHash: string | null }): Promise<UserRow> {
      const row = { id: newId('usr'), email: input.email, name: input.name, password_hash: input.passwordHash, created_at: nowIso() };
      await tx.insertInto('users').values(row).execute();
      return { id: row.id, email: row.email, name: row.name, createdAt: row.created_at };
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
