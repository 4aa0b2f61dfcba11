/**
 * Keeps the live AccessIndex (the pure engine in src/access): builds it from the store at start,
 * applies each committed write to it, and follows writes made by other nodes or by the CLI
 * through a change counter in the database. Nothing outside this folder reads the index: services
 * ask `authz-policies.ts`, and change access facts only through `commit`.
 */
import { AccessIndex } from '../../access/access-index.js';
import type { AccessFacts } from '../../access/access-types.js';
import type { DbOrTx, Store } from '../../store/store.js';
import { type AuthzRepository, CHANGE_CHANNEL } from './authz-repository.js';

/** The mutations a committed write applies to the live index: never a question. */
export type AccessFactsWriter = Pick<
  AccessIndex,
  | 'setMember' | 'removeMember' | 'addGroup' | 'removeGroup' | 'addGroupMember' | 'removeGroupMember'
  | 'addProject' | 'removeProject' | 'setGrant' | 'removeGrant' | 'upsertAsset' | 'setAssetAccess'
  | 'removeAsset' | 'addImport' | 'removeImport'
>;

export interface AuthzOptions {
  /** How often to look for writes made elsewhere (ms). */
  followIntervalMs?: number;
}

type Deps = { store: Pick<Store, 'transaction' | 'listen'>; repo: AuthzRepository; loadFacts: () => Promise<AccessFacts> };

export function createAuthzService(deps: Deps, opts: AuthzOptions = {}) {
  let index: AccessIndex = AccessIndex.build(emptyFacts());
  let version = 0;
  let ready = false;
  let timer: NodeJS.Timeout | undefined;
  let rebuilding: Promise<void> | undefined;
  let unlisten: (() => Promise<void>) | null = null;

  async function rebuild(): Promise<void> {
    if (rebuilding) return rebuilding;
    rebuilding = (async () => {
      // Read the counter first: a write committed during the load bumps it past us, so we reload again.
      const v = await deps.repo.readVersion();
      const facts = await deps.loadFacts();
      index = AccessIndex.build(facts);
      version = v;
      ready = true;
    })().finally(() => {
      rebuilding = undefined;
    });
    return rebuilding;
  }

  async function catchUp(): Promise<void> {
    const v = await deps.repo.readVersion();
    if (v !== version) await rebuild();
  }

  /**
   * After commit: apply the write to the live index, or rebuild if another writer got in between.
   * A rebuild may already hold this write (on PostgreSQL our own NOTIFY can trigger one before we
   * get here): its version is then ≥ ours and the write is skipped. The database is the truth, so
   * a mutation the index refuses (the write is already in it) means rebuild, never fail: the
   * change is committed and the caller must hear so.
   */
  function applyCommitted(newVersion: number, mutate: (facts: AccessFactsWriter) => void): void {
    if (version >= newVersion) return;
    const inOrder = newVersion === version + 1;
    try {
      mutate(index);
    } catch {
      void rebuild().catch(() => {});
      return;
    }
    if (inOrder) version = newVersion;
    else void rebuild().catch(() => {});
  }

  return {
    /** The live index. For the policies of this folder and for tests that compare indexes; nothing else. */
    get index(): AccessIndex {
      return index;
    },
    get ready(): boolean {
      return ready;
    },
    get version(): number {
      return version;
    },
    rebuild,
    catchUp,
    /** The facts as the database holds them now (what a rebuild would load). */
    loadFacts: () => deps.loadFacts(),
    /**
     * A write that changes access facts, in one transaction: `write` runs in it, the change
     * counter is bumped in it (other nodes learn of it at commit), and once it has committed
     * `apply` brings the live index along. Returns what `write` returned.
     */
    async commit<T>(write: (tx: DbOrTx) => Promise<T>, apply: (facts: AccessFactsWriter, result: T) => void): Promise<T> {
      const { result, v } = await deps.store.transaction(async (tx) => {
        const result = await write(tx);
        return { result, v: await deps.repo.bump(tx) };
      });
      applyCommitted(v, (facts) => apply(facts, result));
      return result;
    },
    /**
     * Follows writes made elsewhere: on PostgreSQL a NOTIFY sent by the writing transaction wakes
     * every node at commit; polling the change counter is the fallback (and SQLite's only way).
     */
    async startFollowing(): Promise<void> {
      unlisten = await deps.store
        .listen(CHANGE_CHANNEL, (payload) => {
          if (Number(payload) !== version) catchUp().catch(() => {});
        })
        .catch(() => null);
      timer = setInterval(() => {
        catchUp().catch(() => {
          /* the next tick retries; readiness reports a dead database */
        });
      }, opts.followIntervalMs ?? 1000);
      timer.unref();
    },
    async stopFollowing(): Promise<void> {
      if (timer) clearInterval(timer);
      await unlisten?.();
    },
  };
}

export type AuthzService = ReturnType<typeof createAuthzService>;

function emptyFacts(): AccessFacts {
  return { members: [], groups: [], groupMembers: [], projects: [], grants: [], assets: [], imports: [] };
}
