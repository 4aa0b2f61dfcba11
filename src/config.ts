/**
 * Configuration: environment variables, overridden by CLI flags. Validated once at start with
 * a clear message per bad value, so a typo fails the start instead of surfacing later.
 */
import { isIP } from 'node:net';
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
  /**
   * Which X-Forwarded-* to believe: false (none), a hop count (the client is the address that
   * many proxies back; `true`/`1` = one proxy), or the proxies' own addresses/CIDRs. Never
   * "all hops": the left-most X-Forwarded-For entry is whatever the client wrote.
   */
  trustProxy: z.union([z.literal(false), z.number().int().min(1), z.array(z.string())], {
    error: (iss) => `ATRIUM_TRUST_PROXY must be off, true, a hop count (1-32) or comma-separated proxy addresses/CIDRs; got ${JSON.stringify(iss.input)}`,
  }),
  sessionTtlHours: z.coerce.number().positive(),
  sessionIdleHours: z.coerce.number().positive(),
  bodyLimitBytes: z.coerce.number().int().positive(),
  /** SSRF guard for data connections: no link-local or cloud-metadata addresses. */
  /**
   * Where browsers reach this server (https://atrium.example.com), for links that leave it: the
   * GitHub sign-in's return address. Unset: the request's own origin (forwarded headers count only
   * from proxies ATRIUM_TRUST_PROXY trusts).
   */
  publicUrl: z
    .url({ protocol: /^https?$/, error: 'ATRIUM_PUBLIC_URL must be an http(s) URL such as https://atrium.example.com' })
    .refine((u) => { const x = parseUrl(u); return !!x && (x.pathname === '/' || x.pathname === '') && !x.search && !x.hash && !x.username; }, 'ATRIUM_PUBLIC_URL must be an origin only (no path, query or credentials), e.g. https://atrium.example.com')
    .transform((u) => new URL(u).origin)
    .optional(),
  ssrfGuard: z.boolean(),
  ssrfAllowHosts: z.array(z.string()),
  /** Where SQLite/DuckDB connection files may live (never the data directory's own files). */
  filesDir: z.string().min(1),
  sqlPoolMax: z.coerce.number().int().min(1).max(100),
  /** Largest database file a connection may be given by upload (PUT …/data-connections/{id}/file). */
  connectionFileMaxBytes: z.coerce.number().int().min(1),
  /** The sandboxed SQLite/DuckDB workers (src/sandbox/README.md): idle stop, per-worker limits. */
  sandbox: z.object({
    idleMs: z.coerce.number().int().min(1000),
    memoryMb: z.coerce.number().int().min(256),
    processes: z.coerce.number().int().min(8).max(4096),
    maxOutputBytes: z.coerce.number().int().min(1024),
    duckdbMemoryLimitMb: z.coerce.number().int().min(16),
    duckdbThreads: z.coerce.number().int().min(1).max(256),
  }),
  queryMaxRows: z.coerce.number().int().min(1),
  queryTimeoutMs: z.coerce.number().int().min(100),
  /** Stored results (rule 6) keep at most this many rows / bytes. */
  resultMaxRows: z.coerce.number().int().min(0),
  resultMaxBytes: z.coerce.number().int().min(0),
  /** Per project: at most this many files / bytes in its file store (imports, runtime results). */
  projectFilesMaxFiles: z.coerce.number().int().min(1),
  projectFilesMaxBytes: z.coerce.number().int().min(1),
  /** A bucket of Atrium's own for project files (multi-node); unset: DATA_DIR/project-files. */
  filesS3: z
    .object({
      bucket: z.string().min(3),
      region: z.string().min(2),
      endpoint: z.string().url().optional(),
      pathStyle: z.boolean(),
      prefix: z.string(),
      accessKeyId: z.string().min(1, 'ATRIUM_FILES_S3_ACCESS_KEY_ID is required with ATRIUM_FILES_S3_BUCKET'),
      secretAccessKey: z.string().min(1, 'ATRIUM_FILES_S3_SECRET_ACCESS_KEY is required with ATRIUM_FILES_S3_BUCKET'),
    })
    .optional(),
  /** Git packages: byte budget of the artifact cache (LRU), wall-clock limit of an install's commands. */
  packageCacheBytes: z.coerce.number().int().min(0),
  packageInstallTimeoutMs: z.coerce.number().int().min(100),
  /** Git packages: bytes an install's working tree may reach (the disk it fills), checked while it runs. */
  packageInstallMaxBytes: z.coerce.number({ error: 'ATRIUM_PACKAGE_INSTALL_MAX_BYTES must be a number of bytes' }).int().min(1024 * 1024, 'ATRIUM_PACKAGE_INSTALL_MAX_BYTES must be at least 1 MiB'),
  /**
   * The artifact cache shared by every node, in Atrium's own bucket (ATRIUM_FILES_S3_*) under this
   * key prefix; null: each node keeps only its local cache (no bucket, or ATRIUM_PACKAGE_CACHE_S3=off).
   */
  packageCacheS3Prefix: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, 'ATRIUM_PACKAGE_CACHE_S3_PREFIX must be a non-empty key prefix of letters, digits and !_.*\'()- separated by single slashes (no leading or trailing slash)')
    .nullable(),
  /** Tests only: git over http:// to loopback (the local git server), and where GitHub repositories are fetched from. */
  gitAllowHttpLoopback: z.boolean(),
  githubGitBaseUrl: z.string().optional(),
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

