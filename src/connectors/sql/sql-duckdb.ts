/**
 * DuckDB databases (a file, or `:memory:`). The server never runs DuckDB: every query, schema
 * read and test runs in a pooled, sandboxed worker process (src/sandbox/, @duckdb/node-api
 * inside) that sees only this database — a file bound and opened READ_ONLY for read-only
 * queries, no file at all for `:memory:` — plus any `sandbox.readOnlyDirs`. In the worker,
 * external access is off (file functions reach only those read-only directories), extension
 * auto-install/auto-load is off, and the configuration is locked. A time limit or a cancel kills
 * the worker.
 *
 * The text filter (`refuseDuckdbStatements`: INSTALL/LOAD, EXPLAIN ANALYZE of a write, COPY and
 * friends on read-only connections) and the worker's statement-type allowlist are defence in
 * depth; the sandbox is the wall.
 */
import { createSandboxedSqlConnector } from './sql-sandboxed.js';
import type { DuckdbConfig } from './sql-config.js';
import { refuseDuckdbStatements } from './sql-guard.js';
import type { SqlConnector, SqlConnectorLimits } from './sql-types.js';

export function createDuckdbConnector(cfg: DuckdbConfig, limits: SqlConnectorLimits): SqlConnector {
  return createSandboxedSqlConnector({ engine: 'duckdb', file: cfg.path, limits, filter: refuseDuckdbStatements });
}
