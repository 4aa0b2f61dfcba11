/**
 * What every engine's query() shares: option checks, and the guard that turns an abort or the
 * client-side deadline into "stop the query in the database" plus a stable error code.
 */
import { SqlConnectorError } from './sql-errors.js';
import type { QueryOptions } from './sql-types.js';

export const DEFAULT_BATCH_SIZE = 500;

export function checkQueryOptions(sql: string, opts: QueryOptions): { batchSize: number } {
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new SqlConnectorError('query_error', 'The query is empty.');
  }
  if (!Number.isInteger(opts.maxRows) || opts.maxRows < 0) throw new TypeError('maxRows must be a non-negative integer');
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) throw new TypeError('timeoutMs must be positive');
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new TypeError('batchSize must be a positive integer');
  return { batchSize };
}

export type StopReason = 'cancelled' | 'statement_timeout';

export function stopError(reason: StopReason, timeoutMs: number): SqlConnectorError {
  return reason === 'cancelled'
    ? new SqlConnectorError('cancelled', 'The query was cancelled.')
    : new SqlConnectorError('statement_timeout', `The query ran longer than its time limit of ${timeoutMs} ms and was stopped.`);
}

/**
 * Watches the AbortSignal and a deadline. When either fires it records why and calls the
 * engine's stopper (cancel in the database) once. Engines check `stopped` after every await and
 * report `error()` in place of whatever the driver said (a killed query may even "succeed").
 */
export class QueryGuard {
  stopped: StopReason | null = null;
  readonly deadline: number;
  private stopper: (() => unknown) | null = null;
  private stopCalled = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = (): void => this.stop('cancelled');

  constructor(
    private readonly opts: Pick<QueryOptions, 'signal' | 'timeoutMs'>,
    /** Extra time the client-side timer gives the database to enforce the limit itself. */
    graceMs = 0,
  ) {
    this.deadline = Date.now() + opts.timeoutMs;
    this.timer = setTimeout(() => this.stop('statement_timeout'), opts.timeoutMs + graceMs);
    this.timer.unref();
    if (opts.signal.aborted) this.stopped = 'cancelled';
    else opts.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Sets how to stop the query in the database; runs it at once if already stopped. */
  setStopper(fn: (() => unknown) | null): void {
    this.stopper = fn;
    if (this.stopped && fn) this.runStopper();
  }

  stop(reason: StopReason): void {
    if (this.stopped) return;
    this.stopped = reason;
    this.runStopper();
  }

  private runStopper(): void {
    if (this.stopCalled || !this.stopper) return;
    this.stopCalled = true;
    try {
      const r = this.stopper();
      if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch(() => {});
    } catch {
      // Best effort: the caller still reports the stop and discards the connection.
    }
  }

  /** Deadline check for engines that run synchronously (SQLite), where the timer cannot fire. */
  checkDeadline(): void {
    if (!this.stopped && Date.now() >= this.deadline) this.stop('statement_timeout');
    if (!this.stopped && this.opts.signal.aborted) this.stop('cancelled');
  }

  error(): SqlConnectorError {
    return stopError(this.stopped ?? 'cancelled', this.opts.timeoutMs);
  }

  throwIfStopped(): void {
    if (this.stopped) throw this.error();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.opts.signal.removeEventListener('abort', this.onAbort);
  }
}

/** A counting semaphore: the "pool" of the file engines. */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(private readonly max: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.max) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const w = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new SqlConnectorError('cancelled', 'The query was cancelled.'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(w);
    });
    this.active++;
    return this.releaser();
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      this.waiters.shift()?.();
    };
  }
}

export const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));
