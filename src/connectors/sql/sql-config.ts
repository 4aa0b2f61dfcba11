/**
 * Non-secret settings of a data connection, per engine. Strict objects: the API validates
 * requests with them and stores what they output. The password is not here: it is a separate,
 * write-only credential.
 */
import path from 'node:path';
import { z } from 'zod';
import { SqlConnectorError } from './sql-errors.js';
import type { SqlType } from './sql-types.js';

const host = z.string().trim().min(1).max(253);
const identifier = z.string().min(1).max(128);
const port = z.number().int().min(1).max(65535);
const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => path.isAbsolute(p), { message: 'must be an absolute path on the server' });

export const postgresConfigSchema = z.strictObject({
  host,
  port: port.default(5432),
  database: identifier,
  user: identifier,
  sslMode: z.enum(['disable', 'prefer', 'require', 'verify-full']).default('prefer'),
  options: z
    .strictObject({
      applicationName: z.string().max(63).optional(),
      connectTimeoutMs: z.number().int().min(100).max(120_000).optional(),
    })
    .optional(),
});

export const mysqlConfigSchema = z.strictObject({
  host,
  port: port.default(3306),
  database: identifier,
  user: identifier,
  sslMode: z.enum(['disable', 'require', 'verify-full']),
});

export const sqliteConfigSchema = z.strictObject({
  path: absolutePath,
});

export const duckdbConfigSchema = z.strictObject({
  path: z.union([z.literal(':memory:'), absolutePath]),
});

export type PostgresConfig = z.output<typeof postgresConfigSchema>;
export type MysqlConfig = z.output<typeof mysqlConfigSchema>;
export type SqliteConfig = z.output<typeof sqliteConfigSchema>;
export type DuckdbConfig = z.output<typeof duckdbConfigSchema>;

export const sqlConfigSchemas = {
  postgres: postgresConfigSchema,
  mysql: mysqlConfigSchema,
  sqlite: sqliteConfigSchema,
  duckdb: duckdbConfigSchema,
} as const;

export type SqlConfigFor<T extends SqlType> = z.output<(typeof sqlConfigSchemas)[T]>;

/** Parses a stored or submitted config; throws SqlConnectorError('config_invalid'). */
export function parseSqlConfig<T extends SqlType>(type: T, config: unknown): SqlConfigFor<T> {
  const schema = sqlConfigSchemas[type] as unknown as z.ZodType<SqlConfigFor<T>> | undefined;
  if (!schema) throw new SqlConnectorError('config_invalid', `Unknown data connection type '${String(type)}'.`);
  const r = schema.safeParse(config);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
    throw new SqlConnectorError('config_invalid', `Invalid ${type} connection settings: ${issues}`);
  }
  return r.data;
}
