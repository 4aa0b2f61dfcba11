/**
 * PostgreSQL through node-postgres. One pg.Pool per connector, connected to the SSRF-checked IP
 * with the configured name kept for TLS. Each query takes a pooled client and reads through a
 * server-side portal (pg-cursor) `batchSize` rows at a time, so nothing buffers the whole result.
 *
 * Per query: read-only → `BEGIN READ ONLY` + `SET LOCAL statement_timeout`, ended by ROLLBACK;
 * read-write → session `SET statement_timeout`, autocommit, then `DISCARD ALL` so a user's SET
 * or open transaction never leaks into the next query on that pooled connection.
 * Cancel/timeout → `pg_cancel_backend(pid)` from a separate, unpooled connection (a full pool
 * cannot block it), and the client is destroyed rather than returned to the pool.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { PostgresConfig } from './sql-config.js';
import { SqlConnectorError, networkError, scrubbed } from './sql-errors.js';
import { QueryGuard, checkQueryOptions } from './sql-guard.js';
import { resolveSafeHost } from './sql-ssrf.js';
import type { Column, QueryEvent, QueryOptions, SqlConnector, SqlConnectorLimits, SqlCredentials, SqlSchema } from './sql-types.js';
import { rowToJsonSafe } from './sql-values.js';

const OID_NAMES: Record<number, string> = {
  16: 'bool', 17: 'bytea', 18: 'char', 19: 'name', 20: 'int8', 21: 'int2', 23: 'int4', 24: 'regproc', 25: 'text',
  26: 'oid', 114: 'json', 142: 'xml', 650: 'cidr', 700: 'float4', 701: 'float8', 705: 'unknown', 774: 'macaddr8',
  790: 'money', 829: 'macaddr', 869: 'inet', 1042: 'bpchar', 1043: 'varchar', 1082: 'date', 1083: 'time',
  1114: 'timestamp', 1184: 'timestamptz', 1186: 'interval', 1266: 'timetz', 1560: 'bit', 1562: 'varbit',
  1700: 'numeric', 2205: 'regclass', 2249: 'record', 2278: 'void', 2950: 'uuid', 3614: 'tsvector', 3802: 'jsonb',
  199: '_json', 1000: '_bool', 1001: '_bytea', 1005: '_int2', 1007: '_int4', 1009: '_text', 1014: '_bpchar',
  1015: '_varchar', 1016: '_int8', 1021: '_float4', 1022: '_float8', 1115: '_timestamp', 1182: '_date',
  1185: '_timestamptz', 1231: '_numeric', 2951: '_uuid', 3807: '_jsonb',
};

export function pgTypeName(oid: number): string {
  return OID_NAMES[oid] ?? 'unknown';
}

/**
 * Type parsers for results: int8/numeric stay strings (pg's default, exact); DATE and TIMESTAMP
 * (no zone) keep the server's text instead of becoming a Date in this process's time zone.
 */
const resultTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (v: string) => unknown {
    if (oid === 1082) return (v: string) => v;
    if (oid === 1114) return (v: string) => v.replace(' ', 'T');
    return (pg.types.getTypeParser as (o: number, f?: string) => (v: string) => unknown)(oid, format ?? 'text');
  },
};

type PgError = Error & { code?: string; position?: string; severity?: string };

