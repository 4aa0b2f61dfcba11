/**
 * The embedded engines' workers as a hostile SQL cell would try them. Many attempts go straight to
 * a worker (SqlWorkerPool), past the connectors' text filters, to show that the sandbox — not the
 * filter — is what stops them; the rest go through the connectors as the product uses them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlConnector } from './sql-connector.js';
import { assertCode, collect, failure, limits, opts } from './sql-test-support.js';
import { sandboxAvailable } from '../../sandbox/sandbox-bwrap.js';
import type { Reply } from '../../sandbox/sandbox-sql-protocol.js';
import { SqlWorkerPool } from '../../sandbox/sandbox-sql-pool.js';
import { type SandboxedSqlConnector, createSandboxedSqlConnector } from './sql-sandboxed.js';
import { isGone, processesOfUid } from '../../sandbox/sandbox-test-support.js';

let root: string;
let dataDir: string;
let filesDir: string;
let warehouse: string;
let finance: string;
let duckFile: string;
const pools: SqlWorkerPool[] = [];

beforeAll(async () => {
  if (!sandboxAvailable()) throw new Error('bubblewrap is required for these tests: run scripts/services/bubblewrap.sh install (as root)');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-sbx-sql-'));
  fs.chmodSync(root, 0o755);
  // Like `npm start`: the server's data directory, with its key, and a files directory inside it.
  dataDir = path.join(root, 'data');
  filesDir = path.join(dataDir, 'files');
  fs.mkdirSync(filesDir, { recursive: true });
  fs.chmodSync(filesDir, 0o755);
  fs.writeFileSync(path.join(dataDir, 'master.key'), 'MASTER-KEY-SENTINEL', { mode: 0o600 });
  fs.writeFileSync(path.join(filesDir, 'master.key'), 'KEY-NEXT-TO-DB-SENTINEL', { mode: 0o644 });
  fs.symlinkSync(path.join(dataDir, 'master.key'), path.join(filesDir, 'link-to-key'));
  warehouse = path.join(filesDir, 'warehouse.db');
  finance = path.join(filesDir, 'finance.db');
  const w = new Database(warehouse);
  w.exec("CREATE TABLE sales (x INTEGER); INSERT INTO sales VALUES (1), (2);");
  w.close();
  const f = new Database(finance);
  f.exec("CREATE TABLE payroll (who TEXT, amount INTEGER); INSERT INTO payroll VALUES ('PAYROLL-SENTINEL', 1);");
  f.close();
  duckFile = path.join(filesDir, 'lake.duckdb');
  const inst = await DuckDBInstance.create(duckFile);
  const c = await inst.connect();
  await c.run('CREATE TABLE t AS SELECT 1 AS x');
  c.closeSync();
  inst.closeSync();
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  fs.rmSync(root, { recursive: true, force: true });
});

function pool(engine: 'sqlite' | 'duckdb', file: string, readOnly: boolean, extra: Partial<ConstructorParameters<typeof SqlWorkerPool>[0]> = {}): SqlWorkerPool {
  const p = new SqlWorkerPool({ engine, file, readOnly, maxWorkers: 1, ...extra });
  pools.push(p);
  return p;
}

/** Sends SQL straight to a worker (no text filter); returns rows or the worker's error text. */
async function raw(p: SqlWorkerPool, sql: string, readOnly = false): Promise<{ rows: unknown[][]; error: string | null }> {
  const l = await p.acquire();
  const rows: unknown[][] = [];
  let error: string | null = null;
  try {
    for await (const r of l.worker.request({ op: 'query', sql, params: [], maxRows: 1000, batchSize: 100, readOnly }) as AsyncGenerator<Reply>) {
      if ('id' in r && r.t === 'rows') rows.push(...r.rows);
      if ('id' in r && r.t === 'error') error = r.error.message;
    }
  } finally {
    l.release(true);
  }
  return { rows, error };
}

const SENTINELS = /MASTER-KEY-SENTINEL|KEY-NEXT-TO-DB-SENTINEL|PAYROLL-SENTINEL|root:x:0/;

