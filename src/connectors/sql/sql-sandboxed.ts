/**
 * A SqlConnector for an embedded engine (SQLite, DuckDB) whose every query runs in a pooled
 * sandboxed worker (sandbox-sql-pool.ts). The server process never opens the database and never
 * executes the user's SQL: it writes one line to a pipe and reads the rows back. A time limit or a
 * cancel kills the worker (and everything it started); the pool starts a fresh one.
 *
 * Pools: one per mode (read-only / read-write), since a read-only query gets a worker whose file
 * is bound and opened read-only. A DuckDB file admits one writer process or many readers, never
 * both, so a DuckDB file runs one query at a time and a change of mode first stops the other
 * mode's idle worker. `:memory:` DuckDB has one worker (its tables live in that process) and no
 * file at all.
 */
import fs from 'node:fs';
import { SqlConnectorError } from './sql-errors.js';
import { QueryGuard, Semaphore, checkQueryOptions } from './sql-guard.js';
import type { Column, QueryEvent, QueryOptions, SqlConnector, SqlConnectorLimits, SqlSchema, SqlTable, SqlType } from './sql-types.js';
import { SandboxError } from '../../sandbox/sandbox-errors.js';
import type { Engine, WorkerError } from '../../sandbox/sandbox-sql-protocol.js';
import { type Lease, SqlWorkerPool, WorkerOpenError, WorkerRequestError } from '../../sandbox/sandbox-sql-pool.js';

export interface SandboxedSqlOptions {
  engine: Engine;
  /** Host path of the database, or ':memory:' (DuckDB). */
  file: string;
  limits: SqlConnectorLimits;
  /** The engine's text filter (defence in depth), run before anything is sent. */
  filter: (sql: string, readOnly: boolean) => void;
}

const LABEL: Record<Engine, string> = { sqlite: 'SQLite', duckdb: 'DuckDB' };

export type SandboxedSqlConnector = SqlConnector & {
  /** The live pools (tests look at their workers). */
  pools(): SqlWorkerPool[];
  /** The engine's version, from a pooled worker. */
  version(): Promise<string>;
};

