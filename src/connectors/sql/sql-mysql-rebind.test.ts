/**
 * DNS rebinding (issue 9): the MySQL connector must connect to the address the SSRF guard checked,
 * never re-resolve the name. Here the name resolves (for the guard) to the test MariaDB on
 * loopback, and resolves nowhere for anyone else: the connection works only if it goes to the
 * checked address. TLS would still use the name (mysql2 takes `servername` from `host`).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createSqlConnector } from './sql-connector.js';
import { limits, requireEnv } from './sql-test-support.js';

const NAME = 'rebind.atrium.invalid';

vi.mock('node:dns/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:dns/promises')>();
  const lookup = (async (name: string, o: unknown) => (name === NAME ? [{ address: '127.0.0.1', family: 4 }] : real.lookup(name, o as never))) as typeof real.lookup;
  return { ...real, default: { ...real, lookup }, lookup };
});

const u = new URL(requireEnv('ATRIUM_TEST_MYSQL_URL', 'Start MariaDB with `bash scripts/services/mariadb.sh start` and export the URL it prints.'));
const config = { host: NAME, port: Number(u.port || 3306), database: u.pathname.slice(1), user: decodeURIComponent(u.username), sslMode: 'disable' as const };
const conn = createSqlConnector('mysql', config, { password: decodeURIComponent(u.password) }, limits());
afterAll(() => conn.close());

describe('mysql connector and DNS', () => {
  it('connects to the address the guard checked, not to a second resolution of the name', async () => {
    expect(u.hostname).toMatch(/^(127\.0\.0\.1|localhost)$/);
    const r = await conn.test();
    expect(r.ok).toBe(true);
  });
});
