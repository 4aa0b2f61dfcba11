/**
 * MySQL and MariaDB through mysql2 (callback API). One mysql2 pool per connector. The socket is
 * opened to the SSRF-checked IP by our own stream factory while mysql2 keeps the configured host
 * name, so TLS (SNI, certificate identity) checks the name and DNS cannot be asked twice.
 *
 * Per query, on a pooled connection: the time limit (MariaDB `max_statement_time`, MySQL
 * `MAX_EXECUTION_TIME`) and the access mode (`tx_read_only` / `transaction_read_only`) are set
 * in the session, and a ROLLBACK afterwards leaves no transaction open. Rows come through `query.stream()`: when we stop
 * reading, the readable's buffer fills and mysql2 pauses the socket (backpressure), so the server
 * waits instead of us buffering. Cancel/timeout → `KILL QUERY <thread id>` from a separate,
 * unpooled connection; a connection whose result was not read to the end is destroyed, not reused.
 */
import net from 'node:net';
import mysql from 'mysql2';
import type { MysqlConfig } from './sql-config.js';
import { SqlConnectorError, networkError, scrubbed } from './sql-errors.js';
import { QueryGuard, checkQueryOptions } from './sql-guard.js';
import { resolveSafeHost } from './sql-ssrf.js';
import type { Column, QueryEvent, QueryOptions, SqlConnector, SqlConnectorLimits, SqlCredentials, SqlSchema } from './sql-types.js';
import { rowToJsonSafe } from './sql-values.js';
import { groupSchema } from './sql-postgres.js';

type MyError = Error & { code?: string; errno?: number; sqlMessage?: string; fatal?: boolean };
type Conn = mysql.PoolConnection | mysql.Connection;

const TYPE_NAMES = mysql.Types as unknown as Record<number, string>;

export function mysqlTypeName(columnType: number | undefined): string {
  return (columnType !== undefined && TYPE_NAMES[columnType]) || 'unknown';
}

/**
 * A 1-based offset for a MySQL syntax error: where the "near '…'" excerpt starts in the query,
 * else the start of "line N".
 */
export function mysqlErrorPosition(sql: string, message: string): number | undefined {
  const near = /near '([\s\S]*)' at line (\d+)/.exec(message);
  if (near) {
    const excerpt = near[1]!;
    if (excerpt.length > 0) {
      const idx = sql.indexOf(excerpt.slice(0, 40));
      if (idx >= 0) return idx + 1;
    }
  }
  const line = /at line (\d+)/.exec(message);
  if (line) {
    const n = Number(line[1]);
    let offset = 0;
    for (let i = 1; i < n; i++) {
      const nl = sql.indexOf('\n', offset);
      if (nl < 0) break;
      offset = nl + 1;
    }
    if (near && near[1] === '') return sql.length + 1; // "near ''": at the end of the query
    return offset + 1;
  }
  return undefined;
}

