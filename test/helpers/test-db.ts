/**
 * Which database the suite runs against: ATRIUM_TEST_DB=sqlite (default) or postgres, with
 * ATRIUM_TEST_PG_URL pointing at the throwaway server `npm test` starts. Each call gets a
 * fresh, empty database. A postgres run without a server fails loudly: it never skips.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';
export const TEST_DIALECT: TestDialect = process.env.ATRIUM_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDb {
  dataDir: string;
  databaseUrl?: string;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDb> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-test-'));
  if (TEST_DIALECT === 'sqlite') {
    return { dataDir, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const adminUrl = process.env.ATRIUM_TEST_PG_URL;
  if (!adminUrl) throw new Error('ATRIUM_TEST_DB=postgres needs ATRIUM_TEST_PG_URL (npm test starts PostgreSQL and sets it).');
  const name = `atrium_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    dataDir,
    databaseUrl: u.toString(),
    async drop() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
