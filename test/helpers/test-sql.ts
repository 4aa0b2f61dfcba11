/**
 * Outside databases for data-connection tests: a fresh PostgreSQL database and role with a
 * password (the server runs scram for non-superusers), and the MariaDB that `npm test` starts.
 * Missing services fail loudly.
 */
import pg from 'pg';

export function requireEnv(name: 'ATRIUM_TEST_PG_URL' | 'ATRIUM_TEST_MYSQL_URL'): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite with npm test, which starts PostgreSQL and MariaDB.`);
  return v;
}

export interface PgTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  drop(): Promise<void>;
}

export async function pgTarget(): Promise<PgTarget> {
  const admin = requireEnv('ATRIUM_TEST_PG_URL');
  const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const database = `dc_${suffix}`;
  const user = `analyst_${suffix}`;
  const password = `pw-${suffix}-Secret`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
  await c.query(`CREATE DATABASE ${database} OWNER ${user}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${database}`;
  const seed = new pg.Client({ connectionString: u.toString() });
  await seed.connect();
  await seed.query(`SET ROLE ${user}`);
  await seed.query(`CREATE TABLE sales (id int primary key, region text, amount numeric(10,2), sold_at timestamptz)`);
  await seed.query(`INSERT INTO sales SELECT g, (array['north','south','east','west'])[1 + g % 4], g * 1.5, now() FROM generate_series(1, 100) g`);
  await seed.end();
  return {
    host: u.hostname,
    port: Number(u.port),
    database,
    user,
    password,
    async drop() {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await d.query(`DROP ROLE IF EXISTS ${user}`);
      await d.end();
    },
  };
}

export async function pgActivity(database: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: requireEnv('ATRIUM_TEST_PG_URL') });
  await c.connect();
  try {
    const r = await c.query(`SELECT query FROM pg_stat_activity WHERE datname = $1 AND state = 'active'`, [database]);
    return r.rows.map((x: { query: string }) => x.query);
  } finally {
    await c.end();
  }
}

export function mysqlTarget() {
  const u = new URL(requireEnv('ATRIUM_TEST_MYSQL_URL'));
  return { host: u.hostname, port: Number(u.port), database: u.pathname.slice(1), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}
