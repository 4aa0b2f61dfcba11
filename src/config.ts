/**
 * Configuration: environment variables, overridden by CLI flags. Validated once at start with
 * a clear message per bad value, so a typo fails the start instead of surfacing later.
 */
import path from 'node:path';
import { z } from 'zod';

const ConfigSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  dataDir: z.string().min(1),
  /** postgres://... for PostgreSQL; unset means SQLite in dataDir/atrium.db */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  masterKey: z.string().optional(),
  demo: z.boolean(),
  demoPassword: z.string().min(8, 'ATRIUM_DEMO_PASSWORD must have at least 8 characters').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Trust X-Forwarded-* (set when behind a TLS-terminating proxy). */
  trustProxy: z.boolean(),
  sessionTtlHours: z.coerce.number().positive(),
  sessionIdleHours: z.coerce.number().positive(),
  bodyLimitBytes: z.coerce.number().int().positive(),
  /** SSRF guard for data connections: no link-local or cloud-metadata addresses. */
  ssrfGuard: z.boolean(),
  ssrfAllowHosts: z.array(z.string()),
  /** Where SQLite/DuckDB connection files may live (never the data directory's own files). */
  filesDir: z.string().min(1),
  sqlPoolMax: z.coerce.number().int().min(1).max(100),
  queryMaxRows: z.coerce.number().int().min(1),
  queryTimeoutMs: z.coerce.number().int().min(100),
  /** Stored results (rule 6) keep at most this many rows / bytes. */
  resultMaxRows: z.coerce.number().int().min(0),
  resultMaxBytes: z.coerce.number().int().min(0),
});

export type Config = z.infer<typeof ConfigSchema>;

export interface ConfigOverrides {
  host?: string;
  port?: string | number;
  dataDir?: string;
  databaseUrl?: string;
  masterKey?: string;
  demo?: boolean;
  logLevel?: string;
}

const bool = (v: string | undefined, dflt: boolean): boolean =>
  v === undefined || v === '' ? dflt : ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());

export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigOverrides = {}): Config {
  const raw = {
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    port: flags.port ?? env.PORT ?? 8080,
    dataDir: path.resolve(flags.dataDir ?? env.DATA_DIR ?? './data'),
    databaseUrl: flags.databaseUrl ?? (env.DATABASE_URL || undefined),
    masterKey: flags.masterKey ?? (env.ATRIUM_MASTER_KEY || undefined),
    demo: flags.demo ?? bool(env.ATRIUM_DEMO, true),
    demoPassword: env.ATRIUM_DEMO_PASSWORD || undefined,
    logLevel: flags.logLevel ?? env.LOG_LEVEL ?? 'info',
    trustProxy: bool(env.ATRIUM_TRUST_PROXY, false),
    sessionTtlHours: env.ATRIUM_SESSION_TTL_HOURS ?? 24 * 7,
    sessionIdleHours: env.ATRIUM_SESSION_IDLE_HOURS ?? 24,
    bodyLimitBytes: env.ATRIUM_BODY_LIMIT_BYTES ?? 1024 * 1024,
    ssrfGuard: bool(env.ATRIUM_SSRF_GUARD, true),
    ssrfAllowHosts: (env.ATRIUM_SSRF_ALLOW_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean),
    filesDir: path.resolve(env.ATRIUM_FILES_DIR ?? path.join(flags.dataDir ?? env.DATA_DIR ?? './data', 'files')),
    sqlPoolMax: env.ATRIUM_SQL_POOL_MAX ?? 5,
    queryMaxRows: env.ATRIUM_QUERY_MAX_ROWS ?? 1_000_000,
    queryTimeoutMs: env.ATRIUM_QUERY_TIMEOUT_MS ?? 5 * 60_000,
    resultMaxRows: env.ATRIUM_RESULT_MAX_ROWS ?? 10_000,
    resultMaxBytes: env.ATRIUM_RESULT_MAX_BYTES ?? 4 * 1024 * 1024,
  };
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
