/**
 * The embedded-engine worker: runs INSIDE the sandbox, one process per pooled worker. It opens one
 * SQLite (better-sqlite3) or DuckDB (@duckdb/node-api) database — the only file bound in — and
 * answers requests from stdin with replies on stdout (sandbox-sql-protocol.ts), streaming rows in
 * batches and waiting for the pipe to drain, so a big result never piles up here or in the server.
 *
 * Nothing here is a security boundary: the sandbox is. The checks below (read-only statement
 * types, DuckDB's locked configuration) only make failures clear and early. Time limits and
 * cancellation are the server's job: it kills this process.
 *
 * Self-contained on purpose (node built-ins, the engine, type-only imports): the sandbox holds this
 * one file, the engines' packages and nothing else of the repository.
 */
import fs from 'node:fs';
import type { OpenRequest, QueryRequest, Reply, Request, SchemaRow, WorkerError } from './sandbox-sql-protocol.js';

/** Flush a rows batch once its JSON passes this size, whatever batchSize says. */
const MAX_BATCH_BYTES = 1 << 20;

interface EngineImpl {
  /** Closes the database cleanly (DuckDB checkpoints its WAL into the file). */
  close(): void;
  version(): Promise<string>;
  schema(): Promise<SchemaRow[]>;
  query(q: QueryRequest): Promise<void>;
}

// ---- output: lines gathered and written together; awaits 'drain' when the pipe is full -------

let pending: string[] = [];

function send(r: Reply): void {
  pending.push(JSON.stringify(r));
}

async function flush(): Promise<void> {
  if (pending.length === 0) return;
  const text = pending.join('\n') + '\n';
  pending = [];
  if (!process.stdout.write(text)) await new Promise<void>((r) => process.stdout.once('drain', r));
}

async function sendRows(id: number, rows: unknown[][]): Promise<void> {
  send({ id, t: 'rows', rows });
  await flush();
}

// ---- values: what JSON can carry (mirrors connectors/sql/sql-values.ts) -----------------------
// A copy on purpose: this file is transpiled alone and runs in a sandbox that holds only the
// engine's packages, so it can import nothing from src/. Keep the two in step.

function toJsonSafe(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'bigint':
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    case 'object':
      break;
    default:
      return String(v);
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (Array.isArray(v)) return v.map(toJsonSafe);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toJsonSafe(x);
  return out;
}

// ---- SQLite ----------------------------------------------------------------------------------

async function openSqlite(o: OpenRequest): Promise<EngineImpl> {
  const { default: Database } = await import('better-sqlite3');
  type Db = InstanceType<typeof Database>;
  let db: Db;
  try {
    db = new Database(o.path, { readonly: o.readOnly, fileMustExist: true, timeout: 5000 });
    // Reading the schema reads the header: a file that is not a database fails here.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (e) {
    throw sqliteError(e, true);
  }
  // A schema's triggers and views may not call functions with side effects.
  db.pragma('trusted_schema = OFF');

  return {
    close: () => db.close(),
    async version() {
      return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    },
    async schema() {
      const objects = db
        .prepare(`SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`)
        .all() as { name: string; type: 'table' | 'view' }[];
      const info = db.prepare('SELECT name, type FROM pragma_table_info(?) ORDER BY cid');
      const rows: SchemaRow[] = [];
      for (const obj of objects) {
        for (const c of info.all(obj.name) as { name: string; type: string }[]) {
          rows.push({ schema: 'main', name: obj.name, kind: obj.type, column: c.name, type: c.type || 'unknown' });
        }
      }
      return rows;
    },
    async query(q) {
      const stmt = db.prepare(q.sql);
      if (!stmt.reader) {
        stmt.run(...q.params);
        send({ id: q.id, t: 'columns', columns: [] });
        send({ id: q.id, t: 'end', rowCount: 0, truncated: false });
        return;
      }
      stmt.raw(true);
      stmt.safeIntegers(true); // 64-bit integers arrive exact (BigInt), become numbers when safe
      send({ id: q.id, t: 'columns', columns: stmt.columns().map((c) => ({ name: c.name, type: c.type ?? 'unknown' })) });
      const iter = stmt.iterate(...q.params) as IterableIterator<unknown[]>;
      let rowCount = 0;
      let truncated = false;
      let batch: unknown[][] = [];
      let bytes = 0;
      try {
        for (;;) {
          const r = iter.next();
          if (r.done) break;
          if (rowCount >= q.maxRows) {
            truncated = true;
            break;
          }
          const row = r.value.map(toJsonSafe);
          batch.push(row);
          rowCount++;
          for (const v of row) bytes += typeof v === 'string' ? v.length + 2 : 8;
          if (batch.length >= q.batchSize || bytes >= MAX_BATCH_BYTES) {
            await sendRows(q.id, batch);
            batch = [];
            bytes = 0;
          }
        }
      } finally {
        iter.return?.();
      }
      if (batch.length > 0) send({ id: q.id, t: 'rows', rows: batch });
      send({ id: q.id, t: 'end', rowCount, truncated });
    },
  };
}

