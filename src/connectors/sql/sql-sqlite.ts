/**
 * SQLite files through better-sqlite3. A file database has no server and no pool: each query
 * opens its own connection (read-only queries open the file with `readonly: true`, so SQLite
 * itself refuses writes), and a semaphore of `poolMax` bounds how many run at once.
 *
 * better-sqlite3 is synchronous: a batch of rows is read in one go, then we yield to the event
 * loop. Cancellation and the time limit are therefore checked between rows: a query that
 * produces rows is stopped promptly, but one that computes for a long time before its first row
 * (a big aggregate) blocks this process until SQLite returns that row — better-sqlite3 exposes
 * no sqlite3_interrupt. Keep SQLite connections for small, local files.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { SqliteConfig } from './sql-config.js';
import { SqlConnectorError } from './sql-errors.js';
import { QueryGuard, Semaphore, checkQueryOptions, yieldToEventLoop } from './sql-guard.js';
import type { Column, QueryEvent, QueryOptions, SqlConnector, SqlConnectorLimits, SqlSchema } from './sql-types.js';
import { rowToJsonSafe } from './sql-values.js';

type SqliteError = Error & { code?: string };

export function createSqliteConnector(cfg: SqliteConfig, limits: SqlConnectorLimits): SqlConnector {
  const sem = new Semaphore(Math.max(1, limits.poolMax));
  let closed = false;

  function open(readonly: boolean): Database.Database {
    if (closed) throw new SqlConnectorError('connection_failed', 'This connection has been closed.');
    if (!fs.existsSync(cfg.path)) {
      throw new SqlConnectorError('file_not_found', `The SQLite file ${cfg.path} does not exist on the server.`);
    }
    try {
      const db = new Database(cfg.path, { readonly, fileMustExist: true, timeout: 5000 });
      return db;
    } catch (e) {
      throw openError(e);
    }
  }

  function openError(e: unknown): SqlConnectorError {
    const code = (e as SqliteError)?.code;
    if (code === 'SQLITE_CANTOPEN') {
      return new SqlConnectorError('file_not_found', `The SQLite file ${cfg.path} cannot be opened (missing, or not readable by the server).`, {}, e);
    }
    if (code === 'SQLITE_NOTADB') {
      return new SqlConnectorError('config_invalid', `${cfg.path} is not a SQLite database.`, {}, e);
    }
    return new SqlConnectorError('connection_failed', `Could not open the SQLite file ${cfg.path}${code ? ` (${code})` : ''}.`, {}, e);
  }

  function queryError(e: unknown): SqlConnectorError {
    if (e instanceof SqlConnectorError) return e;
    const code = (e as SqliteError)?.code;
    const msg = e instanceof Error ? e.message : String(e);
    if (code === 'SQLITE_READONLY' || (code ?? '').startsWith('SQLITE_READONLY_')) {
      return new SqlConnectorError('read_only_violation', `This connection is read-only: ${msg}.`, { dbCode: code }, e);
    }
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CANTOPEN') return openError(e);
    if (typeof code === 'string' && code.startsWith('SQLITE_')) {
      return new SqlConnectorError('query_error', msg, { dbCode: code }, e);
    }
    if (e instanceof RangeError || e instanceof TypeError) {
      // better-sqlite3's own checks on the statement or parameters ("Too few parameter values…").
      return new SqlConnectorError('query_error', msg, {}, e);
    }
    return new SqlConnectorError('query_error', 'SQLite failed to run the query.', {}, e);
  }

  return {
    type: 'sqlite',

    async test() {
      const started = performance.now();
      const release = await sem.acquire();
      try {
        const db = open(true);
        try {
          // Reading the schema forces SQLite to read the header: a non-database file fails here.
          db.prepare('SELECT count(*) FROM sqlite_schema').get();
          const v = db.prepare('SELECT sqlite_version() AS v').get() as { v: string };
          return { ok: true as const, serverVersion: `SQLite ${v.v}`, latencyMs: Math.round(performance.now() - started) };
        } catch (e) {
          throw openError(e);
        } finally {
          db.close();
        }
      } finally {
        release();
      }
    },

    async schema(): Promise<SqlSchema> {
      const release = await sem.acquire();
      try {
        const db = open(true);
        try {
          const objects = db
            .prepare(`SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`)
            .all() as { name: string; type: 'table' | 'view' }[];
          const info = db.prepare('SELECT name, type FROM pragma_table_info(?) ORDER BY cid');
          const tables = objects.map((o) => ({
            name: o.name,
            kind: o.type,
            columns: (info.all(o.name) as { name: string; type: string }[]).map((c) => ({ name: c.name, type: c.type || 'unknown' })),
          }));
          return { schemas: [{ name: 'main', tables }] };
        } catch (e) {
          throw queryError(e);
        } finally {
          db.close();
        }
      } finally {
        release();
      }
    },

    query(sql: string, opts: QueryOptions): AsyncIterable<QueryEvent> {
      return runQuery(sql, opts);
    },

    async close() {
      closed = true;
    },
  };

  async function* runQuery(sql: string, opts: QueryOptions): AsyncGenerator<QueryEvent> {
    const { batchSize } = checkQueryOptions(sql, opts);
    const guard = new QueryGuard(opts);
    let release: (() => void) | null = null;
    let db: Database.Database | null = null;
    let iter: IterableIterator<unknown[]> | null = null;
    try {
      guard.throwIfStopped();
      release = await sem.acquire(opts.signal);
      guard.throwIfStopped();
      db = open(opts.readOnly);
      refuseFileStatements(sql);
      const stmt = db.prepare(sql);
      const params = (opts.params ?? []) as unknown[];
      if (!stmt.reader) {
        stmt.run(...params);
        yield { type: 'columns', columns: [] };
        yield { type: 'end', rowCount: 0, truncated: false };
        return;
      }
      stmt.raw(true);
      stmt.safeIntegers(true); // 64-bit integers arrive exact (BigInt), become numbers when safe
      const columns: Column[] = stmt.columns().map((c) => ({ name: c.name, type: c.type ?? 'unknown' }));
      yield { type: 'columns', columns };
      guard.throwIfStopped();
      iter = stmt.iterate(...params) as IterableIterator<unknown[]>;
      let rowCount = 0;
      let truncated = false;
      for (;;) {
        const batch: unknown[][] = [];
        let done = false;
        while (batch.length < batchSize) {
          // Checked per row: the timers cannot fire while this synchronous loop runs.
          if ((rowCount + batch.length) % 64 === 0) guard.checkDeadline();
          if (guard.stopped) break;
          const r = iter.next();
          if (r.done) {
            done = true;
            break;
          }
          if (rowCount + batch.length >= opts.maxRows) {
            truncated = true;
            done = true;
            break;
          }
          batch.push(rowToJsonSafe(r.value));
        }
        guard.throwIfStopped();
        rowCount += batch.length;
        if (batch.length > 0) yield { type: 'rows', rows: batch };
        if (done) break;
        await yieldToEventLoop();
        guard.checkDeadline();
        guard.throwIfStopped();
      }
      yield { type: 'end', rowCount, truncated };
    } catch (e) {
      if (guard.stopped) throw guard.error();
      throw queryError(e);
    } finally {
      guard.dispose();
      try {
        iter?.return?.(); // finalizes the statement so the connection can close
      } catch {
        // already finished
      }
      db?.close();
      release?.();
    }
  }
}

/**
 * ATTACH opens any other SQLite file the server can read (Atrium's own database, say) and
 * VACUUM INTO writes one anywhere: neither belongs in a SQL cell. better-sqlite3 prepares one
 * statement at a time, so looking at that statement's first keywords is enough.
 */
function refuseFileStatements(sql: string): void {
  const head = sql.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/, '');
  if (/^(attach|detach)\b/i.test(head) || /^vacuum\b[\s\S]*\binto\b/i.test(head)) {
    throw new SqlConnectorError('query_error', 'ATTACH, DETACH and VACUUM INTO are not allowed on a data connection: they reach other files on the server.');
  }
}
