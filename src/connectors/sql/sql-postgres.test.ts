import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlConnector } from './sql-connector.js';
import type { SqlConnector } from './sql-types.js';
import {
  SECRET_PW, assertCode, cancelAfter, closedPort, collect, expectNoSecret, failure, limits, opts, requireEnv, silentServer,
} from './sql-test-support.js';

const ADMIN_URL = requireEnv(
  'ATRIUM_TEST_PG_URL',
  'Start one with `ATRIUM_TEST_PG_AUTH=scram bash scripts/services/postgres.sh start` and export the URL it prints.',
);
const admin = new URL(ADMIN_URL);
const ROLE = 'atrium_conn_test';
const DB = 'atrium_conn_test';
const base = { host: admin.hostname, port: Number(admin.port || 5432), database: DB, user: ROLE, sslMode: 'prefer' as const };

let adminPool: pg.Pool;
let conn: SqlConnector;

beforeAll(async () => {
  adminPool = new pg.Pool({ connectionString: ADMIN_URL, max: 2 });
  await adminPool.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await adminPool.query(`DROP ROLE IF EXISTS ${ROLE}`);
  await adminPool.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${SECRET_PW.replace(/'/g, "''")}'`);
  await adminPool.query(`CREATE DATABASE ${DB} OWNER ${ROLE}`);
  const setup = new pg.Client({ connectionString: ADMIN_URL.replace(/\/[^/]*$/, `/${DB}`) });
  await setup.connect();
  await setup.query(`SET ROLE ${ROLE}`);
  await setup.query(`CREATE SCHEMA shop`);
  await setup.query(`CREATE TABLE shop.orders (id int PRIMARY KEY, customer text NOT NULL, total numeric(10,2))`);
  await setup.query(`INSERT INTO shop.orders VALUES (1, 'ada', 10.50), (2, 'bob', 3)`);
  await setup.query(`CREATE VIEW shop.big_orders AS SELECT * FROM shop.orders WHERE total > 5`);
  await setup.end();
  conn = createSqlConnector('postgres', base, { password: SECRET_PW }, limits());
});

afterAll(async () => {
  await conn?.close();
  await adminPool?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch(() => {});
  await adminPool?.query(`DROP ROLE IF EXISTS ${ROLE}`).catch(() => {});
  await adminPool?.end();
});

async function activeWithMarker(marker: string): Promise<number> {
  // The marker is split so this query does not find itself.
  const r = await adminPool.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%' || $1 || $2 || '%' AND pid <> pg_backend_pid()`,
    [marker.slice(0, 4), marker.slice(4)],
  );
  return r.rows[0].n as number;
}

describe('postgres connector', () => {
  it('tests the connection', async () => {
    const r = await conn.test();
    expect(r.ok).toBe(true);
    expect(r.serverVersion).toMatch(/^PostgreSQL \d+/);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('browses the schema: tables, views, column types', async () => {
    const s = await conn.schema();
    const shop = s.schemas.find((x) => x.name === 'shop');
    expect(shop?.tables).toEqual([
      { name: 'big_orders', kind: 'view', columns: [{ name: 'id', type: 'integer' }, { name: 'customer', type: 'text' }, { name: 'total', type: 'numeric(10,2)' }] },
      { name: 'orders', kind: 'table', columns: [{ name: 'id', type: 'integer' }, { name: 'customer', type: 'text' }, { name: 'total', type: 'numeric(10,2)' }] },
    ]);
  });

  it('runs a query with parameters and returns JSON-safe values with type names', async () => {
    const r = await collect(
      conn.query(
        `SELECT $1::int + 1 AS n, $2::text AS s, 9007199254740993::int8 AS big, '\\x0102'::bytea AS b,
                date '2020-01-02' AS d, timestamptz '2020-01-02 03:04:05+00' AS ts, 1.50::numeric AS num, NULL::int AS z`,
        opts({ params: [41, 'hi'] }),
      ),
    );
    expect(r.columns.map((c) => c.type)).toEqual(['int4', 'text', 'int8', 'bytea', 'date', 'timestamptz', 'numeric', 'int4']);
    expect(r.rows).toEqual([[42, 'hi', '9007199254740993', 'AQI=', '2020-01-02', '2020-01-02T03:04:05.000Z', '1.50', null]]);
    expect(r.end).toEqual({ rowCount: 1, truncated: false });
    expect(JSON.parse(JSON.stringify(r.rows))).toEqual(r.rows);
  });

  it('streams a large result in batches', async () => {
    const r = await collect(conn.query('SELECT g FROM generate_series(1, 200000) g', opts({ maxRows: 1_000_000, batchSize: 1000 })));
    expect(r.end).toEqual({ rowCount: 200_000, truncated: false });
    expect(r.batches).toBe(200);
    expect(r.events[0]?.type).toBe('columns');
    expect(r.events[1]?.type).toBe('rows');
    expect(r.rows[199_999]).toEqual([200000]);
  });

  it('delivers the first batch before the server has produced the rest', async () => {
    // Row 150 000 sleeps 3 s: a buffering driver could not hand over row 1 before that.
    const started = Date.now();
    const it = conn.query(
      `SELECT g, CASE WHEN g = 150000 THEN pg_sleep(3)::text END FROM generate_series(1, 200000) g`,
      opts({ maxRows: 1_000_000 }),
    )[Symbol.asyncIterator]();
    expect((await it.next()).value?.type).toBe('columns');
    const first = await it.next();
    expect(first.value?.type).toBe('rows');
    expect(Date.now() - started).toBeLessThan(2000);
    await it.return?.(undefined); // stop early: the cursor is closed, the client goes back clean
    const again = await collect(conn.query('SELECT 1', opts()));
    expect(again.rows).toEqual([[1]]);
  });

  it('truncates at maxRows and keeps the pool usable', async () => {
    const r = await collect(conn.query('SELECT g FROM generate_series(1, 100000) g', opts({ maxRows: 1234, batchSize: 500 })));
    expect(r.end).toEqual({ rowCount: 1234, truncated: true });
    expect(r.rows.length).toBe(1234);
    const exact = await collect(conn.query('SELECT g FROM generate_series(1, 10) g', opts({ maxRows: 10 })));
    expect(exact.end).toEqual({ rowCount: 10, truncated: false });
  });

  it('stops a query at its time limit', async () => {
    const started = Date.now();
    const e = await failure(() => collect(conn.query('SELECT pg_sleep(10)', opts({ timeoutMs: 400 }))));
    assertCode(e, 'statement_timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('cancels a running query in the database when the signal aborts', async () => {
    const marker = 'cancel_marker_pg_81';
    const { error, stopMs } = await cancelAfter(conn, `SELECT pg_sleep(30) /* ${marker} */`, 400);
    assertCode(error, 'cancelled');
    expect(stopMs).toBeLessThan(3000);
    // The backend is no longer running it.
    let n = 1;
    for (let i = 0; i < 20 && n > 0; i++) {
      n = await activeWithMarker(marker);
      if (n > 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(n).toBe(0);
  });

  it('refuses writes in read-only mode, allows them otherwise', async () => {
    const e = await failure(() => collect(conn.query('CREATE TABLE shop.nope (x int)', opts({ readOnly: true }))));
    assertCode(e, 'read_only_violation');
    const ins = await failure(() => collect(conn.query(`INSERT INTO shop.orders VALUES (9, 'eve', 1)`, opts({ readOnly: true }))));
    assertCode(ins, 'read_only_violation');
    const w = await collect(conn.query(`INSERT INTO shop.orders VALUES (3, 'cy', 7) RETURNING id`, opts({ readOnly: false })));
    expect(w.rows).toEqual([[3]]);
    // A session setting made by a query does not leak into the next one on the pooled client.
    await collect(conn.query(`SET search_path TO shop`, opts()));
    const sp = await collect(conn.query(`SHOW search_path`, opts()));
    expect(sp.rows[0]?.[0]).not.toBe('shop');
  });

  it('reports bad SQL with the database message and position', async () => {
    const e = await failure(() => collect(conn.query('SELECT * FROM no_such_table_xyz', opts())));
    assertCode(e, 'query_error');
    expect(e.message).toMatch(/no_such_table_xyz/);
    expect(e.position).toBe(15);
    expect(e.dbCode).toBe('42P01');
    expectNoSecret(e);
  });

  it('fails cleanly on a wrong password', async () => {
    const c = createSqlConnector('postgres', base, { password: 'wrong-' + SECRET_PW }, limits());
    try {
      const e = await failure(() => c.test());
      if (e.code !== 'auth_failed') {
        throw new Error(`expected auth_failed, got ${e.code}. Is PostgreSQL running with password auth? Start it with ATRIUM_TEST_PG_AUTH=scram.`);
      }
      expectNoSecret(e, 'wrong-' + SECRET_PW);
      const q = await failure(() => collect(c.query('SELECT 1', opts())));
      assertCode(q, 'auth_failed');
      expectNoSecret(q, 'wrong-' + SECRET_PW);
    } finally {
      await c.close();
    }
  });

  it('fails cleanly on a missing database', async () => {
    const c = createSqlConnector('postgres', { ...base, database: 'atrium_no_such_db' }, { password: SECRET_PW }, limits());
    const e = await failure(() => c.test());
    assertCode(e, 'database_not_found');
    expect(e.message).toMatch(/atrium_no_such_db/);
    expectNoSecret(e);
    await c.close();
  });

  it('fails cleanly on an unreachable host and on a server that never answers', async () => {
    const port = await closedPort();
    const c = createSqlConnector('postgres', { ...base, host: '127.0.0.1', port }, { password: SECRET_PW }, limits());
    const e = await failure(() => c.test());
    assertCode(e, 'host_unreachable');
    expectNoSecret(e);
    await c.close();

    const silent = await silentServer();
    try {
      const t = createSqlConnector('postgres', { ...base, host: '127.0.0.1', port: silent.port }, { password: SECRET_PW }, limits({ connectTimeoutMs: 500 }));
      const started = Date.now();
      const te = await failure(() => t.test());
      assertCode(te, 'timeout');
      expect(Date.now() - started).toBeLessThan(3000);
      expectNoSecret(te);
      await t.close();
    } finally {
      await silent.close();
    }
  });

  it('refuses a server without TLS when TLS is required', async () => {
    const c = createSqlConnector('postgres', { ...base, sslMode: 'require' }, { password: SECRET_PW }, limits());
    const e = await failure(() => c.test());
    assertCode(e, 'tls_failed');
    expectNoSecret(e);
    await c.close();
  });

  it('refuses the cloud metadata address without connecting', async () => {
    const c = createSqlConnector('postgres', { ...base, host: '169.254.169.254' }, { password: SECRET_PW }, limits());
    const started = Date.now();
    const e = await failure(() => c.test());
    assertCode(e, 'ssrf_blocked');
    expect(Date.now() - started).toBeLessThan(200);
    expectNoSecret(e);
    await c.close();
  });
});
