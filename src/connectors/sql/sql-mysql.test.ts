import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlConnector } from './sql-connector.js';
import { mysqlErrorPosition } from './sql-mysql.js';
import type { SqlConnector } from './sql-types.js';
import {
  assertCode, cancelAfter, closedPort, collect, expectNoSecret, failure, limits, opts, requireEnv, silentServer,
} from './sql-test-support.js';

const URL_ = requireEnv(
  'ATRIUM_TEST_MYSQL_URL',
  'Start MariaDB with `bash scripts/services/mariadb.sh start` and export the URL it prints.',
);
const u = new URL(URL_);
const PASSWORD = decodeURIComponent(u.password);
const base = {
  host: u.hostname,
  port: Number(u.port || 3306),
  database: u.pathname.slice(1),
  user: decodeURIComponent(u.username),
  sslMode: 'disable' as const,
};

let direct: mysql.Connection;
let conn: SqlConnector;

beforeAll(async () => {
  direct = await mysql.createConnection({ ...base, password: PASSWORD });
  await direct.query('DROP VIEW IF EXISTS conn_big_orders');
  await direct.query('DROP TABLE IF EXISTS conn_orders, conn_nope, conn_w');
  await direct.query('CREATE TABLE conn_orders (id INT PRIMARY KEY, customer VARCHAR(40) NOT NULL, total DECIMAL(10,2))');
  await direct.query(`INSERT INTO conn_orders VALUES (1, 'ada', 10.50), (2, 'bob', 3)`);
  await direct.query('CREATE VIEW conn_big_orders AS SELECT * FROM conn_orders WHERE total > 5');
  conn = createSqlConnector('mysql', base, { password: PASSWORD }, limits());
});

afterAll(async () => {
  await conn?.close();
  await direct?.query('DROP VIEW IF EXISTS conn_big_orders').catch(() => {});
  await direct?.query('DROP TABLE IF EXISTS conn_orders, conn_nope, conn_w').catch(() => {});
  await direct?.end();
});

