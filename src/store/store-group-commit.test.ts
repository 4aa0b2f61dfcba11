/** Group commit: concurrent writes share transactions, the audit chain stays valid, failures stay local. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDb } from '../../test/helpers/test-db.js';
import { systemContext } from '../context.js';
import { type AuditWrite, createAuditService } from '../modules/audit/audit-service.js';
import { createGroupCommit } from './store-group-commit.js';
import { openStore, type Store } from './store.js';

let d: TestDb;
let store: Store;
beforeAll(async () => {
  d = await freshDatabase();
  store = await openStore({ dataDir: d.dataDir, databaseUrl: d.databaseUrl });
});
afterAll(async () => {
  await store?.close();
  await d?.drop();
});

describe('group commit (the audit log its first user)', () => {
  it('commits 200 concurrent events in far fewer transactions, every one durable when its promise resolves', async () => {
    const audit = createAuditService({ db: store.db });
    let transactions = 0;
    const counting: Pick<Store, 'transaction'> = { transaction: (fn) => (transactions++, store.transaction(fn)) };
    const commits = createGroupCommit<AuditWrite>(counting, (tx, events) => audit.recordMany(tx, events).then(() => undefined));
    const ctx = systemContext('t');
    const done = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        commits.submit({ ctx, input: { workspaceId: i % 2 ? 'chain-a' : 'chain-b', action: 'test.event', details: { i } } }).then(async () => {
          // Resolved means committed: a read on the store sees it.
          const row = await store.db.selectFrom('audit_events').select('id').where('action', '=', 'test.event').where('details', 'like', `%"i":${i}}%`).executeTakeFirst();
          return !!row;
        }),
      ),
    );
    expect(done.every(Boolean)).toBe(true);
    expect(transactions).toBeLessThan(50);
    const v = await audit.verify();
    expect(v.breaks).toEqual([]);
    expect(v.events).toBe(200);
  });

  it('a failing write fails alone; its neighbours commit', async () => {
    const audit = createAuditService({ db: store.db });
    const commits = createGroupCommit<AuditWrite>(store, (tx, events) => audit.recordMany(tx, events).then(() => undefined));
    const ctx = systemContext('t');
    const results = await Promise.allSettled([
      commits.submit({ ctx, input: { workspaceId: 'chain-c', action: 'ok.1' } }),
      commits.submit({ ctx, input: { workspaceId: 'chain-c', action: 'bad' } }, { key: 'x', run: async () => { throw new Error('boom'); } }),
      commits.submit({ ctx, input: { workspaceId: 'chain-c', action: 'ok.2' } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const actions = (await store.db.selectFrom('audit_events').select('action').where('workspace_id', '=', 'chain-c').orderBy('seq').execute()).map((r) => r.action);
    expect(actions).toEqual(['ok.1', 'ok.2']);
    expect((await audit.verify('chain-c')).breaks).toEqual([]);
  });

  it('keyed writes of one batch collapse to the last, and a write with no payload still commits', async () => {
    const seen: string[] = [];
    const commits = createGroupCommit<string>(store, async (_tx, payloads) => void seen.push(...payloads));
    const runs: number[] = [];
    await Promise.all([
      commits.submit('a', { key: 'k', run: async () => void runs.push(1) }),
      commits.submit(null, { key: 'k', run: async () => void runs.push(2) }),
      commits.submit('b'),
    ]);
    expect(seen).toEqual(['a', 'b']);
    expect(runs).toEqual([2]);
    expect(commits.pending()).toBe(0);
  });
});
