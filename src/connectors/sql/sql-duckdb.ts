/**
 * DuckDB through @duckdb/node-api (the engine runs in this process, on its own threads). A file
 * database is opened per query with the access mode the query needs (`READ_ONLY` or
 * `READ_WRITE`) and closed after it, so the file is not held locked between queries; such queries
 * run one at a time. `:memory:` keeps one instance for the connector's life, one connection per
 * query, `poolMax` at a time.
 *
 * Rows stream chunk by chunk (`connection.stream` + `fetchChunk`, 2048 rows per chunk, evaluated
 * lazily). Cancel/timeout → `connection.interrupt()`. Read-only is enforced by the access mode
 * and, because `:memory:` cannot be opened read-only and COPY/ATTACH/EXPORT reach other files,
 * by refusing every statement that is not SELECT/EXPLAIN/PRAGMA/CALL before it runs.
 * Extension auto-install is off: this process never downloads code.
 */
import fs from 'node:fs';
import {
  DuckDBInstance,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  StatementType,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { DuckdbConfig } from './sql-config.js';
import { SqlConnectorError } from './sql-errors.js';
import { QueryGuard, Semaphore, checkQueryOptions } from './sql-guard.js';
import type { Column, QueryEvent, QueryOptions, SqlConnector, SqlConnectorLimits, SqlSchema } from './sql-types.js';
import { groupSchema } from './sql-postgres.js';

const READ_ONLY_STATEMENTS = new Set<number>([StatementType.SELECT, StatementType.EXPLAIN, StatementType.PRAGMA, StatementType.CALL]);
const INTEGER_TYPES = new Set<number>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);

