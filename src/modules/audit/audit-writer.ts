/**
 * Group commit for the audit log. Writes that only append audit events (and small bookkeeping
 * updates, like a secret's "last used") queue here; one transaction at a time takes everything
 * queued, appends each chain's events with one head lock and one head update, and commits once.
 * Every caller's promise resolves only after the commit that holds its event — so a secret is
 * never revealed before its audit event is durable — but N concurrent callers share one commit
 * (one fsync) instead of queueing N of them behind the chain's lock.
 */
import type { DbOrTx, Store } from '../../store/store.js';
import type { AuditService } from './audit-service.js';
import type { AuditInput, RequestContext } from './audit-types.js';

interface Item {
  ctx: RequestContext;
  /** null: no event, only the extra write (it still shares the group commit) */
  input: AuditInput | null;
  /** Extra statements for the same transaction; keyed so repeated updates of a row collapse to the last. */
  extra?: { key: string; run: (tx: DbOrTx) => Promise<void> };
  resolve: () => void;
  reject: (e: unknown) => void;
}

export function createAuditWriter(deps: { store: Store; audit: AuditService }) {
  let queue: Item[] = [];
  let draining = false;

  async function writeBatch(batch: Item[]): Promise<void> {
    await deps.store.transaction(async (tx) => {
      const events = batch.filter((b) => b.input !== null).map((b) => ({ ctx: b.ctx, input: b.input! }));
      if (events.length) await deps.audit.recordMany(tx, events);
      const extras = new Map<string, (tx: DbOrTx) => Promise<void>>();
      for (const b of batch) if (b.extra) extras.set(b.extra.key, b.extra.run);
      for (const run of extras.values()) await run(tx);
    });
  }

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (queue.length) {
        // One turn of the event loop first: requests already read from their sockets get to
        // join this batch instead of waiting for the next commit.
        await new Promise<void>((r) => setImmediate(r));
        const batch = queue;
        queue = [];
        try {
          await writeBatch(batch);
          for (const b of batch) b.resolve();
        } catch {
          // One bad item must not fail its neighbours: retry each alone, report each its own outcome.
          for (const b of batch) {
            try {
              await writeBatch([b]);
              b.resolve();
            } catch (e) {
              b.reject(e);
            }
          }
        }
      }
    } finally {
      draining = false;
    }
  }

  return {
    /** Appends an event (and optional bookkeeping) and resolves once it is committed. */
    append(ctx: RequestContext, input: AuditInput | null, extra?: Item['extra']): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ ctx, input, extra, resolve, reject });
        if (!draining) void drain();
      });
    },
    pending: () => queue.length,
  };
}

export type AuditWriter = ReturnType<typeof createAuditWriter>;
