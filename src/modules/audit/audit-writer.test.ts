/** Group commit: concurrent appends share transactions, the chain stays valid, failures stay local. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/helpers/test-db.js';
import { openStore, type Store } from '../../store/store.js';
import { createAuditService } from './audit-service.js';
import { systemContext } from './audit-types.js';
import { createAuditWriter } from './audit-writer.js';

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

describe('audit writer (group commit)', () => {
  it('commits 200 concurrent events in far fewer transactions, every one durable when its promise resolves', async () => {
    const audit = createAuditService({ db: store.db });
    let transactions = 0;
    const counting: Store = { ...store, transaction: (fn) => (transactions++, store.transaction(fn)) };
    const writer = createAuditWriter({ store: counting, audit });
    const ctx = systemContext('t');
    const done = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        writer.append(ctx, { workspaceId: i % 2 ? 'chain-a' : 'chain-b', action: 'test.event', details: { i } }).then(async () => {
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
    const writer = createAuditWriter({ store, audit });
    const ctx = systemContext('t');
    const results = await Promise.allSettled([
      writer.append(ctx, { workspaceId: 'chain-c', action: 'ok.1' }),
      writer.append(ctx, { workspaceId: 'chain-c', action: 'bad' }, { key: 'x', run: async () => { throw new Error('boom'); } }),
      writer.append(ctx, { workspaceId: 'chain-c', action: 'ok.2' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const actions = (await store.db.selectFrom('audit_events').select('action').where('workspace_id', '=', 'chain-c').orderBy('seq').execute()).map((r) => r.action);
    expect(actions).toEqual(['ok.1', 'ok.2']);
    expect((await audit.verify('chain-c')).breaks).toEqual([]);
  });
});