describe('mysql connector (MariaDB)', () => {
  it('tests the connection', async () => {
    const r = await conn.test();
    expect(r.serverVersion).toMatch(/^(MariaDB|MySQL) \d+/);
  });

  it('browses the schema', async () => {
    const s = await conn.schema();
    const db = s.schemas.find((x) => x.name === base.database);
    const orders = db?.tables.find((t) => t.name === 'conn_orders');
    expect(orders).toEqual({
      name: 'conn_orders',
      kind: 'table',
      columns: [{ name: 'id', type: 'int(11)' }, { name: 'customer', type: 'varchar(40)' }, { name: 'total', type: 'decimal(10,2)' }],
    });
    expect(db?.tables.find((t) => t.name === 'conn_big_orders')?.kind).toBe('view');
  });

  it('runs a query with parameters and returns JSON-safe values with type names', async () => {
    const r = await collect(
      conn.query(
        `SELECT ? + 1 AS n, ? AS s, CAST(9007199254740993 AS SIGNED) AS big, total, customer FROM conn_orders WHERE id = ?`,
        opts({ params: [41, 'hi', 1] }),
      ),
    );
    expect(r.columns.map((c) => c.name)).toEqual(['n', 's', 'big', 'total', 'customer']);
    expect(r.columns.find((c) => c.name === 'big')?.type).toBe('LONGLONG');
    expect(r.columns.find((c) => c.name === 'total')?.type).toBe('NEWDECIMAL');
    expect(r.rows).toEqual([[42, 'hi', '9007199254740993', '10.50', 'ada']]);
    expect(r.end).toEqual({ rowCount: 1, truncated: false });
  });

  it('streams a large result in batches', async () => {
    const r = await collect(conn.query('SELECT seq FROM seq_1_to_200000', opts({ maxRows: 1_000_000, batchSize: 1000 })));
    expect(r.end).toEqual({ rowCount: 200_000, truncated: false });
    expect(r.batches).toBe(200);
    expect(r.events[0]?.type).toBe('columns');
    expect(r.rows[199_999]).toEqual(['200000']);
  });

  it('delivers the first batch before the server has produced the rest', async () => {
    const started = Date.now();
    const it = conn.query(`SELECT seq, IF(seq = 150000, SLEEP(3), 0) FROM seq_1_to_200000`, opts({ maxRows: 1_000_000 }))[Symbol.asyncIterator]();
    expect((await it.next()).value?.type).toBe('columns');
    expect((await it.next()).value?.type).toBe('rows');
    expect(Date.now() - started).toBeLessThan(2000);
    await it.return?.(undefined);
    const again = await collect(conn.query('SELECT 1', opts()));
    expect(again.rows).toEqual([[1]]);
  });

  it('truncates at maxRows', async () => {
    const r = await collect(conn.query('SELECT seq FROM seq_1_to_100000', opts({ maxRows: 1234, batchSize: 500 })));
    expect(r.end).toEqual({ rowCount: 1234, truncated: true });
    expect(r.rows.length).toBe(1234);
    const exact = await collect(conn.query('SELECT seq FROM seq_1_to_10', opts({ maxRows: 10 })));
    expect(exact.end).toEqual({ rowCount: 10, truncated: false });
  });

  it('stops a query at its time limit', async () => {
    const started = Date.now();
    const e = await failure(() => collect(conn.query('SELECT SLEEP(10)', opts({ timeoutMs: 400 }))));
    assertCode(e, 'statement_timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('cancels a running query in the database when the signal aborts', async () => {
    const marker = 'cancel_marker_my_27';
    const { error, stopMs } = await cancelAfter(conn, `SELECT SLEEP(30) /* ${marker} */`, 400);
    assertCode(error, 'cancelled');
    expect(stopMs).toBeLessThan(3000);
    let n = 1;
    for (let i = 0; i < 20 && n > 0; i++) {
      const [rows] = await direct.query(
        `SELECT count(*) AS n FROM information_schema.processlist WHERE INFO LIKE CONCAT('%', ?, ?, '%') AND ID <> CONNECTION_ID()`,
        [marker.slice(0, 4), marker.slice(4)],
      );
      n = Number((rows as { n: number }[])[0]?.n);
      if (n > 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(n).toBe(0);
  });

  it('refuses writes (DDL included) in read-only mode, allows them otherwise', async () => {
    const ddl = await failure(() => collect(conn.query('CREATE TABLE conn_nope (x INT)', opts({ readOnly: true }))));
    assertCode(ddl, 'read_only_violation');
    const ins = await failure(() => collect(conn.query(`INSERT INTO conn_orders VALUES (9, 'eve', 1)`, opts({ readOnly: true }))));
    assertCode(ins, 'read_only_violation');
    const [tables] = await direct.query(`SHOW TABLES LIKE 'conn_nope'`);
    expect(tables).toEqual([]);
    const w = await collect(conn.query('CREATE TABLE conn_w (x INT)', opts({ readOnly: false })));
    expect(w.end).toEqual({ rowCount: 0, truncated: false });
    // The next read-only query on the same pool is read-only again.
    const again = await failure(() => collect(conn.query('INSERT INTO conn_w VALUES (1)', opts({ readOnly: true }))));
    assertCode(again, 'read_only_violation');
  });

  it('reports bad SQL with the server message and a position', async () => {
    const sql = 'SELECT id FROM conn_orders\n  WHERE AND id = 1';
    const e = await failure(() => collect(conn.query(sql, opts())));
    assertCode(e, 'query_error');
    expect(e.message).toMatch(/SQL syntax/);
    expect(e.position).toBe(sql.indexOf('AND id') + 1);
    expect(mysqlErrorPosition('SELECT 1\nFROM x y z', "error near 'z' at line 2")).toBe(19);
  });

  it('fails cleanly on a wrong password, a missing database, a closed port, a silent server and SSRF', async () => {
    const badPw = 'wrong-' + PASSWORD + '-Zq8-unmistakable';
    const a = createSqlConnector('mysql', base, { password: badPw }, limits());
    const ae = await failure(() => a.test());
    assertCode(ae, 'auth_failed');
    expectNoSecret(ae, badPw);
    const aq = await failure(() => collect(a.query('SELECT 1', opts())));
    assertCode(aq, 'auth_failed');
    expectNoSecret(aq, badPw);
    await a.close();

    const d = createSqlConnector('mysql', { ...base, database: 'atrium_no_such_db' }, { password: PASSWORD }, limits());
    const de = await failure(() => d.test());
    assertCode(de, 'database_not_found');
    expectNoSecret(de, PASSWORD);
    await d.close();

    const c = createSqlConnector('mysql', { ...base, port: await closedPort() }, { password: PASSWORD }, limits());
    const ce = await failure(() => c.test());
    assertCode(ce, 'host_unreachable');
    expectNoSecret(ce, PASSWORD);
    await c.close();

    const silent = await silentServer();
    try {
      const t = createSqlConnector('mysql', { ...base, port: silent.port }, { password: PASSWORD }, limits({ connectTimeoutMs: 500 }));
      const started = Date.now();
      const te = await failure(() => t.test());
      assertCode(te, 'timeout');
      expect(Date.now() - started).toBeLessThan(3000);
      expectNoSecret(te, PASSWORD);
      await t.close();
    } finally {
      await silent.close();
    }

    const tls = createSqlConnector('mysql', { ...base, sslMode: 'require' }, { password: PASSWORD }, limits());
    const tlsE = await failure(() => tls.test());
    assertCode(tlsE, 'tls_failed');
    await tls.close();

    const s = createSqlConnector('mysql', { ...base, host: '169.254.169.254' }, { password: PASSWORD }, limits());
    const se = await failure(() => s.test());
    assertCode(se, 'ssrf_blocked');
    expectNoSecret(se, PASSWORD);
    await s.close();
  });
});
