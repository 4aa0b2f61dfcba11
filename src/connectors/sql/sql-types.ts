/**
 * The contract of the SQL connectors: one adapter per engine (PostgreSQL, MySQL/MariaDB, SQLite,
 * DuckDB) behind one interface. Connectors talk only to the outside database; they know nothing
 * of workspaces, access rules or HTTP. The caller decrypts credentials and passes them in.
 */
import type { SsrfPolicy } from './sql-ssrf.js';

export type { SsrfPolicy } from './sql-ssrf.js';

export const SQL_TYPES = ['postgres', 'mysql', 'sqlite', 'duckdb'] as const;
export type SqlType = (typeof SQL_TYPES)[number];

/** Write-only secret: never returned by the API, never put in a message. */
export interface SqlCredentials {
  password?: string;
}

export interface Column {
  name: string;
  /** The engine's own type name (`int4`, `VARCHAR`, `LONGLONG`, `INTEGER`…), or 'unknown'. */
  type: string;
}

export interface QueryOptions {
  /** Positional parameters: `$1…` (postgres, duckdb) or `?` (mysql, sqlite). */
  params?: unknown[];
  /** Rows beyond this are not read: the end event says `truncated: true`. */
  maxRows: number;
  /** Whole-query budget (connect excluded), enforced by the database and by a client-side timer. */
  timeoutMs: number;
  /** Enforced by the database session (read-only transaction / read-only open), not by parsing. */
  readOnly: boolean;
  /** Aborting it stops the query in the database and ends the stream with 'cancelled'. */
  signal: AbortSignal;
  /** Rows per `rows` event (default 500). */
  batchSize?: number;
}

/** A query result streams: columns first, then row batches, then one end summary. */
export type QueryEvent =
  | { type: 'columns'; columns: Column[] }
  | { type: 'rows'; rows: unknown[][] }
  | { type: 'end'; rowCount: number; truncated: boolean };

export interface SqlTable {
  name: string;
  kind: 'table' | 'view';
  columns: Column[];
}

export interface SqlSchema {
  schemas: { name: string; tables: SqlTable[] }[];
}

export interface SqlTestResult {
  ok: true;
  serverVersion: string;
  latencyMs: number;
}

export interface SqlConnector {
  readonly type: SqlType;
  /** Opens a fresh connection (not a pooled one) and asks the server its version. */
  test(): Promise<SqlTestResult>;
  schema(): Promise<SqlSchema>;
  /** Streams; never buffers the whole result. Errors are thrown as SqlConnectorError. */
  query(sql: string, opts: QueryOptions): AsyncIterable<QueryEvent>;
  /** Ends the pool. Idempotent. */
  close(): Promise<void>;
}

export interface SqlConnectorLimits {
  /** Connections per connector (pg.Pool max / mysql2 connectionLimit / concurrent file queries). */
  poolMax: number;
  connectTimeoutMs: number;
  ssrf: SsrfPolicy;
  /**
   * No longer used by SQLite/DuckDB (kept so callers compile): their workers see only their own
   * database file. Directories a DuckDB query may read go in `sandbox.readOnlyDirs`.
   */
  fileRoots?: string[];
  /** SQLite/DuckDB: how their sandboxed workers run (sandbox/README.md). All optional. */
  sandbox?: SqlSandboxSettings;
}

/** Settings of the sandboxed worker pools of the embedded engines (SQLite, DuckDB). */
export interface SqlSandboxSettings {
  /** Workers per connection and mode (default: poolMax). DuckDB files and `:memory:` use one. */
  maxWorkers?: number;
  /** An idle worker is stopped after this long (default 60 000 ms). */
  idleMs?: number;
  /** Address space per worker process (RLIMIT_AS; default 4 GiB; node alone needs ~1 GiB). */
  memoryBytes?: number;
  /** Processes + threads per worker (RLIMIT_NPROC for its own uid; default 128). */
  processes?: number;
  /** Bytes one query may stream back before its worker is killed (default 512 MiB). */
  maxOutputBytes?: number;
  /** DuckDB's memory_limit in MiB (default 1024) and threads (default 2). */
  duckdbMemoryLimitMb?: number;
  duckdbThreads?: number;
  /** Host directories bound read-only that DuckDB queries may read. */
  readOnlyDirs?: string[];
  /**
   * A project's file store, bound read-only at `/project` and the worker's working directory, so a
   * DuckDB cell reads its files by their path in the project (`read_csv('external-files/…')`) and
   * no host path ever reaches a user.
   */
  projectDir?: string;
  /** The worker script (default: next to the sandbox module, compiled or transpiled). */
  workerScript?: string;
}