export function createSandboxedSqlConnector(o: SandboxedSqlOptions): SandboxedSqlConnector {
  const label = LABEL[o.engine];
  const inMemory = o.file === ':memory:';
  const s = o.limits.sandbox ?? {};
  const exclusive = o.engine === 'duckdb';
  const perMode = exclusive ? 1 : Math.max(1, s.maxWorkers ?? o.limits.poolMax);
  // DuckDB: one query at a time per file (one process may hold it) and in memory (one worker).
  const gate = exclusive ? new Semaphore(1) : null;
  const pools = new Map<string, SqlWorkerPool>();
  let lastReadOnly = true;
  let closed = false;

  function poolFor(readOnly: boolean): SqlWorkerPool {
    const key = inMemory ? 'memory' : readOnly ? 'ro' : 'rw';
    let p = pools.get(key);
    if (!p) {
      p = new SqlWorkerPool({
        engine: o.engine,
        file: o.file,
        readOnly: inMemory ? false : readOnly,
        maxWorkers: perMode,
        idleMs: s.idleMs,
        limits: { memoryBytes: s.memoryBytes, processes: s.processes },
        maxOutputBytes: s.maxOutputBytes,
        duckdbMemoryLimitMb: s.duckdbMemoryLimitMb,
        duckdbThreads: s.duckdbThreads,
        readOnlyDirs: s.readOnlyDirs,
        projectDir: s.projectDir,
        workerScript: s.workerScript,
      });
      pools.set(key, p);
    }
    return p;
  }

  function checkFile(): void {
    if (closed) throw new SqlConnectorError('connection_failed', 'This connection has been closed.');
    if (!inMemory && !fs.existsSync(o.file)) {
      throw new SqlConnectorError('file_not_found', `The ${label} file ${o.file} does not exist on the server.`);
    }
  }

  /** A worker of the right mode; for DuckDB, under the one-at-a-time gate. */
  async function lease(readOnly: boolean, signal?: AbortSignal): Promise<{ lease: Lease; done: () => void }> {
    checkFile();
    const releaseGate = gate ? await gate.acquire(signal) : () => {};
    try {
      if (exclusive && !inMemory) await pools.get(readOnly ? 'rw' : 'ro')?.drainIdle();
      const l = await poolFor(readOnly).acquire(signal);
      return { lease: l, done: releaseGate };
    } catch (e) {
      releaseGate();
      throw e;
    }
  }

  function openError(e: WorkerError): SqlConnectorError {
    switch (e.kind) {
      case 'not_found':
        return new SqlConnectorError('file_not_found', `The ${label} file ${o.file} cannot be opened (missing, or not readable).`);
      case 'not_a_db':
        return new SqlConnectorError('config_invalid', `${o.file} is not a ${label} database${o.engine === 'duckdb' ? ' (or was written by an incompatible version)' : ''}.`);
      case 'locked':
        return new SqlConnectorError('connection_failed', `The ${label} file ${o.file} is in use by another process.`);
      default:
        return new SqlConnectorError('connection_failed', `Could not open the ${label} database ${o.file}.`);
    }
  }

  function requestError(e: WorkerError): SqlConnectorError {
    switch (e.kind) {
      case 'read_only':
        return new SqlConnectorError('read_only_violation', /read-only/i.test(e.message) && e.message.startsWith('This connection') ? e.message : `This connection is read-only: ${e.message}`, { dbCode: e.dbCode });
      case 'memory':
        return new SqlConnectorError('resource_limit', `The query ran out of memory (the memory limit of its sandbox): ${e.message}`, { limit: 'memory', dbCode: 'memory_limit' });
      case 'not_found':
      case 'not_a_db':
      case 'locked':
      case 'open':
        return openError(e);
      default:
        return new SqlConnectorError('query_error', e.message, e.dbCode ? { dbCode: e.dbCode } : {});
    }
  }

  /** Anything thrown on the way, as a SqlConnectorError with a stable code. */
  function toError(e: unknown): SqlConnectorError {
    if (e instanceof SqlConnectorError) return e;
    if (e instanceof WorkerOpenError) return openError(e.error);
    if (e instanceof WorkerRequestError) return requestError(e.error);
    if (e instanceof SandboxError) {
      switch (e.code) {
        case 'sandbox_unavailable':
          // The message carries the install hint (sandbox-errors.ts).
          return new SqlConnectorError('sandbox_unavailable', e.message);
        case 'memory':
          return new SqlConnectorError('resource_limit', 'The query ran out of memory (the memory limit of its sandbox) and was stopped.', { limit: 'memory', dbCode: 'memory_limit' });
        case 'output_limit':
          return new SqlConnectorError('resource_limit', 'The query returned more data than a query may send back (the output limit of its sandbox), and was stopped.', { limit: 'output', dbCode: 'output_limit' });
        case 'cpu':
          return new SqlConnectorError('resource_limit', 'The query used more CPU time than its sandbox allows (the CPU limit) and was stopped.', { limit: 'cpu', dbCode: 'cpu_limit' });
        case 'timeout':
          return new SqlConnectorError('connection_failed', `The ${label} worker did not start in time.`, { dbCode: 'sandbox_timeout' });
        case 'cancelled':
          return new SqlConnectorError('cancelled', 'The query was cancelled.');
        case 'sandbox_failed':
          return new SqlConnectorError('config_invalid', e.message);
        default:
          return new SqlConnectorError('connection_failed', `The ${label} worker stopped unexpectedly.`, { dbCode: 'sandbox_exit' });
      }
    }
    if (e instanceof TypeError && /BigInt|circular/i.test(e.message)) {
      return new SqlConnectorError('query_error', 'Query parameters must be JSON values (strings, numbers, booleans, null).');
    }
    return new SqlConnectorError('connection_failed', `The ${label} worker failed.`, {}, e);
  }

  /** One request that is not a query (version, schema): under a plain 30 s budget. */
  async function simple<T>(readOnly: boolean, op: 'version' | 'schema', pick: (r: unknown) => T): Promise<T> {
    let got: { lease: Lease; done: () => void } | null = null;
    let ok = false;
    try {
      got = await lease(readOnly);
      const w = got.lease.worker;
      const timer = setTimeout(() => w.kill('timeout'), 30_000);
      try {
        for await (const r of w.request({ op })) {
          if ('id' in r && r.t === 'error') {
            ok = true;
            throw new WorkerRequestError(r.error);
          }
          if (r.t === op) {
            ok = true;
            return pick(r);
          }
        }
      } finally {
        clearTimeout(timer);
      }
      throw new SandboxError('exit', 'no answer');
    } catch (e) {
      throw toError(e);
    } finally {
      got?.lease.release(ok);
      got?.done();
    }
  }

  async function* runQuery(sql: string, opts: QueryOptions): AsyncGenerator<QueryEvent> {
    const { batchSize } = checkQueryOptions(sql, opts);
    o.filter(sql, opts.readOnly);
    const guard = new QueryGuard(opts);
    const waiting = new AbortController();
    guard.setStopper(() => waiting.abort());
    let got: { lease: Lease; done: () => void } | null = null;
    let reusable = false;
    try {
      guard.throwIfStopped();
      lastReadOnly = opts.readOnly;
      got = await lease(opts.readOnly, waiting.signal);
      const w = got.lease.worker;
      // From here a stop kills the worker: nothing waits for the engine to notice.
      guard.setStopper(() => w.kill(guard.stopped === 'cancelled' ? 'cancelled' : 'timeout'));
      guard.throwIfStopped();
      const params = opts.params ?? [];
      for await (const r of w.request({ op: 'query', sql, params, maxRows: opts.maxRows, batchSize, readOnly: opts.readOnly })) {
        if (guard.stopped) break;
        if (!('id' in r)) continue;
        if (r.t === 'columns') yield { type: 'columns', columns: r.columns as Column[] };
        else if (r.t === 'rows') yield { type: 'rows', rows: r.rows };
        else if (r.t === 'end') {
          reusable = true;
          yield { type: 'end', rowCount: r.rowCount, truncated: r.truncated };
        } else if (r.t === 'error') {
          reusable = true;
          throw new WorkerRequestError(r.error);
        }
      }
      guard.throwIfStopped();
    } catch (e) {
      if (guard.stopped) throw guard.error();
      throw toError(e);
    } finally {
      guard.dispose();
      // A worker left mid-stream (stopped, or the consumer went away) is killed, not reused.
      got?.lease.release(reusable && !guard.stopped);
      got?.done();
    }
  }

  return {
    type: o.engine satisfies SqlType,

    async test() {
      checkFile();
      const started = performance.now();
      // A fresh worker, as the other engines open a fresh connection.
      const probe = createSandboxedSqlConnector({ ...o, limits: { ...o.limits, sandbox: { ...s, maxWorkers: 1, idleMs: 1000 } } });
      try {
        const v = await probe.version();
        return { ok: true as const, serverVersion: `${label} ${v}`, latencyMs: Math.round(performance.now() - started) };
      } finally {
        await probe.close();
      }
    },

    async schema(): Promise<SqlSchema> {
      const rows = await simple(lastReadOnly, 'schema', (r) => (r as { rows: { schema: string; name: string; kind: 'table' | 'view'; column: string | null; type: string | null }[] }).rows);
      const bySchema = new Map<string, Map<string, SqlTable>>();
      for (const r of rows) {
        let tables = bySchema.get(r.schema);
        if (!tables) bySchema.set(r.schema, (tables = new Map()));
        let t = tables.get(r.name);
        if (!t) tables.set(r.name, (t = { name: r.name, kind: r.kind, columns: [] }));
        if (r.column !== null) t.columns.push({ name: r.column, type: r.type ?? 'unknown' });
      }
      if (o.engine === 'sqlite' && bySchema.size === 0) return { schemas: [{ name: 'main', tables: [] }] };
      return { schemas: [...bySchema].map(([name, tables]) => ({ name, tables: [...tables.values()] })) };
    },

    query(sql: string, opts: QueryOptions): AsyncIterable<QueryEvent> {
      return runQuery(sql, opts);
    },

    async close() {
      closed = true;
      const ps = [...pools.values()];
      pools.clear();
      await Promise.all(ps.map((p) => p.close()));
    },

    pools: () => [...pools.values()],
    version: () => simple(true, 'version', (r) => (r as { version: string }).version),
  };
}