export function createDuckdbConnector(cfg: DuckdbConfig, limits: SqlConnectorLimits): SqlConnector {
  const inMemory = cfg.path === ':memory:';
  const sem = new Semaphore(inMemory ? Math.max(1, limits.poolMax) : 1);
  let memory: Promise<DuckDBInstance> | null = null;
  let closed = false;

  async function openInstance(readOnly: boolean): Promise<{ instance: DuckDBInstance; own: boolean }> {
    if (closed) throw new SqlConnectorError('connection_failed', 'This connection has been closed.');
    const settings = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };
    if (inMemory) {
      memory ??= DuckDBInstance.create(':memory:', settings)
        .then(confine)
        .catch((e: unknown) => {
          memory = null;
          throw openError(e);
        });
      return { instance: await memory, own: false };
    }
    if (!fs.existsSync(cfg.path)) {
      throw new SqlConnectorError('file_not_found', `The DuckDB file ${cfg.path} does not exist on the server.`);
    }
    try {
      const instance = await confine(await DuckDBInstance.create(cfg.path, { ...settings, access_mode: readOnly ? 'READ_ONLY' : 'READ_WRITE' }));
      return { instance, own: true };
    } catch (e) {
      throw openError(e);
    }
  }

  /**
   * Confines file access (read_csv, read_text, COPY, ATTACH…) to the configured roots, then locks
   * the setting: DuckDB refuses to re-enable external access while the database runs, so a
   * query cannot read the server's own files (its database, its master key).
   */
  async function confine(instance: DuckDBInstance): Promise<DuckDBInstance> {
    const c = await instance.connect();
    try {
      const roots = (limits.fileRoots ?? []).map((r) => `'${r.replace(/'/g, "''")}'`).join(', ');
      await c.run(`SET allowed_directories = [${roots}]`);
      await c.run('SET enable_external_access = false');
    } finally {
      c.closeSync();
    }
    return instance;
  }

  function openError(e: unknown): SqlConnectorError {
    if (e instanceof SqlConnectorError) return e;
    const msg = e instanceof Error ? e.message : String(e);
    if (/lock/i.test(msg)) {
      return new SqlConnectorError('connection_failed', `The DuckDB file ${cfg.path} is in use by another process.`, {}, e);
    }
    if (/not a valid DuckDB database|invalid|magic/i.test(msg)) {
      return new SqlConnectorError('config_invalid', `${cfg.path} is not a DuckDB database (or was written by an incompatible version).`, {}, e);
    }
    if (/No such file|cannot open|could not open/i.test(msg)) {
      return new SqlConnectorError('file_not_found', `The DuckDB file ${cfg.path} cannot be opened.`, {}, e);
    }
    return new SqlConnectorError('connection_failed', `Could not open the DuckDB database ${cfg.path}.`, {}, e);
  }

  function queryError(e: unknown): SqlConnectorError {
    if (e instanceof SqlConnectorError) return e;
    const msg = e instanceof Error ? e.message : String(e);
    if (/read-only mode|read only mode|read-only database/i.test(msg)) {
      return new SqlConnectorError('read_only_violation', `This connection is read-only: ${msg}`, {}, e);
    }
    return new SqlConnectorError('query_error', msg, {}, e);
  }

  async function withConnection<T>(readOnly: boolean, signal: AbortSignal | undefined, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const release = await sem.acquire(signal);
    let opened: { instance: DuckDBInstance; own: boolean } | null = null;
    let conn: DuckDBConnection | null = null;
    try {
      opened = await openInstance(readOnly);
      conn = await opened.instance.connect();
      return await fn(conn);
    } finally {
      conn?.closeSync();
      if (opened?.own) opened.instance.closeSync();
      release();
    }
  }

  return {
    type: 'duckdb',

    async test() {
      const started = performance.now();
      const v = await withConnection(true, undefined, async (c) => {
        const r = await c.runAndReadAll('SELECT version()');
        return String(r.getRows()[0]?.[0] ?? 'unknown');
      });
      return { ok: true, serverVersion: `DuckDB ${v}`, latencyMs: Math.round(performance.now() - started) };
    },

    async schema(): Promise<SqlSchema> {
      return withConnection(true, undefined, async (c) => {
        try {
          const r = await c.runAndReadAll(
            `SELECT t.table_schema, t.table_name, t.table_type, c.column_name, c.data_type
               FROM information_schema.tables t
               LEFT JOIN information_schema.columns c
                 ON c.table_catalog = t.table_catalog AND c.table_schema = t.table_schema AND c.table_name = t.table_name
              WHERE t.table_catalog = current_database()
                AND t.table_schema NOT IN ('information_schema', 'pg_catalog')
              ORDER BY t.table_schema, t.table_name, c.ordinal_position`,
          );
          return groupSchema(
            (r.getRowsJson() as (string | null)[][]).map(([s, t, k, col, ty]) => ({
              schema: s ?? 'main',
              name: t ?? '',
              kind: /VIEW/i.test(k ?? '') ? 'view' : 'table',
              column: col ?? null,
              type: ty ?? null,
            })),
          );
        } catch (e) {
          throw queryError(e);
        }
      });
    },

    query(sql: string, opts: QueryOptions): AsyncIterable<QueryEvent> {
      return runQuery(sql, opts);
    },

    async close() {
      closed = true;
      const m = memory;
      memory = null;
      if (m) await m.then((i) => i.closeSync()).catch(() => {});
    },
  };

  async function* runQuery(sql: string, opts: QueryOptions): AsyncGenerator<QueryEvent> {
    const { batchSize } = checkQueryOptions(sql, opts);
    const guard = new QueryGuard(opts);
    let release: (() => void) | null = null;
    let opened: { instance: DuckDBInstance; own: boolean } | null = null;
    let conn: DuckDBConnection | null = null;
    try {
      guard.throwIfStopped();
      release = await sem.acquire(opts.signal);
      guard.throwIfStopped();
      opened = await openInstance(opts.readOnly);
      conn = await opened.instance.connect();
      const c = conn;
      guard.setStopper(() => c.interrupt());
      const extracted = await conn.extractStatements(sql);
      const n = extracted.count;
      if (n === 0) throw new SqlConnectorError('query_error', 'The query has no statement.');
      const params = opts.params ?? [];
      if (params.length > 0 && n > 1) {
        throw new SqlConnectorError('query_error', 'Parameters can only be used with a single statement.');
      }
      let result = null;
      for (let i = 0; i < n; i++) {
        const prepared = await extracted.prepare(i);
        if (opts.readOnly && !READ_ONLY_STATEMENTS.has(prepared.statementType)) {
          throw new SqlConnectorError(
            'read_only_violation',
            `This connection is read-only: only SELECT, EXPLAIN, PRAGMA and CALL statements may run (statement ${i + 1} is ${StatementType[prepared.statementType] ?? 'another kind'}).`,
          );
        }
        guard.throwIfStopped();
        if (i < n - 1) {
          await prepared.run();
        } else {
          if (params.length > 0) prepared.bind(params as DuckDBValue[]);
          result = await prepared.stream();
        }
        guard.throwIfStopped();
      }
      if (!result) throw new SqlConnectorError('query_error', 'The query has no statement.');
      const types = result.columnTypes();
      const columns: Column[] = result.columnNames().map((name, i) => ({ name, type: types[i]?.toString() ?? 'unknown' }));
      const intColumns = types.map((t, i) => (INTEGER_TYPES.has(t.typeId) ? i : -1)).filter((i) => i >= 0);
      yield { type: 'columns', columns };
      let rowCount = 0;
      let truncated = false;
      for (;;) {
        const chunk = await result.fetchChunk();
        guard.throwIfStopped();
        if (!chunk || chunk.rowCount === 0) break;
        let rows = chunk.convertRows(JsonDuckDBValueConverter) as unknown[][];
        if (rowCount + rows.length > opts.maxRows) {
          rows = rows.slice(0, opts.maxRows - rowCount);
          truncated = true;
        }
        for (const row of rows) {
          for (const i of intColumns) {
            const v = row[i];
            if (typeof v === 'string') {
              const num = Number(v);
              if (Number.isSafeInteger(num)) row[i] = num;
            }
          }
        }
        for (let off = 0; off < rows.length; off += batchSize) {
          const b = rows.slice(off, off + batchSize);
          rowCount += b.length;
          yield { type: 'rows', rows: b };
          guard.throwIfStopped();
        }
        if (truncated) break;
      }
      yield { type: 'end', rowCount, truncated };
    } catch (e) {
      if (guard.stopped) throw guard.error();
      throw queryError(e);
    } finally {
      guard.dispose();
      try {
        conn?.closeSync();
        if (opened?.own) opened.instance.closeSync();
      } catch {
        // closing is best effort; the instance is dropped either way
      }
      release?.();
    }
  }
}
