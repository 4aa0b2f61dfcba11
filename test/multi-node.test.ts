/**
 * Two nodes on one database: a revoke on one is enforced on the other once it catches up
 * (it polls a change counter the writers bump in the same transaction).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Level } from '../src/access/access-types.js';
import { loadConfig } from '../src/config.js';
import { type Atrium, createAtrium } from '../src/main.js';
import { systemContext } from '../src/modules/audit/audit-types.js';
import { freshDatabase, TEST_DIALECT, type TestDb } from './helpers/test-db.js';

let db: TestDb;
let a: Atrium;
let b: Atrium;
beforeAll(async () => {
  db = await freshDatabase();
  const config = loadConfig({ ATRIUM_DEMO_PASSWORD: 'multi-node-pw', LOG_LEVEL: 'silent', ATRIUM_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') }, { dataDir: db.dataDir, databaseUrl: db.databaseUrl });
  // On PostgreSQL, polling is slowed to a crawl so only LISTEN/NOTIFY can deliver in time.
  const follow = TEST_DIALECT === 'postgres' ? 600_000 : 50;
  a = await createAtrium(config, { followIntervalMs: follow });
  b = await createAtrium({ ...config, demo: false }, { followIntervalMs: follow });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.drop();
});

/** Waits for node B to see a change; reports how long it took (measured, not asserted). */
async function until(cond: () => boolean, what: string): Promise<void> {
  const start = performance.now();
  const deadline = Date.now() + 15_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`node B never saw: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  console.log(`[multi-node ${TEST_DIALECT}] ${what} reached node B after ${(performance.now() - start).toFixed(1)} ms`);
}

describe('several nodes on one database', () => {
  it('node B enforces a grant and a revoke made on node A', async () => {
    const s = a.services;
    const ctx = systemContext('test');
    const users = Object.fromEntries(a.demo!.users.map((u) => [u.role, u.id]));
    const p = await s.projects.create(a.demo!.workspaceId, users.admin!, { name: 'multi' }, ctx);
    await s.projects.setGrant(p, { type: 'user', userId: users.editor! }, 'can_edit', { confirm: false, dryRun: false, actorId: users.admin! }, ctx);
    await until(() => b.services.authz.index.level(users.editor!, p.id) === Level.can_edit, 'the grant');
    await s.projects.removeGrant(p, { type: 'user', userId: users.editor! }, ctx);
    expect(a.services.authz.index.level(users.editor!, p.id)).toBe(Level.none);
    await until(() => b.services.authz.index.level(users.editor!, p.id) === Level.none, 'the revoke');
    expect(b.services.authz.index.toFacts()).toEqual(a.services.authz.index.toFacts());
  });
});
