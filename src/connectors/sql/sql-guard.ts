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

/**
 * The statements of a SQL text as lists of lower-case words, with comments, string literals and
 * quoted identifiers removed and statements split at `;` (empty ones dropped, so a leading `;`
 * changes nothing). For the text filters below, which are defence in depth only: the sandbox
 * (sandbox/) is what confines an embedded engine. Where this reading and the engine's disagree
 * (backslash escapes, dollar quoting), it sees MORE code, never less, so it can only refuse more.
 */
export function sqlStatementWords(sql: string): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      // Quoted: skip to the closing quote (a doubled quote is an escaped one).
      let j = i + 1;
      for (;;) {
        const k = sql.indexOf(c, j);
        if (k < 0) {
          j = n;
          break;
        }
        if (sql[k + 1] === c) {
          j = k + 2;
          continue;
        }
        j = k + 1;
        break;
      }
      cur.push(c === "'" ? "'…'" : '"…"');
      i = j;
    } else if (c === ';') {
      if (cur.length > 0) out.push(cur);
      cur = [];
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      cur.push(sql.slice(i, j).toLowerCase());
      i = j;
    } else if (c === '(' || c === ')' || c === ',') {
      cur.push(c);
      i++;
    } else {
      i++;
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/**
 * SQLite: ATTACH/DETACH open other files, VACUUM INTO writes one, load_extension() loads code,
 * PRAGMA temp_store_directory/data_store_directory change process-wide paths. None belongs in a
 * SQL cell, wherever it appears in the text (after a `;`, in a CTE, behind comments).
 */
export function refuseSqliteStatements(sql: string): void {
  for (const words of sqlStatementWords(sql)) {
    const has = (w: string) => words.includes(w);
    if (has('attach') || has('detach') || (has('vacuum') && has('into'))) {
      throw new SqlConnectorError('query_error', 'ATTACH, DETACH and VACUUM INTO are not allowed on a data connection: they reach other files on the server.');
    }
    if (has('load_extension')) throw new SqlConnectorError('query_error', 'load_extension() is not allowed on a data connection.');
    const p = words.indexOf('pragma');
    if (p >= 0 && words.slice(p + 1).some((w) => w === 'temp_store_directory' || w === 'data_store_directory')) {
      throw new SqlConnectorError('query_error', 'PRAGMA temp_store_directory and data_store_directory are not allowed on a data connection.');
    }
  }
}

/** What may follow `EXPLAIN ANALYZE` on a read-only DuckDB connection: a query, nothing that writes. */
const DUCKDB_QUERY_HEADS = new Set(['select', 'with', 'from', 'values', 'table', '(', 'pivot', 'unpivot', 'summarize', 'describe', 'show']);

/**
 * DuckDB: INSTALL/LOAD never run (extensions are code, and the server downloads none); on a
 * read-only connection EXPLAIN ANALYZE must wrap a query, since it executes what it explains.
 * The worker also refuses non-query statement types on read-only connections, and its
 * configuration is locked with external access off: this is the first fence, not the last.
 */
export function refuseDuckdbStatements(sql: string, readOnly: boolean): void {
  for (const words of sqlStatementWords(sql)) {
    const head = words[0] === 'force' ? words[1] : words[0];
    if (head === 'install' || head === 'load') {
      throw new SqlConnectorError('query_error', 'INSTALL and LOAD are not allowed on a data connection: extensions cannot be added from a SQL cell.');
    }
    if (!readOnly) continue;
    if (words[0] === 'explain') {
      let k = 1;
      if (words[k] === 'analyze' || words[k] === 'analyse') k++;
      if (k > 1 && !DUCKDB_QUERY_HEADS.has(words[k] ?? '')) {
        throw new SqlConnectorError('read_only_violation', 'This connection is read-only: EXPLAIN ANALYZE runs the statement it explains, so it may only wrap a query.');
      }
    }
    if (['copy', 'attach', 'detach', 'export', 'import', 'checkpoint', 'vacuum', 'set', 'reset'].includes(words[0] ?? '')) {
      throw new SqlConnectorError('read_only_violation', `This connection is read-only: ${words[0]!.toUpperCase()} is not allowed.`);
    }
  }
}