function sqliteError(e: unknown, opening = false): WorkerError {
  const code = (e as { code?: unknown })?.code;
  const msg = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string') {
    if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) return { kind: 'read_only', message: msg, dbCode: code };
    if (code === 'SQLITE_NOMEM') return { kind: 'memory', message: msg, dbCode: code };
    if (code === 'SQLITE_CANTOPEN') return { kind: 'not_found', message: msg, dbCode: code };
    if (code === 'SQLITE_NOTADB') return { kind: 'not_a_db', message: msg, dbCode: code };
    if (code.startsWith('SQLITE_BUSY') && opening) return { kind: 'locked', message: msg, dbCode: code };
    if (code.startsWith('SQLITE_')) return { kind: opening ? 'open' : 'query', message: msg, dbCode: code };
  }
  if (e instanceof RangeError || e instanceof TypeError) return { kind: 'query', message: msg };
  if (/out of memory/i.test(msg)) return { kind: 'memory', message: msg };
  return { kind: opening ? 'open' : 'query', message: opening ? msg : 'SQLite failed to run the query.' };
}

// ---- DuckDB ----------------------------------------------------------------------------------

async function openDuckdb(o: OpenRequest): Promise<EngineImpl> {
  const duck = await import('@duckdb/node-api');
  const { DuckDBInstance, DuckDBTypeId, JsonDuckDBValueConverter, StatementType } = duck;
  const READ_ONLY = new Set<number>([StatementType.SELECT, StatementType.EXPLAIN, StatementType.PRAGMA, StatementType.CALL]);
  const INTEGER_TYPES = new Set<number>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);
  const settings: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    allow_unsigned_extensions: 'false',
    memory_limit: `${o.memoryLimitMb}MB`,
    threads: String(o.threads),
    temp_directory: '/tmp/duckdb-spill',
    extension_directory: '/tmp/duckdb-extensions',
  };
  if (o.path !== ':memory:') settings.access_mode = o.readOnly ? 'READ_ONLY' : 'READ_WRITE';
  let instance: InstanceType<typeof DuckDBInstance>;
  let conn: Awaited<ReturnType<InstanceType<typeof DuckDBInstance>['connect']>>;
  try {
    instance = await DuckDBInstance.create(o.path, settings);
    conn = await instance.connect();
    // File functions (read_csv, COPY, ATTACH…) reach only allowedDirs (bound read-only), then
    // every setting is locked: no query can lift this or load an extension.
    const dirs = o.allowedDirs.map((d) => `'${d.replace(/'/g, "''")}'`).join(', ');
    await conn.run(`SET allowed_directories = [${dirs}]`);
    await conn.run('SET enable_external_access = false');
    await conn.run('SET lock_configuration = true');
  } catch (e) {
    throw duckdbError(e, true);
  }
  const c = conn;

  return {
    close: () => {
      c.closeSync();
      instance.closeSync();
    },
    async version() {
      const r = await c.runAndReadAll('SELECT version()');
      return String(r.getRows()[0]?.[0] ?? 'unknown');
    },
    async schema() {
      const r = await c.runAndReadAll(
        `SELECT t.table_schema, t.table_name, t.table_type, c.column_name, c.data_type
           FROM information_schema.tables t
           LEFT JOIN information_schema.columns c
             ON c.table_catalog = t.table_catalog AND c.table_schema = t.table_schema AND c.table_name = t.table_name
          WHERE t.table_catalog = current_database()
            AND t.table_schema NOT IN ('information_schema', 'pg_catalog')
          ORDER BY t.table_schema, t.table_name, c.ordinal_position`,
      );
      return (r.getRowsJson() as (string | null)[][]).map(([s, t, k, col, ty]) => ({
        schema: s ?? 'main',
        name: t ?? '',
        kind: /VIEW/i.test(k ?? '') ? ('view' as const) : ('table' as const),
        column: col ?? null,
        type: ty ?? null,
      }));
    },
    async query(q) {
      const extracted = await c.extractStatements(q.sql);
      const n = extracted.count;
      if (n === 0) throw { kind: 'query', message: 'The query has no statement.' } satisfies WorkerError;
      if (q.params.length > 0 && n > 1) throw { kind: 'query', message: 'Parameters can only be used with a single statement.' } satisfies WorkerError;
      let result = null;
      for (let i = 0; i < n; i++) {
        const prepared = await extracted.prepare(i);
        if ((o.readOnly || q.readOnly) && !READ_ONLY.has(prepared.statementType)) {
          throw {
            kind: 'read_only',
            message: `This connection is read-only: only SELECT, EXPLAIN, PRAGMA and CALL statements may run (statement ${i + 1} is ${StatementType[prepared.statementType] ?? 'another kind'}).`,
          } satisfies WorkerError;
        }
        if (i < n - 1) {
          await prepared.run();
        } else {
          if (q.params.length > 0) prepared.bind(q.params as never);
          result = await prepared.stream();
        }
      }
      if (!result) throw { kind: 'query', message: 'The query has no statement.' } satisfies WorkerError;
      const types = result.columnTypes();
      send({ id: q.id, t: 'columns', columns: result.columnNames().map((name, i) => ({ name, type: types[i]?.toString() ?? 'unknown' })) });
      const intColumns = types.map((t, i) => (INTEGER_TYPES.has(t.typeId) ? i : -1)).filter((i) => i >= 0);
      let rowCount = 0;
      let truncated = false;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        let rows = chunk.convertRows(JsonDuckDBValueConverter) as unknown[][];
        if (rowCount + rows.length > q.maxRows) {
          rows = rows.slice(0, q.maxRows - rowCount);
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
        for (let off = 0; off < rows.length; off += q.batchSize) {
          const b = rows.slice(off, off + q.batchSize);
          rowCount += b.length;
          await sendRows(q.id, b);
        }
        if (truncated) break;
      }
      send({ id: q.id, t: 'end', rowCount, truncated });
    },
  };
}