export function createMysqlConnector(cfg: MysqlConfig, creds: SqlCredentials, limits: SqlConnectorLimits): SqlConnector {
  const password = creds.password;
  const connectTimeoutMs = limits.connectTimeoutMs;
  const what = `MySQL at ${cfg.host}:${cfg.port}`;
  let setup: Promise<{ pool: mysql.Pool; options: mysql.ConnectionOptions }> | null = null;
  let closed = false;
  let mariadb: boolean | null = null;

  function connectError(e: unknown): SqlConnectorError {
    if (e instanceof SqlConnectorError) return scrubbed(e, password);
    const err = e as MyError;
    const msg = err instanceof Error ? err.message : String(e);
    let out: SqlConnectorError | null = null;
    if (err?.errno === 1045 || err?.code === 'ER_ACCESS_DENIED_ERROR') {
      out = new SqlConnectorError('auth_failed', `${what} refused the password for user '${cfg.user}' (or that user may not connect from this server).`, {}, e);
    } else if (err?.errno === 1049 || err?.code === 'ER_BAD_DB_ERROR') {
      out = new SqlConnectorError('database_not_found', `Database '${cfg.database}' does not exist on ${what}.`, {}, e);
    } else if (err?.errno === 1044 || err?.code === 'ER_DBACCESS_DENIED_ERROR') {
      out = new SqlConnectorError('database_not_found', `Database '${cfg.database}' does not exist on ${what}, or user '${cfg.user}' has no access to it.`, {}, e);
    } else if (err?.errno === 3159 || /insecure transport|secure transport/i.test(msg)) {
      out = new SqlConnectorError('tls_required', `${what} only accepts TLS connections: set sslMode to 'require' or 'verify-full'.`, {}, e);
    } else if (err?.code === 'HANDSHAKE_NO_SSL_SUPPORT' || /does not support secure connection/i.test(msg)) {
      out = new SqlConnectorError('tls_failed', `${what} does not accept TLS connections: set sslMode to 'disable', or enable TLS on the server.`, {}, e);
    } else if (err?.errno === 1040 || err?.code === 'ER_CON_COUNT_ERROR') {
      out = new SqlConnectorError('connection_failed', `${what} has too many connections open; try again later.`, {}, e);
    } else if (err?.code === 'PROTOCOL_CONNECTION_LOST') {
      out = new SqlConnectorError('host_unreachable', `${what} closed the connection: check the host, the port and the TLS mode.`, {}, e);
    }
    out ??= networkError(e, what, connectTimeoutMs);
    out ??= new SqlConnectorError('connection_failed', `Could not connect to ${what}${err?.code ? ` (${err.code})` : ''}.`, {}, e);
    return scrubbed(out, password);
  }

  function queryError(e: unknown, sql: string): SqlConnectorError {
    if (e instanceof SqlConnectorError) return scrubbed(e, password);
    const err = e as MyError;
    // An errno with a sqlMessage is the server talking about the statement.
    if (typeof err?.errno !== 'number' || typeof err.sqlMessage !== 'string' || err.fatal) return connectError(e);
    const dbCode = String(err.errno);
    if (err.errno === 1792 || (err.errno === 1290 && /read.only/i.test(err.sqlMessage))) {
      return scrubbed(new SqlConnectorError('read_only_violation', `This connection is read-only: ${err.sqlMessage}`, { dbCode }, e), password);
    }
    if (err.errno === 1969 || err.errno === 3024) {
      return new SqlConnectorError('statement_timeout', 'The query ran longer than its time limit and was stopped by the server.', { dbCode }, e);
    }
    const position = mysqlErrorPosition(sql, err.sqlMessage);
    return scrubbed(new SqlConnectorError('query_error', err.sqlMessage, { dbCode, ...(position ? { position } : {}) }, e), password);
  }

  async function build(): Promise<{ pool: mysql.Pool; options: mysql.ConnectionOptions }> {
    const target = await resolveSafeHost(cfg.host, limits.ssrf);
    const options: mysql.ConnectionOptions = {
      host: target.hostname,
      port: cfg.port,
      user: cfg.user,
      password: password ?? '',
      database: cfg.database,
      connectTimeout: connectTimeoutMs,
      // Connect to the checked address; mysql2 keeps `host` for TLS identity.
      stream: () => net.connect({ host: target.address, port: cfg.port, noDelay: true }),
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      multipleStatements: false,
      rowsAsArray: true,
      charset: 'utf8mb4',
      ...(cfg.sslMode === 'disable'
        ? {}
        : { ssl: cfg.sslMode === 'verify-full' ? { rejectUnauthorized: true, verifyIdentity: true } : { rejectUnauthorized: false } }),
    } as mysql.ConnectionOptions;
    const pool = mysql.createPool({ ...options, connectionLimit: limits.poolMax, maxIdle: limits.poolMax, idleTimeout: 30_000, enableKeepAlive: true } as mysql.PoolOptions);
    pool.on('connection', (c) => c.on('error', () => {}));
    return { pool, options };
  }

  function getSetup(): Promise<{ pool: mysql.Pool; options: mysql.ConnectionOptions }> {
    if (closed) return Promise.reject(new SqlConnectorError('connection_failed', 'This connection has been closed.'));
    setup ??= build().catch((e: unknown) => {
      setup = null;
      throw connectError(e);
    });
    return setup;
  }

  async function withFreshConnection<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
    const { options } = await getSetup();
    const conn = mysql.createConnection(options);
    conn.on('error', () => {});
    try {
      await new Promise<void>((res, rej) => conn.connect((err) => (err ? rej(err) : res())));
    } catch (e) {
      conn.destroy();
      throw connectError(e);
    }
    try {
      return await fn(conn);
    } finally {
      conn.end(() => {});
    }
  }

  async function getConnection(): Promise<mysql.PoolConnection> {
    const { pool } = await getSetup();
    return new Promise((res, rej) => pool.getConnection((err, c) => (err ? rej(connectError(err)) : res(c))));
  }

  function run<T = unknown>(conn: Conn, sql: string, values?: unknown[]): Promise<T> {
    return new Promise((res, rej) => conn.query({ sql, values, rowsAsArray: false }, (err, rows) => (err ? rej(err) : res(rows as T))));
  }

  async function isMariaDb(conn: Conn): Promise<boolean> {
    if (mariadb !== null) return mariadb;
    const flag = (conn as unknown as { _isMariaDB?: unknown })._isMariaDB;
    if (typeof flag === 'boolean') return (mariadb = flag);
    const rows = await run<{ v: string }[]>(conn, 'SELECT VERSION() AS v');
    return (mariadb = /mariadb/i.test(rows[0]?.v ?? ''));
  }

  return {
    type: 'mysql',

    async test() {
      const started = performance.now();
      const version = await withFreshConnection(async (c) => {
        try {
          const rows = await run<{ v: string }[]>(c, 'SELECT VERSION() AS v');
          return rows[0]?.v ?? 'unknown';
        } catch (e) {
          throw connectError(e);
        }
      });
      const label = /mariadb/i.test(version) ? 'MariaDB' : 'MySQL';
      return { ok: true, serverVersion: `${label} ${version}`, latencyMs: Math.round(performance.now() - started) };
    },

    async schema(): Promise<SqlSchema> {
      const conn = await getConnection();
      try {
        const rows = await run<{ s: string; t: string; k: string; c: string | null; ty: string | null }[]>(
          conn,
          `SELECT t.TABLE_SCHEMA AS s, t.TABLE_NAME AS t, t.TABLE_TYPE AS k, c.COLUMN_NAME AS c, c.COLUMN_TYPE AS ty
             FROM information_schema.TABLES t
             LEFT JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
            WHERE t.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
            ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME, c.ORDINAL_POSITION`,
        );
        conn.release();
        return groupSchema(
          rows.map((r) => ({ schema: r.s, name: r.t, kind: /VIEW/i.test(r.k) ? 'view' : 'table', column: r.c, type: r.ty })),
        );
      } catch (e) {
        conn.destroy();
        throw queryError(e, '');
      }
    },

    query(sql: string, opts: QueryOptions): AsyncIterable<QueryEvent> {
      return runQuery(sql, opts);
    },

    async close() {
      closed = true;
      const s = setup;
      setup = null;
      if (s) await s.then((x) => new Promise<void>((res) => x.pool.end(() => res()))).catch(() => {});
    },
  };

  async function* runQuery(sql: string, opts: QueryOptions): AsyncGenerator<QueryEvent> {
    const { batchSize } = checkQueryOptions(sql, opts);
    const guard = new QueryGuard(opts, 250);
    let conn: mysql.PoolConnection | null = null;
    let reusable = false;
    let stream: import('node:stream').Readable | null = null;
    try {
      guard.throwIfStopped();
      conn = await getConnection();
      guard.throwIfStopped();
      const c = conn;
      const threadId = conn.threadId;
      guard.setStopper(async () => {
        try {
          await withFreshConnection((k) => run(k, `KILL QUERY ${Number(threadId)}`));
        } finally {
          c.destroy();
        }
      });
      // Session-level read-only, not START TRANSACTION READ ONLY: DDL commits a transaction
      // implicitly and would then run outside it. One round trip sets both limits.
      const ro = opts.readOnly ? 1 : 0;
      if (await isMariaDb(conn)) {
        await run(conn, `SET SESSION max_statement_time = ${(opts.timeoutMs / 1000).toFixed(3)}, SESSION tx_read_only = ${ro}`);
      } else {
        await run(conn, `SET SESSION MAX_EXECUTION_TIME = ${Math.max(1, Math.ceil(opts.timeoutMs))}, SESSION transaction_read_only = ${ro}`);
      }
      guard.throwIfStopped();

      let fields: mysql.FieldPacket[] | null = null;
      const q = conn.query({ sql, values: opts.params ?? [], rowsAsArray: true });
      q.on('fields', (f: mysql.FieldPacket[]) => {
        fields = f;
      });
      stream = q.stream({ highWaterMark: batchSize });
      const it = stream[Symbol.asyncIterator]();
      let columnsSent = false;
      let rowCount = 0;
      let truncated = false;
      let finished = false;
      let batch: unknown[][] = [];
      const columnsEvent = (): QueryEvent => {
        columnsSent = true;
        const cols: Column[] = (fields ?? []).map((f) => ({ name: f.name, type: mysqlTypeName(f.columnType ?? f.type) }));
        return { type: 'columns', columns: cols };
      };
      for (;;) {
        const r = await it.next();
        guard.throwIfStopped();
        if (r.done) {
          finished = true;
          break;
        }
        const row: unknown = r.value;
        if (!Array.isArray(row)) continue; // the OK packet of a statement without a result set
        if (!columnsSent) yield columnsEvent();
        if (rowCount >= opts.maxRows) {
          truncated = true;
          break;
        }
        batch.push(rowToJsonSafe(row));
        rowCount++;
        if (batch.length >= batchSize) {
          const b = batch;
          batch = [];
          yield { type: 'rows', rows: b };
          guard.throwIfStopped();
        }
      }
      if (!columnsSent) yield columnsEvent();
      if (batch.length > 0) yield { type: 'rows', rows: batch };
      guard.throwIfStopped();
      guard.setStopper(null);
      if (finished) {
        // Nothing is left pending on a pooled connection: a user's START TRANSACTION never
        // reaches another query (a no-op in autocommit mode).
        await run(conn, 'ROLLBACK');
        // `USE other_db` would silently retarget later queries on this pooled connection.
        reusable = !/\buse\b/i.test(sql);
      }
      yield { type: 'end', rowCount, truncated };
    } catch (e) {
      if (guard.stopped) throw guard.error();
      throw queryError(e, sql);
    } finally {
      guard.dispose();
      stream?.destroy();
      if (conn) {
        if (reusable) conn.release();
        else conn.destroy();
      }
    }
  }
}
