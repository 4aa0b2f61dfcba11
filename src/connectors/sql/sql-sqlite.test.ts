import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlConnector } from './sql-connector.js';
import type { SqlConnector } from './sql-types.js';
import { assertCode, cancelAfter, collect, failure, limits, opts } from './sql-test-support.js';

let dir: string;
let file: string;
let conn: SqlConnector;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-sqlite-'));
  // The sandboxed worker runs as an unprivileged user: a read-write file's directory must be searchable.
  fs.chmodSync(dir, 0o755);
  file = path.join(dir, 'shop.db');
  const db = new Database(file);
  db.exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total NUMERIC, blob BLOB);
           INSERT INTO orders VALUES (1, 'ada', 10.5, x'0102'), (2, 'bob', 3, NULL);
           CREATE VIEW big_orders AS SELECT id, customer FROM orders WHERE total > 5;
           CREATE TABLE nums (n INTEGER);
           WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) INSERT INTO nums SELECT x FROM c;`);
  db.close();
  conn = createSqlConnector('sqlite', { path: file }, {}, limits());
});

afterAll(async () => {
  await conn?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const COUNT_200K = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT x FROM c';

describe('sqlite connector', () => {
  it('tests the connection and browses the schema', async () => {
    expect((await conn.test()).serverVersion).toMatch(/^SQLite 3\./);
    const s = await conn.schema();
    expect(s.schemas[0]?.tables.map((t) => [t.name, t.kind])).toEqual([['big_orders', 'view'], ['nums', 'table'], ['orders', 'table']]);
    expect(s.schemas[0]?.tables.find((t) => t.name === 'orders')?.columns).toEqual([
      { name: 'id', type: 'INTEGER' }, { name: 'customer', type: 'TEXT' }, { name: 'total', type: 'NUMERIC' }, { name: 'blob', type: 'BLOB' },
    ]);
  });

  it('runs a query with parameters, JSON-safe values', async () => {
    const r = await collect(conn.query('SELECT id, customer, blob, 9007199254740993 AS big, ? AS p FROM orders WHERE id = ?', opts({ params: ['x', 1] })));
    expect(r.columns).toEqual([
      { name: 'id', type: 'INTEGER' }, { name: 'customer', type: 'TEXT' }, { name: 'blob', type: 'BLOB' }, { name: 'big', type: 'unknown' }, { name: 'p', type: 'unknown' },
    ]);
    expect(r.rows).toEqual([[1, 'ada', 'AQI=', '9007199254740993', 'x']]);
  });

  it('streams a large result in batches, columns first', async () => {
    const r = await collect(conn.query(COUNT_200K, opts({ maxRows: 1_000_000, batchSize: 1000 })));
    expect(r.end).toEqual({ rowCount: 200_000, truncated: false });
    expect(r.batches).toBe(200);
    expect(r.events.map((e) => e.type).slice(0, 2)).toEqual(['columns', 'rows']);
    expect(r.events.at(-1)?.type).toBe('end');
  });

  it('truncates at maxRows', async () => {
    const r = await collect(conn.query(COUNT_200K, opts({ maxRows: 777 })));
    expect(r.end).toEqual({ rowCount: 777, truncated: true });
  });

  it('stops a heavy cross join at its time limit', async () => {
    const started = Date.now();
    const e = await failure(() => collect(conn.query('SELECT a.n, b.n, c.n FROM nums a, nums b, nums c', opts({ timeoutMs: 300, maxRows: 1e9, batchSize: 5000 }))));
    assertCode(e, 'statement_timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops iterating when the signal aborts', async () => {
    const { error, stopMs } = await cancelAfter(conn, 'SELECT a.n, b.n, c.n FROM nums a, nums b, nums c', 200, { maxRows: 1e9, batchSize: 5000 });
    assertCode(error, 'cancelled');
    expect(stopMs).toBeLessThan(1000);
  });

  it('opens read-only for read-only queries', async () => {
    const e = await failure(() => collect(conn.query(`INSERT INTO orders (customer) VALUES ('eve')`, opts({ readOnly: true }))));
    assertCode(e, 'read_only_violation');
    const ddl = await failure(() => collect(conn.query('CREATE TABLE nope (x)', opts({ readOnly: true }))));
    assertCode(ddl, 'read_only_violation');
    const w = await collect(conn.query(`INSERT INTO orders (customer) VALUES ('cy')`, opts()));
    expect(w.end).toEqual({ rowCount: 0, truncated: false });
  });

  it('reports bad SQL, a missing file and a file that is not a database', async () => {
    const e = await failure(() => collect(conn.query('SELECT * FROM no_such_table', opts())));
    assertCode(e, 'query_error');
    expect(e.message).toMatch(/no such table: no_such_table/);
    const missing = createSqlConnector('sqlite', { path: path.join(dir, 'missing.db') }, {}, limits());
    assertCode(await failure(() => missing.test()), 'file_not_found');
    assertCode(await failure(() => collect(missing.query('SELECT 1', opts()))), 'file_not_found');
    const junk = path.join(dir, 'junk.db');
    fs.writeFileSync(junk, 'this is not a database, just text that is long enough to have a header'.repeat(20));
    assertCode(await failure(() => createSqlConnector('sqlite', { path: junk }, {}, limits()).test()), 'config_invalid');
    assertCode(await failure(async () => createSqlConnector('sqlite', { path: 'relative.db' }, {}, limits())), 'config_invalid');
  });

  it('refuses a read-write file whose directory the sandbox user cannot search, and still reads it read-only', async () => {
    const hidden = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-sqlite-0700-'));
    const f = path.join(hidden, 'x.db');
    new Database(f).exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    const c = createSqlConnector('sqlite', { path: f }, {}, limits());
    try {
      const e = await failure(() => collect(c.query(`INSERT INTO t VALUES (2)`, opts())));
      assertCode(e, 'config_invalid');
      expect(e.message).toMatch(/searchable/);
      expect((await collect(c.query('SELECT count(*) FROM t', opts({ readOnly: true })))).rows).toEqual([[1]]);
    } finally {
      await c.close();
      fs.rmSync(hidden, { recursive: true, force: true });
    }
  });

  it('refuses file statements even behind a leading semicolon or comments', async () => {
    for (const sql of [`;VACUUM INTO '${path.join(dir, 'copy.db')}'`, `/* x */ ;; ATTACH '${file}' AS o`, `SELECT load_extension('/tmp/x')`, 'PRAGMA temp_store_directory = \'/tmp\'']) {
      const e = await failure(() => collect(conn.query(sql, opts({ readOnly: true }))));
      assertCode(e, 'query_error');
    }
    expect(fs.existsSync(path.join(dir, 'copy.db'))).toBe(false);
  });
});