function duckdbError(e: unknown, opening = false): WorkerError {
  if (isWorkerError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/read-only mode|read only mode|read-only database/i.test(msg)) return { kind: 'read_only', message: msg };
  if (/out of memory/i.test(msg)) return { kind: 'memory', message: msg };
  if (opening) {
    if (/lock/i.test(msg)) return { kind: 'locked', message: msg };
    if (/not a valid DuckDB database|invalid|magic/i.test(msg)) return { kind: 'not_a_db', message: msg };
    if (/No such file|cannot open|could not open/i.test(msg)) return { kind: 'not_found', message: msg };
    return { kind: 'open', message: msg };
  }
  return { kind: 'query', message: msg };
}

function isWorkerError(e: unknown): e is WorkerError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e && !(e instanceof Error);
}

// ---- main loop -------------------------------------------------------------------------------

let engine: EngineImpl | null = null;
let engineName: OpenRequest['engine'] = 'sqlite';

async function handle(req: Request): Promise<void> {
  if (req.op === 'open') {
    engineName = req.engine;
    try {
      // Checked with access(2), as the engines check side files: never let an engine that cannot
      // see its file create a new, empty database in its place.
      if (req.path !== ':memory:' && !fs.existsSync(req.path)) {
        throw { kind: 'not_found', message: `${req.path} is not visible inside the sandbox.` } satisfies WorkerError;
      }
      engine = req.engine === 'sqlite' ? await openSqlite(req) : await openDuckdb(req);
      send({ t: 'ready', version: await engine.version() });
    } catch (e) {
      send({ t: 'fatal', error: isWorkerError(e) ? e : { kind: 'open', message: e instanceof Error ? e.message : String(e) } });
      await flush();
      process.exit(3);
    }
    return;
  }
  if (!engine) return;
  try {
    if (req.op === 'query') await engine.query(req);
    else if (req.op === 'schema') send({ id: req.id, t: 'schema', rows: await engine.schema() });
    else send({ id: req.id, t: 'version', version: await engine.version() });
  } catch (e) {
    send({ id: req.id, t: 'error', error: engineName === 'sqlite' ? (isWorkerError(e) ? e : sqliteError(e)) : duckdbError(e) });
  }
}

let buffered = '';
let chain: Promise<void> = Promise.resolve();
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  buffered += d;
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (!line) continue;
    const req = JSON.parse(line) as Request;
    chain = chain.then(() => handle(req)).then(flush);
  }
});
// The server closing our stdin means "you are done".
process.stdin.on('end', () => {
  void chain.then(() => {
    try {
      engine?.close();
    } finally {
      process.exit(0);
    }
  });
});
