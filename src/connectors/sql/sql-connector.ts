/**
 * The entry point of the SQL connectors: `createSqlConnector(type, config, credentials, limits)`.
 * The config is validated here (strict zod schemas from sql-config.ts); the connector opens
 * nothing until it is used.
 */
import { parseSqlConfig } from './sql-config.js';
import { createDuckdbConnector } from './sql-duckdb.js';
import { SqlConnectorError } from './sql-errors.js';
import { createMysqlConnector } from './sql-mysql.js';
import { createPostgresConnector } from './sql-postgres.js';
import { createSqliteConnector } from './sql-sqlite.js';
import { SQL_TYPES, type SqlConnector, type SqlConnectorLimits, type SqlCredentials, type SqlType } from './sql-types.js';

export * from './sql-types.js';
export * from './sql-errors.js';
export * from './sql-config.js';
export { DEFAULT_SSRF_POLICY, resolveSafeHost, blockedAddressReason } from './sql-ssrf.js';

const LABELS: Record<SqlType, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL / MariaDB',
  sqlite: 'SQLite',
  duckdb: 'DuckDB',
};

export function sqlTypeLabel(type: SqlType): string {
  return LABELS[type];
}

export function isSqlType(v: unknown): v is SqlType {
  return typeof v === 'string' && (SQL_TYPES as readonly string[]).includes(v);
}

/** Throws SqlConnectorError('config_invalid') for an unknown type or invalid config. */
export function createSqlConnector(
  type: SqlType,
  config: unknown,
  credentials: SqlCredentials,
  limits: SqlConnectorLimits,
): SqlConnector {
  if (!isSqlType(type)) throw new SqlConnectorError('config_invalid', `Unknown data connection type '${String(type)}'.`);
  if (!Number.isInteger(limits.poolMax) || limits.poolMax < 1) throw new TypeError('poolMax must be a positive integer');
  switch (type) {
    case 'postgres':
      return createPostgresConnector(parseSqlConfig('postgres', config), credentials, limits);
    case 'mysql':
      return createMysqlConnector(parseSqlConfig('mysql', config), credentials, limits);
    case 'sqlite':
      return createSqliteConnector(parseSqlConfig('sqlite', config), limits);
    case 'duckdb':
      return createDuckdbConnector(parseSqlConfig('duckdb', config), limits);
  }
}
