/**
 * SQLite files. The server never opens the file: every query, schema read and test runs in a
 * pooled, sandboxed worker process (src/sandbox/, better-sqlite3 inside), which sees this one
 * database and nothing else — bound and opened read-only when the query is read-only. A time
 * limit or a cancel kills the worker, so a query that computes for a long time before its first
 * row no longer holds anything in this process.
 *
 * The text filter (`refuseSqliteStatements`: ATTACH, VACUUM INTO, load_extension, PRAGMA
 * *_store_directory) is defence in depth; the sandbox is the wall.
 */
import { createSandboxedSqlConnector } from './sql-sandboxed.js';
import type { SqliteConfig } from './sql-config.js';
import { refuseSqliteStatements } from './sql-guard.js';
import type { SqlConnector, SqlConnectorLimits } from './sql-types.js';

export function createSqliteConnector(cfg: SqliteConfig, limits: SqlConnectorLimits): SqlConnector {
  return createSandboxedSqlConnector({ engine: 'sqlite', file: cfg.path, limits, filter: (sql) => refuseSqliteStatements(sql) });
}
