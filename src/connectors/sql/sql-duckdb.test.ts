import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlConnector } from './sql-connector.js';
import type { SqlConnector } from './sql-types.js';
import { assertCode, cancelAfter, collect, failure, limits, opts } from './sql-test-support.js';

let dir: string;
let file: string;
let csv: string;
let csvDir: string;
let conn: SqlConnector;
let memory: SqlConnector;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-duckdb-'));
  // The sandboxed worker runs as an unprivileged user: a read-write file's directory must be searchable.
  fs.chmodSync(dir, 0o755);
  file = path.join(dir, 'shop.duckdb');
  const inst = await DuckDBInstance.create(file);
  const c = await inst.connect();
  await c.run(`CREATE TABLE orders (id INTEGER, customer VARCHAR, total DECIMAL(10,2));
               INSERT INTO orders VALUES (1, 'ada', 10.50), (2, 'bob', 3);
               CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 5;`);
  c.closeSync();
  inst.closeSync();
  conn = createSqlConnector('duckdb', { path: file }, {}, limits());
  // Only directories handed in as sandbox.readOnlyDirs are readable by file functions, read-only.
  csvDir = path.join(dir, 'csv');
  fs.mkdirSync(csvDir, { mode: 0o755 });
  csv = path.join(csvDir, 'people.csv');
  fs.writeFileSync(csv, 'id,name,born\n1,Ada,1815-12-10\n2,Grace,1906-12-09\n');
  memory = createSqlConnector('duckdb', { path: ':memory:' }, {}, { ...limits(), sandbox: { readOnlyDirs: [csvDir] } });
});

afterAll(async () => {
  await conn?.close();
  await memory?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('duckdb connector', () => {
  it('tests the connection and browses the schema', async () => {
    expect((await conn.test()).serverVersion).toMatch(/^DuckDB v1\./);
    const s = await conn.schema();
    expect(s.schemas).toEqual([
      {
        name: 'main',
        tables: [
          { name: 'big_orders', kind: 'view', columns: [{ name: 'id', type: 'INTEGER' }, { name: 'customer', type: 'VARCHAR' }, { name: 'total', type: 'DECIMAL(10,2)' }] },
          { name: 'orders', kind: 'table', columns: [{ name: 'id', type: 'INTEGER' }, { name: 'customer', type: 'VARCHAR' }, { name: 'total', type: 'DECIMAL(10,2)' }] },
        ],
      },
    ]);
  });

  it('runs a query with parameters, JSON-safe values', async () => {
    const r = await collect(
      conn.query('SELECT id, customer, total, $1::INTEGER + 1 AS n, 9007199254740993::BIGINT AS big, 42::BIGINT AS small FROM orders WHERE id = $2', opts({ params: [41, 1] })),
    );
    expect(r.columns.map((c) => c.type)).toEqual(['INTEGER', 'VARCHAR', 'DECIMAL(10,2)', 'INTEGER', 'BIGINT', 'BIGINT']);
    expect(r.rows).toEqual([[1, 'ada', '10.50', 42, '9007199254740993', 42]]);
  });

  it('reads a CSV file from a read-only directory, and cannot write there', async () => {
    const r = await collect(memory.query(`SELECT id, name, born FROM read_csv_auto('${csv}') ORDER BY id`, opts({ readOnly: true })));
    expect(r.columns).toEqual([{ name: 'id', type: 'BIGINT' }, { name: 'name', type: 'VARCHAR' }, { name: 'born', type: 'DATE' }]);
    expect(r.rows).toEqual([[1, 'Ada', '1815-12-10'], [2, 'Grace', '1906-12-09']]);
    const pq = path.join(csvDir, 'people.parquet');
    await failure(() => collect(memory.query(`COPY (SELECT * FROM read_csv_auto('${csv}')) TO '${pq}' (FORMAT parquet)`, opts())));
    expect(fs.existsSync(pq)).toBe(false);
  });

  it('streams a large result chunk by chunk', async () => {
    const r = await collect(conn.query('SELECT range AS x FROM range(200000)', opts({ maxRows: 1_000_000, batchSize: 1000 })));
    expect(r.end).toEqual({ rowCount: 200_000, truncated: false });
    expect(r.batches).toBeGreaterThanOrEqual(200);
    expect(r.events[0]?.type).toBe('columns');
    expect(r.rows[199_999]).toEqual([199_999]);
  });

  it('truncates at maxRows', async () => {
    const r = await collect(conn.query('SELECT range FROM range(100000)', opts({ maxRows: 5000 })));
    expect(r.end).toEqual({ rowCount: 5000, truncated: true });
    expect(r.rows.length).toBe(5000);
  });

  const HEAVY = 'SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range * b.range = 7';

  it('interrupts a heavy query at its time limit', async () => {
    const started = Date.now();
    const e = await failure(() => collect(memory.query(HEAVY, opts({ timeoutMs: 400 }))));
    assertCode(e, 'statement_timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('interrupts a heavy query when the signal aborts', async () => {
    const { error, stopMs } = await cancelAfter(memory, HEAVY, 300);
    assertCode(error, 'cancelled');
    expect(stopMs).toBeLessThan(3000);
  });

  it('enforces read-only on files and in memory', async () => {
    assertCode(await failure(() => collect(conn.query('CREATE TABLE nope (x INT)', opts({ readOnly: true })))), 'read_only_violation');
    assertCode(await failure(() => collect(conn.query(`INSERT INTO orders VALUES (9, 'eve', 1)`, opts({ readOnly: true })))), 'read_only_violation');
    assertCode(await failure(() => collect(memory.query(`COPY (SELECT 1) TO '${path.join(dir, 'x.csv')}'`, opts({ readOnly: true })))), 'read_only_violation');
    assertCode(await failure(() => collect(memory.query(`ATTACH '${file}' AS other`, opts({ readOnly: true })))), 'read_only_violation');
    const w = await collect(conn.query(`INSERT INTO orders VALUES (3, 'cy', 7)`, opts()));
    expect(w.end?.truncated).toBe(false);
    const n = await collect(conn.query('SELECT count(*) FROM orders', opts({ readOnly: true })));
    expect(n.rows).toEqual([[3]]);
  });

  it('reports bad SQL and a missing file', async () => {
    const e = await failure(() => collect(conn.query('SELECT * FROM no_such_table', opts())));
    assertCode(e, 'query_error');
    expect(e.message).toMatch(/no_such_table/);
    const missing = createSqlConnector('duckdb', { path: path.join(dir, 'missing.duckdb') }, {}, limits());
    assertCode(await failure(() => missing.test()), 'file_not_found');
  });

  it('reads no file outside its roots, and cannot lift the restriction', async () => {
    const confined = createSqlConnector('duckdb', { path: ':memory:' }, {}, limits());
    try {
      for (const sql of [`SELECT * FROM read_text('/etc/passwd')`, `SELECT * FROM read_csv_auto('${csv}')`, `COPY (SELECT 1) TO '${path.join(dir, 'leak.csv')}'`, 'SET enable_external_access = true']) {
        const e = await failure(() => collect(confined.query(sql, opts())));
        expect(e.message, sql).not.toMatch(/root:x:0/);
      }
      expect(fs.existsSync(path.join(dir, 'leak.csv'))).toBe(false);
    } finally {
      await confined.close();
    }
  });
});
