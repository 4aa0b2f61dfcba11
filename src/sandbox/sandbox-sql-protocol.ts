/**
 * The wire protocol between the server and an embedded-engine worker: newline-delimited JSON on
 * the worker's stdin/stdout, one request at a time per worker. Types only — the worker imports
 * nothing but these types, node built-ins and its engine, because it runs inside a sandbox that
 * contains only its own file and the engines' packages.
 */
export type Engine = 'sqlite' | 'duckdb';

export interface OpenRequest {
  op: 'open';
  engine: Engine;
  /** The database's path inside the sandbox, or ':memory:' (DuckDB). */
  path: string;
  readOnly: boolean;
  /** DuckDB: memory_limit (MiB), threads, and the only directories file functions may read. */
  memoryLimitMb: number;
  threads: number;
  allowedDirs: string[];
}

export interface QueryRequest {
  op: 'query';
  id: number;
  sql: string;
  params: unknown[];
  maxRows: number;
  batchSize: number;
  /** `:memory:` DuckDB serves both modes from one worker: the statement check follows this. */
  readOnly: boolean;
}

export interface SimpleRequest {
  op: 'schema' | 'version';
  id: number;
}

export type Request = OpenRequest | QueryRequest | SimpleRequest;

/** Why a request failed, as the worker sees it; the connector maps it to its stable codes. */
export type WorkerErrorKind = 'query' | 'read_only' | 'not_found' | 'not_a_db' | 'open' | 'locked' | 'memory';

export interface WorkerError {
  kind: WorkerErrorKind;
  message: string;
  dbCode?: string;
}

export interface SchemaRow {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  column: string | null;
  type: string | null;
}

export type Reply =
  | { t: 'ready'; version: string }
  | { t: 'fatal'; error: WorkerError }
  | { id: number; t: 'columns'; columns: { name: string; type: string }[] }
  | { id: number; t: 'rows'; rows: unknown[][] }
  | { id: number; t: 'end'; rowCount: number; truncated: boolean }
  | { id: number; t: 'schema'; rows: SchemaRow[] }
  | { id: number; t: 'version'; version: string }
  | { id: number; t: 'error'; error: WorkerError };
