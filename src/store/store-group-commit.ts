/**
 * Group commit: many small writes share one transaction (and so one fsync). A caller submits a
 * payload and/or a keyed statement; one transaction at a time takes everything queued, hands the
 * payloads to `writeBatch` (the owner writes them together — the audit log appends each chain's
 * events with one head lock), runs the keyed statements (repeated keys collapse to the last), and
 * commits once. Every caller's promise resolves only after the commit that holds its write, so a
 * caller that waits for it knows its write is durable; N concurrent callers share one commit
 * instead of queueing N of them behind the same lock.
 */
import type { DbOrTx, Store } from './store.js';

/** A statement to run in the shared transaction; writes under the same key collapse to the last. */
export interface KeyedWrite {
  key: string;
  run: (tx: DbOrTx) => Promise<void>;
}

interface Item<P> {
  /** null: only the keyed write (it still shares the group commit) */
  payload: P | null;
  extra?: KeyedWrite;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface GroupCommit<P> {
  /** Queues a write and resolves once the transaction holding it has committed. */
  submit(payload: P | null, extra?: KeyedWrite): Promise<void>;
  /** Writes queued and not yet taken by a transaction. */
  pending(): number;
}

export function createGroupCommit<P>(
  store: Pick<Store, 'transaction'>,
  writeBatch: (tx: DbOrTx, payloads: P[]) => Promise<void>,
): GroupCommit<P> {
  let queue: Item<P>[] = [];
  let draining = false;

  async function write(batch: Item<P>[]): Promise<void> {
    await store.transaction(async (tx) => {
      const payloads = batch.filter((b) => b.payload !== null).map((b) => b.payload!);
      if (payloads.length) await writeBatch(tx, payloads);
      const extras = new Map<string, KeyedWrite['run']>();
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
          await write(batch);
          for (const b of batch) b.resolve();
        } catch {
          // One bad item must not fail its neighbours: retry each alone, report each its own outcome.
          for (const b of batch) {
            try {
              await write([b]);
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
    submit(payload, extra) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ payload, extra, resolve, reject });
        if (!draining) void drain();
      });
    },
    pending: () => queue.length,
  };
}