describe('SQLite worker sandbox', () => {
  it('cannot reach another connection’s file, the key next to the DB, or the data directory', async () => {
    const p = pool('sqlite', warehouse, false);
    for (const sql of [
      `ATTACH '${finance}' AS f`,
      `ATTACH '${path.join(dataDir, 'master.key')}' AS k`,
      `ATTACH '${path.join(filesDir, 'master.key')}' AS k`,
      `ATTACH '/db/finance.db' AS f`,
    ]) {
      const r = await raw(p, sql);
      // "unable to open": the file does not exist in here ("not a database" would mean it was read).
      expect(r.error, sql).toMatch(/unable to open database/);
    }
    // The directory is bound for a read-write connection, but its other entries are masked.
    const a = await raw(p, "ATTACH '/db/finance.db' AS f2");
    expect(a.error ?? (await raw(p, 'SELECT * FROM f2.payroll')).error).not.toBeNull();
    const v = await raw(p, `VACUUM INTO '${path.join(filesDir, 'copy.db')}'`);
    expect(v.error).not.toBeNull();
    expect(fs.existsSync(path.join(filesDir, 'copy.db'))).toBe(false);
    expect(fs.readFileSync(finance).includes('PAYROLL-SENTINEL')).toBe(true);
  });

  it('cannot load an extension', async () => {
    const p = pool('sqlite', warehouse, true);
    const r = await raw(p, "SELECT load_extension('/usr/lib/x86_64-linux-gnu/libm.so.6')");
    expect(r.error).toMatch(/not authorized|no such function/);
  });

  it('a read-only connection cannot write, whatever the text looks like', async () => {
    const c = createSqlConnector('sqlite', { path: warehouse }, {}, limits());
    try {
      for (const sql of ['INSERT INTO sales VALUES (3)', ';INSERT INTO sales VALUES (3)', '/* hi */ ; ; DELETE FROM sales', 'CREATE TABLE x (y)']) {
        assertCode(await failure(() => collect(c.query(sql, opts({ readOnly: true })))), 'read_only_violation');
      }
      for (const sql of [`;VACUUM INTO '${path.join(filesDir, 'v.db')}'`, `;ATTACH '${finance}' AS f`, "PRAGMA temp_store_directory = '/tmp'"]) {
        assertCode(await failure(() => collect(c.query(sql, opts({ readOnly: true })))), 'query_error');
      }
      // And past the filter, straight to a read-only worker: the file itself refuses.
      const p = pool('sqlite', warehouse, true);
      expect((await raw(p, 'INSERT INTO sales VALUES (4)')).error).toMatch(/readonly/i);
      expect((await raw(p, `VACUUM INTO '/db/v.db'`)).error).not.toBeNull();
      expect((await collect(c.query('SELECT count(*) FROM sales', opts({ readOnly: true })))).rows).toEqual([[2]]);
    } finally {
      await c.close();
    }
  });

  it('kills a runaway query at its time limit, and on cancel: the worker process is gone', async () => {
    const c = createSqlConnector('sqlite', { path: warehouse }, {}, limits()) as SandboxedSqlConnector;
    const runaway = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 100000000) SELECT count(*) FROM c';
    try {
      await collect(c.query('SELECT 1', opts({ readOnly: true })));
      const workers = () => c.pools().flatMap((p) => p.pids());
      const before = workers();
      expect(before.length).toBe(1);
      const started = Date.now();
      assertCode(await failure(() => collect(c.query(runaway, opts({ readOnly: true, timeoutMs: 500 })))), 'statement_timeout');
      expect(Date.now() - started).toBeLessThan(2500);
      expect(await isGone(before[0]!)).toBe(true);

      const ac = new AbortController();
      const q = collect(c.query(runaway, opts({ readOnly: true, timeoutMs: 60_000, signal: ac.signal })));
      await new Promise((r) => setTimeout(r, 400));
      const running = workers();
      expect(running.length).toBe(1);
      ac.abort();
      assertCode(await failure(() => q), 'cancelled');
      expect(await isGone(running[0]!)).toBe(true);
      // The next query gets a fresh worker.
      expect((await collect(c.query('SELECT count(*) FROM sales', opts({ readOnly: true })))).rows).toEqual([[2]]);
    } finally {
      await c.close();
    }
  });

  it('caps what a query may send back, and stops at the memory limit', async () => {
    const big = createSandboxedSqlConnector({ engine: 'sqlite', file: warehouse, limits: { ...limits(), sandbox: { maxOutputBytes: 1_000_000 } }, filter: () => {} });
    try {
      const e = await failure(() => collect(big.query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 100000) SELECT x, hex(randomblob(100)) FROM c", opts({ readOnly: true, maxRows: 1e6 }))));
      assertCode(e, 'resource_limit');
      expect(e.limit).toBe('output');
    } finally {
      await big.close();
    }
    const small = createSandboxedSqlConnector({ engine: 'sqlite', file: warehouse, limits: { ...limits(), sandbox: { memoryBytes: 1200 * 1024 ** 2 } }, filter: () => {} });
    try {
      // ~900 MB of text (under SQLite's own 1e9 length limit) does not fit in what node leaves.
      const e = await failure(() => collect(small.query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 9000) SELECT length(group_concat(hex(zeroblob(50000)))) FROM c", opts({ readOnly: true, timeoutMs: 30_000 }))));
      assertCode(e, 'resource_limit');
      expect(e.limit).toBe('memory');
    } finally {
      await small.close();
    }
  });
});

describe('DuckDB worker sandbox', () => {
  it('reads no file, writes no file, installs and loads nothing — straight to the worker', async () => {
    const p = pool('duckdb', ':memory:', false, { readOnlyDirs: [] });
    const copyTarget = path.join(filesDir, 'copied.csv');
    for (const sql of [
      "SELECT * FROM read_text('/etc/passwd')",
      `SELECT * FROM read_text('${path.join(dataDir, 'master.key')}')`,
      `SELECT * FROM read_text('${path.join(filesDir, 'master.key')}')`,
      `SELECT * FROM read_text('${path.join(filesDir, 'link-to-key')}')`,
      `SELECT * FROM read_blob('${finance}')`,
      `ATTACH '${duckFile}' AS other`,
      `COPY (SELECT 42 AS a) TO '${copyTarget}' (FORMAT csv)`,
      `COPY (SELECT 42 AS a) TO '${warehouse}' (FORMAT csv)`,
      `EXPORT DATABASE '${path.join(filesDir, 'export')}'`,
      'INSTALL httpfs',
      'LOAD httpfs',
      "SELECT * FROM read_csv('https://example.com/x.csv')",
      'SET enable_external_access = true',
      'SET lock_configuration = false',
      "SET allowed_directories = ['/']",
    ]) {
      const r = await raw(p, sql);
      expect(r.error, sql).not.toBeNull();
      expect(JSON.stringify(r.rows)).not.toMatch(SENTINELS);
    }
    expect(fs.existsSync(copyTarget)).toBe(false);
    expect(fs.existsSync(path.join(filesDir, 'export'))).toBe(false);
    expect(new Database(warehouse, { readonly: true }).prepare('SELECT count(*) AS n FROM sales').get()).toEqual({ n: 2 });
  });

  it('through the connector: INSTALL/LOAD refused, EXPLAIN ANALYZE cannot write on a read-only connection', async () => {
    const c = createSqlConnector('duckdb', { path: duckFile }, {}, limits());
    const mem = createSqlConnector('duckdb', { path: ':memory:' }, {}, limits());
    try {
      for (const sql of ['INSTALL httpfs', 'LOAD httpfs', '/* x */ ; force install httpfs']) assertCode(await failure(() => collect(mem.query(sql, opts()))), 'query_error');
      for (const sql of ['EXPLAIN ANALYZE CREATE TABLE t2 AS SELECT 1', `EXPLAIN ANALYZE COPY (SELECT 1) TO '${path.join(filesDir, 'x.csv')}'`, ';EXPLAIN ANALYZE INSERT INTO t VALUES (2)']) {
        assertCode(await failure(() => collect(c.query(sql, opts({ readOnly: true })))), 'read_only_violation');
        assertCode(await failure(() => collect(mem.query(sql, opts({ readOnly: true })))), 'read_only_violation');
      }
      // Past the filter, a read-only file worker: DuckDB's own read-only mode refuses.
      const p = pool('duckdb', duckFile, true);
      expect((await raw(p, 'EXPLAIN ANALYZE CREATE TABLE t3 AS SELECT 1')).error).toMatch(/read-only|read only/i);
      expect(fs.existsSync(path.join(filesDir, 'x.csv'))).toBe(false);
      await p.close();
      const r = await collect(c.query('EXPLAIN ANALYZE SELECT * FROM t', opts({ readOnly: true })));
      expect(r.rows.length).toBeGreaterThan(0);
      expect((await collect(c.query('SELECT count(*) FROM t', opts({ readOnly: true })))).rows).toEqual([[1]]);
    } finally {
      await c.close();
      await mem.close();
    }
  });

  it('stops at its memory limit with a clear error', async () => {
    const c = createSandboxedSqlConnector({ engine: 'duckdb', file: ':memory:', limits: { ...limits(), sandbox: { duckdbMemoryLimitMb: 64 } }, filter: () => {} });
    try {
      const e = await failure(() => collect(c.query('SELECT list(range) FROM range(50000000)', opts({ timeoutMs: 30_000 }))));
      assertCode(e, 'resource_limit');
      expect(e.limit).toBe('memory');
    } finally {
      await c.close();
    }
  });

  it('a timeout kills the worker: nothing runs as its uid afterwards', async () => {
    const c = createSqlConnector('duckdb', { path: ':memory:' }, {}, limits()) as SandboxedSqlConnector;
    try {
      await collect(c.query('SELECT 1', opts()));
      const p = c.pools()[0]!;
      const pid = p.pids()[0]!;
      const uid = p.uids()[0]!;
      // The engine runs as the sandbox's own unprivileged uid (bwrap, outside, as root).
      expect(uid).toBeGreaterThan(0);
      expect(processesOfUid(uid).length).toBeGreaterThan(0);
      assertCode(await failure(() => collect(c.query('SELECT count(*) FROM range(100000000000) a, range(1000) b WHERE a.range * b.range = 7', opts({ timeoutMs: 500 })))), 'statement_timeout');
      expect(await isGone(pid)).toBe(true);
      expect(processesOfUid(uid)).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