const parseUrl = (u: string): URL | null => {
  try {
    return new URL(u);
  } catch {
    return null;
  }
};

/** Names proxy-addr (Fastify's trustProxy) knows for well-known ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * ATRIUM_TRUST_PROXY: off; `true`/`yes`/`on` or a number = that many proxy hops; or a
 * comma-separated list of proxy addresses / CIDRs. Anything else is handed to the schema as
 * it was written, which refuses it with the variable's name.
 */
function trustProxyOf(v: string | undefined): unknown {
  const s = (v ?? '').trim().toLowerCase();
  if (['', 'false', '0', 'no', 'off'].includes(s)) return false;
  if (['true', 'yes', 'on'].includes(s)) return 1;
  if (/^\d+$/.test(s)) return Number(s) <= 32 ? Number(s) : v;
  const entries = s.split(',').map((e) => e.trim()).filter(Boolean);
  return entries.length && entries.every((e) => PROXY_RANGE_NAMES.has(e) || isAddressOrCidr(e)) ? entries : v;
}

function isAddressOrCidr(e: string): boolean {
  const [addr = '', bits, ...rest] = e.split('/');
  const family = isIP(addr);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

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
    trustProxy: trustProxyOf(env.ATRIUM_TRUST_PROXY),
    sessionTtlHours: env.ATRIUM_SESSION_TTL_HOURS ?? 24 * 7,
    sessionIdleHours: env.ATRIUM_SESSION_IDLE_HOURS ?? 24,
    bodyLimitBytes: env.ATRIUM_BODY_LIMIT_BYTES ?? 1024 * 1024,
    publicUrl: env.ATRIUM_PUBLIC_URL || undefined,
    ssrfGuard: bool(env.ATRIUM_SSRF_GUARD, true),
    ssrfAllowHosts: (env.ATRIUM_SSRF_ALLOW_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean),
    filesDir: path.resolve(env.ATRIUM_FILES_DIR ?? path.join(flags.dataDir ?? env.DATA_DIR ?? './data', 'files')),
    sqlPoolMax: env.ATRIUM_SQL_POOL_MAX ?? 5,
    connectionFileMaxBytes: env.ATRIUM_CONNECTION_FILE_MAX_BYTES ?? 1024 ** 3,
    sandbox: {
      idleMs: env.ATRIUM_SANDBOX_IDLE_MS ?? 60_000,
      memoryMb: env.ATRIUM_SANDBOX_MEMORY_MB ?? 4096,
      processes: env.ATRIUM_SANDBOX_PROCESSES ?? 128,
      maxOutputBytes: env.ATRIUM_SANDBOX_MAX_OUTPUT_BYTES ?? 512 * 1024 ** 2,
      duckdbMemoryLimitMb: env.ATRIUM_DUCKDB_MEMORY_LIMIT_MB ?? 1024,
      duckdbThreads: env.ATRIUM_DUCKDB_THREADS ?? 2,
    },
    queryMaxRows: env.ATRIUM_QUERY_MAX_ROWS ?? 1_000_000,
    queryTimeoutMs: env.ATRIUM_QUERY_TIMEOUT_MS ?? 5 * 60_000,
    resultMaxRows: env.ATRIUM_RESULT_MAX_ROWS ?? 10_000,
    resultMaxBytes: env.ATRIUM_RESULT_MAX_BYTES ?? 4 * 1024 * 1024,
    projectFilesMaxFiles: env.ATRIUM_PROJECT_FILES_MAX_FILES ?? 10_000,
    projectFilesMaxBytes: env.ATRIUM_PROJECT_FILES_MAX_BYTES ?? 20 * 1024 ** 3,
    filesS3: env.ATRIUM_FILES_S3_BUCKET
      ? {
          bucket: env.ATRIUM_FILES_S3_BUCKET,
          region: env.ATRIUM_FILES_S3_REGION || 'us-east-1',
          endpoint: env.ATRIUM_FILES_S3_ENDPOINT || undefined,
          pathStyle: bool(env.ATRIUM_FILES_S3_PATH_STYLE, !!env.ATRIUM_FILES_S3_ENDPOINT),
          prefix: env.ATRIUM_FILES_S3_PREFIX ?? 'atrium-project-files',
          accessKeyId: env.ATRIUM_FILES_S3_ACCESS_KEY_ID ?? '',
          secretAccessKey: env.ATRIUM_FILES_S3_SECRET_ACCESS_KEY ?? '',
        }
      : undefined,
    packageCacheBytes: env.ATRIUM_PACKAGE_CACHE_BYTES ?? 5 * 1024 ** 3,
    packageInstallTimeoutMs: env.ATRIUM_PACKAGE_INSTALL_TIMEOUT_MS ?? 10 * 60_000,
    packageInstallMaxBytes: env.ATRIUM_PACKAGE_INSTALL_MAX_BYTES ?? 2 * 1024 ** 3,
    packageCacheS3Prefix: env.ATRIUM_FILES_S3_BUCKET && bool(env.ATRIUM_PACKAGE_CACHE_S3, true) ? (env.ATRIUM_PACKAGE_CACHE_S3_PREFIX ?? 'atrium-package-cache') : null,
    gitAllowHttpLoopback: bool(env.ATRIUM_GIT_ALLOW_HTTP_LOOPBACK, false),
    githubGitBaseUrl: env.ATRIUM_GITHUB_GIT_BASE_URL || undefined,
  };
  const parsed = ConfigSchema.superRefine((c, ctx) => {
    // Package artifacts must never show up as a project's files (or the other way round).
    const files = c.filesS3?.prefix.replace(/^\/+|\/+$/g, '') ?? '';
    const pkgs = c.packageCacheS3Prefix;
    if (pkgs && files && (pkgs === files || pkgs.startsWith(`${files}/`) || files.startsWith(`${pkgs}/`))) {
      ctx.addIssue({ code: 'custom', path: ['packageCacheS3Prefix'], message: `ATRIUM_PACKAGE_CACHE_S3_PREFIX ('${pkgs}') must not overlap ATRIUM_FILES_S3_PREFIX ('${files}'): the package cache and the project files need separate prefixes of the bucket` });
    }
  }).safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
