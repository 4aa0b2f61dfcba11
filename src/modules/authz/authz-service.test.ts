/**
 * The live index and a rebuild racing with a write: on PostgreSQL the writing transaction's own
 * NOTIFY can make this node rebuild from facts that already hold the write before the write's
 * `apply` runs. The apply must then neither fail (the write is committed: a 500 would report a
 * change that happened as failed) nor leave the index different from the database.
 */
import { describe, expect, it } from 'vitest';
import { AccessIndex } from '../../access/access-index.js';
import type { AccessFacts } from '../../access/access-types.js';
import type { Store, Tx } from '../../store/store.js';
import type { AuthzRepository } from './authz-repository.js';
import { createAuthzService } from './authz-service.js';

function fixture(opts: { rebuildInsideCommit: boolean }) {
  let dbVersion = 0;
  const facts: AccessFacts = { members: [], groups: [], groupMembers: [], projects: [], grants: [], assets: [], imports: [] };
  const repo = { readVersion: async () => dbVersion, bump: async () => ++dbVersion } as unknown as AuthzRepository;
  let svc: ReturnType<typeof createAuthzService>;
  const store: Pick<Store, 'transaction' | 'listen'> = {
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const r = await fn({} as Tx);
      // Committed. A NOTIFY-triggered rebuild finishes before the writer's apply runs.
      if (opts.rebuildInsideCommit) await svc.rebuild();
      return r;
    },
    listen: async () => null,
  };
  svc = createAuthzService({ store, repo, loadFacts: async () => structuredClone(facts) });
  return { svc, facts };
}

describe('authz.commit', () => {
  it('does not fail, nor double-apply, when a rebuild already holds the write', async () => {
    const { svc, facts } = fixture({ rebuildInsideCommit: true });
    await svc.rebuild();
    const p = { id: 'prj_1', workspaceId: 'ws_1' };
    const result = await svc.commit(
      async () => {
        facts.projects.push(p); // the write, as the database now holds it
        return 'done';
      },
      (idx) => idx.addProject(p),
    );
    expect(result).toBe('done');
    expect(svc.index.toFacts()).toEqual(AccessIndex.build(facts).toFacts());
    expect(svc.version).toBe(1);
  });

  it('applies a write to the live index when nothing raced', async () => {
    const { svc, facts } = fixture({ rebuildInsideCommit: false });
    await svc.rebuild();
    const p = { id: 'prj_2', workspaceId: 'ws_1' };
    await svc.commit(async () => void facts.projects.push(p), (idx) => idx.addProject(p));
    expect(svc.index.toFacts()).toEqual(AccessIndex.build(facts).toFacts());
    expect(svc.version).toBe(1);
  });
});