function pgCode(e: unknown): string | undefined {
  const c = (e as PgError | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

export function createPostgresConnector(cfg: PostgresConfig, creds: SqlCredentials, limits: SqlConnectorLimits): SqlConnector {
  const password = creds.password;
  const connectTimeoutMs = Math.min(cfg.options?.connectTimeoutMs ?? limits.connectTimeoutMs, limits.connectTimeoutMs);
  const what = `PostgreSQL at ${cfg.host}:${cfg.port}`;
  let setup: Promise<{ pool: pg.Pool; clientConfig: pg.ClientConfig }> | null = null;
  let closed = false;

  /** Connect-time failures → codes. Never returns the driver's message (it can name internals). */
  function connectError(e: unknown): SqlConnectorError {
    if (e instanceof SqlConnectorError) return scrubbed(e, password);
    const code = pgCode(e);
    const msg = e instanceof Error ? e.message : String(e);
    let out: SqlConnectorError | null = null;
    if (code === '28P01' || /password authentication failed|SASL|client password must be a string/i.test(msg)) {
      out = new SqlConnectorError('auth_failed', `PostgreSQL refused the password for user '${cfg.user}'.`, {}, e);
    } else if (code === '28000' && /no pg_hba\.conf entry.*no encryption/i.test(msg)) {
      out = new SqlConnectorError('tls_required', `${what} only accepts TLS connections: set sslMode to 'require' or 'verify-full'.`, {}, e);
    } else if (code === '28000') {
      out = new SqlConnectorError('auth_failed', `PostgreSQL does not allow user '${cfg.user}' to connect to database '${cfg.database}' from this server (pg_hba.conf).`, {}, e);
    } else if (code === '3D000') {
      out = new SqlConnectorError('database_not_found', `Database '${cfg.database}' does not exist on ${what}.`, {}, e);
    } else if (/does not support SSL/i.test(msg)) {
      out = new SqlConnectorError('tls_failed', `${what} does not accept TLS connections: set sslMode to 'disable' or 'prefer', or enable TLS on the server.`, {}, e);
    } else if (/timeout/i.test(msg)) {
      out = new SqlConnectorError('timeout', `${what} did not answer within ${connectTimeoutMs} ms (or all ${limits.poolMax} pooled connections stayed busy).`, {}, e);
    } else if (/Connection terminated unexpectedly/i.test(msg)) {
      out = new SqlConnectorError('host_unreachable', `${what} closed the connection while connecting: check the port and the TLS mode.`, {}, e);
    } else if (code === '53300') {
      out = new SqlConnectorError('connection_failed', `${what} has too many connections open; try again later.`, {}, e);
    }
    out ??= networkError(e, what, connectTimeoutMs);
    out ??= new SqlConnectorError('connection_failed', `Could not connect to ${what}${code ? ` (SQLSTATE ${code})` : ''}.`, {}, e);
    return scrubbed(out, password);
  }

  /** Errors of the user's statement: the database's own message and position. */
  function queryError(e: unknown): SqlConnectorError {
    if (e instanceof SqlConnectorError) return scrubbed(e, password);
    const code = pgCode(e);
    // A 5-character SQLSTATE means PostgreSQL answered; anything else is the connection failing.
    if (!code || !/^[0-9A-Z]{5}$/.test(code)) return connectError(e);
    const msg = (e as Error).message;
    if (code === '25006') {
      return scrubbed(new SqlConnectorError('read_only_violation', `This connection is read-only: ${msg}.`, { dbCode: code }, e), password);
    }
    if (code === '57014' && /statement timeout/i.test(msg)) {
      return new SqlConnectorError('statement_timeout', 'The query ran longer than its time limit and was stopped by PostgreSQL.', { dbCode: code }, e);
    }
    const pos = Number((e as PgError).position);
    return scrubbed(
      new SqlConnectorError('query_error', msg, { dbCode: code, ...(Number.isInteger(pos) && pos > 0 ? { position: pos } : {}) }, e),
      password,
    );
  }

  async function build(): Promise<{ pool: pg.Pool; clientConfig: pg.ClientConfig }> {
    const target = await resolveSafeHost(cfg.host, limits.ssrf);
    const base: pg.ClientConfig = {
      host: target.address,
      port: cfg.port,
      database: cfg.database,
      user: cfg.user,
      password: password ?? '',
      connectionTimeoutMillis: connectTimeoutMs,
      application_name: cfg.options?.applicationName ?? 'atrium',
      keepAlive: true,
    };
    const tlsName = target.hostname;
    const verify = { rejectUnauthorized: true, servername: tlsName };
    const noVerify = { rejectUnauthorized: false, servername: tlsName };
    let ssl: pg.ClientConfig['ssl'];
    switch (cfg.sslMode) {
      case 'disable':
        ssl = false;
        break;
      case 'require':
        ssl = noVerify;
        break;
      case 'verify-full':
        ssl = verify;
        break;
      case 'prefer': {
        // node-postgres has no "prefer": probe once with TLS, fall back to plain text only when
        // the server says it does not do TLS.
        const probe = new pg.Client({ ...base, ssl: noVerify });
        probe.on('error', () => {});
        try {
          await probe.connect();
          ssl = noVerify;
        } catch (e) {
          if (!/does not support SSL/i.test(e instanceof Error ? e.message : '')) throw connectError(e);
          ssl = false;
        } finally {
          await probe.end().catch(() => {});
        }
        break;
      }
    }
    const clientConfig: pg.ClientConfig = { ...base, ssl };
    const pool = new pg.Pool({ ...clientConfig, max: limits.poolMax, idleTimeoutMillis: 30_000, allowExitOnIdle: true });
    // An idle client dropped by the server emits 'error' on the pool: not a reason to crash.
    pool.on('error', () => {});
    return { pool, clientConfig };
  }

  function getSetup(): Promise<{ pool: pg.Pool; clientConfig: pg.ClientConfig }> {
    if (closed) return Promise.reject(new SqlConnectorError('connection_failed', 'This connection has been closed.'));
    setup ??= build().catch((e: unknown) => {
      setup = null;
      throw connectError(e);
    });
    return setup;
  }

  async function withFreshClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const { clientConfig } = await getSetup();
    const client = new pg.Client(clientConfig);
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => {});
      throw connectError(e);
    }
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => {});
    }
  }

  async function cancelBackend(pid: number): Promise<void> {
    await withFreshClient((c) => c.query('SELECT pg_cancel_backend($1)', [pid]));
  }

  async function getClient(): Promise<pg.PoolClient> {
    const { pool } = await getSetup();
    try {
      return await pool.connect();
    } catch (e) {
      throw connectError(e);
    }
  }

  return {
    type: 'postgres',

    async test() {
      const started = performance.now();
      const version = await withFreshClient(async (c) => {
        const r = await c.query<{ server_version: string }>('SHOW server_version');
        return r.rows[0]?.server_version ?? 'unknown';
      });
      return { ok: true, serverVersion: `PostgreSQL ${version}`, latencyMs: Math.round(performance.now() - started) };
    },

    async schema(): Promise<SqlSchema> {
      const client = await getClient();
      try {
        const r = await client.query<{ schema: string; name: string; relkind: string; column: string | null; type: string | null }>(
          `SELECT n.nspname AS schema, c.relname AS name, c.relkind, a.attname AS column,
                  format_type(a.atttypid, a.atttypmod) AS type
             FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
              AND has_schema_privilege(n.oid, 'USAGE')
            ORDER BY n.nspname, c.relname, a.attnum`,
        );
        client.release();
        return groupSchema(r.rows.map((x) => ({ ...x, kind: x.relkind === 'v' || x.relkind === 'm' ? 'view' : 'table' })));
      } catch (e) {
        client.release(true);
        throw queryError(e);
      }
    },

    query(sql: string, opts: QueryOptions): AsyncIterable<QueryEvent> {
      return runQuery(sql, opts);
    },

    async close() {
      closed = true;
      const s = setup;
      setup = null;
      if (s) await s.then((x) => x.pool.end()).catch(() => {});
    },
  };

  async function* runQuery(sql: string, opts: QueryOptions): AsyncGenerator<QueryEvent> {
    const { batchSize } = checkQueryOptions(sql, opts);
    // The server enforces statement_timeout; the client timer (+grace) covers the rest: waiting on
    // a slow consumer, or a server that does not answer the cancel.
    const guard = new QueryGuard(opts, 250);
    let client: pg.PoolClient | null = null;
    let clean = false;
    let cursor: Cursor | null = null;
    try {
      guard.throwIfStopped();
      client = await getClient();
      guard.throwIfStopped();
      const pid = (client as unknown as { processID: number }).processID;
      const c = client;
      guard.setStopper(async () => {
        try {
          await cancelBackend(pid);
        } catch {
          // Could not reach the server a second time: dropping the socket is all that is left.
          (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
        }
      });
      const ms = Math.max(1, Math.ceil(opts.timeoutMs));
      if (opts.readOnly) {
        // One round trip: both statements in one simple-protocol message (ms is an integer).
        await client.query(`BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${ms}`);
      } else {
        await client.query(`SET statement_timeout = ${ms}`);
      }
      guard.throwIfStopped();
      cursor = client.query(new Cursor(sql, opts.params ?? [], { rowMode: 'array', types: resultTypes }));
      let columns: Column[] | null = null;
      let rowCount = 0;
      let truncated = false;
      for (;;) {
        const want = Math.min(batchSize, opts.maxRows + 1 - rowCount);
        const { rows, fields } = await readBatch(cursor, want);
        guard.throwIfStopped();
        if (!columns) {
          columns = fields.map((f) => ({ name: f.name, type: pgTypeName(f.dataTypeID) }));
          yield { type: 'columns', columns };
        }
        let take = rows;
        if (rowCount + rows.length > opts.maxRows) {
          take = rows.slice(0, opts.maxRows - rowCount);
          truncated = true;
        }
        rowCount += take.length;
        if (take.length > 0) yield { type: 'rows', rows: take.map(rowToJsonSafe) };
        guard.throwIfStopped();
        if (truncated || rows.length < want) break;
      }
      await cursor.close();
      cursor = null;
      guard.setStopper(null);
      guard.throwIfStopped();
      await client.query(opts.readOnly ? 'ROLLBACK' : 'DISCARD ALL');
      clean = true;
      yield { type: 'end', rowCount, truncated };
    } catch (e) {
      if (guard.stopped) throw guard.error();
      throw queryError(e);
    } finally {
      guard.dispose();
      if (client) {
        if (!clean && !guard.stopped && cursor) {
          // The consumer stopped early (break/return): the portal is suspended, not running.
          await cursor.close().catch(() => {});
          await client.query(opts.readOnly ? 'ROLLBACK' : 'DISCARD ALL').then(
            () => { clean = true; },
            () => {},
          );
        }
        client.release(clean ? undefined : true);
      }
    }
  }
}

function readBatch(cursor: Cursor, n: number): Promise<{ rows: unknown[][]; fields: pg.FieldDef[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(n, (err, rows, result) => {
      if (err) reject(err);
      else resolve({ rows: rows as unknown[][], fields: result?.fields ?? [] });
    });
  });
}

/** Flat (schema, table, kind, column, type) rows → the nested schema tree, order kept. */
export function groupSchema(
  rows: { schema: string; name: string; kind: 'table' | 'view'; column: string | null; type: string | null }[],
): SqlSchema {
  const schemas = new Map<string, Map<string, { name: string; kind: 'table' | 'view'; columns: Column[] }>>();
  for (const r of rows) {
    let tables = schemas.get(r.schema);
    if (!tables) schemas.set(r.schema, (tables = new Map()));
    let t = tables.get(r.name);
    if (!t) tables.set(r.name, (t = { name: r.name, kind: r.kind, columns: [] }));
    if (r.column !== null) t.columns.push({ name: r.column, type: r.type ?? 'unknown' });
  }
  return { schemas: [...schemas].map(([name, tables]) => ({ name, tables: [...tables.values()] })) };
}
