/** The store on the dialect under test: migrations are idempotent; SQLite runs WAL with FKs on. */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { freshDatabase, TEST_DIALECT } from '../../test/helpers/test-db.js';
import { migrateToLatest, migrations } from './store-migrations.js';
import { openStore } from './store.js';

describe(`store (${TEST_DIALECT})`, () => {
  it('migrates on open, and again without effect', async () => {
    const d = await freshDatabase();
    const store = await openStore({ dataDir: d.dataDir, databaseUrl: d.databaseUrl });
    try {
      expect(store.dialect).toBe(TEST_DIALECT);
      await migrateToLatest(store.db);
      const applied = await sql<{ name: string }>`select name from atrium_migrations`.execute(store.db);
      // Every migration, once each, in order.
      expect(applied.rows.map((r) => r.name).sort()).toEqual(Object.keys(migrations).sort());
      expect(Object.keys(migrations).slice(0, 2)).toEqual(['001_foundation', '002_connections_secrets']);
      // A second open (another node starting) is a no-op too.
      const again = await openStore({ dataDir: d.dataDir, databaseUrl: d.databaseUrl });
      await again.close();
      expect(store.location).not.toMatch(/:[^@/]*@/); // never a password in the location
    } finally {
      await store.close();
      await d.drop();
    }
  });

  it('enforces foreign keys', async () => {
    const d = await freshDatabase();
    const store = await openStore({ dataDir: d.dataDir, databaseUrl: d.databaseUrl });
    try {
      await expect(
        store.db.insertInto('memberships').values({ workspace_id: 'ws_missing', user_id: 'usr_missing', role: 'admin', created_at: 'x' }).execute(),
      ).rejects.toThrow();
      if (store.dialect === 'sqlite') {
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
        expect(mode.rows[0]!.journal_mode).toBe('wal');
      }
    } finally {
      await store.close();
      await d.drop();
    }
  });

  it('rolls a failed transaction back whole', async () => {
    const d = await freshDatabase();
    const store = await openStore({ dataDir: d.dataDir, databaseUrl: d.databaseUrl });
    try {
      await expect(
        store.transaction(async (tx) => {
          await tx.insertInto('users').values({ id: 'usr_1', email: 'a@b.c', name: 'a', password_hash: null, created_at: 'now' }).execute();
          await tx.insertInto('users').values({ id: 'usr_2', email: 'a@b.c', name: 'dup', password_hash: null, created_at: 'now' }).execute();
        }),
      ).rejects.toThrow();
      expect(await store.db.selectFrom('users').selectAll().execute()).toEqual([]);
    } finally {
      await store.close();
      await d.drop();
    }
  });

  it('fails with a clear message when PostgreSQL is unreachable', async () => {
    await expect(openStore({ dataDir: '/tmp', databaseUrl: 'postgres://nobody:secretpw@127.0.0.1:1/none' })).rejects.toThrow(/Cannot open the database at postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
    await expect(openStore({ dataDir: '/tmp', databaseUrl: 'postgres://nobody:secretpw@127.0.0.1:1/none' })).rejects.not.toThrow(/secretpw/);
  });
});
