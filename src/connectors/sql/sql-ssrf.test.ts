import { describe, expect, it } from 'vitest';
import { createSqlConnector, describeSqlError, parseSqlConfig, sqlTypeLabel } from './sql-connector.js';
import { SqlConnectorError } from './sql-errors.js';
import { blockedAddressReason, resolveSafeHost } from './sql-ssrf.js';
import { assertCode, failure, limits } from './sql-test-support.js';

describe('SSRF guard', () => {
  it.each([
    ['169.254.169.254', 'a cloud metadata address'],
    ['169.254.1.2', 'a link-local address'],
    ['100.100.100.200', 'a cloud metadata address'],
    ['0.0.0.0', 'the unspecified address'],
    ['::', 'an unspecified or multicast address'],
    ['fe80::1', 'a link-local address'],
    ['fd00:ec2::254', 'a cloud metadata address'],
    ['::ffff:169.254.169.254', 'a cloud metadata address'],
    ['::ffff:a9fe:a9fe', 'a cloud metadata address'],
  ])('refuses %s', (ip, reason) => {
    expect(blockedAddressReason(ip)).toBe(reason);
  });

  it.each(['127.0.0.1', '10.1.2.3', '192.168.1.1', '172.16.0.5', '::1', 'fd12::1', '8.8.8.8', '::ffff:10.0.0.1'])('allows %s', (ip) => {
    expect(blockedAddressReason(ip)).toBeNull();
  });

  it('resolves names, refuses metadata names, honours allowHosts and the off switch', async () => {
    expect(await resolveSafeHost('localhost', { enabled: true })).toMatchObject({ hostname: 'localhost' });
    expect(['127.0.0.1', '::1']).toContain((await resolveSafeHost('localhost', { enabled: true })).address);
    assertCode(await failure(() => resolveSafeHost('metadata.google.internal', { enabled: true })), 'ssrf_blocked');
    assertCode(await failure(() => resolveSafeHost('169.254.169.254', { enabled: true })), 'ssrf_blocked');
    assertCode(await failure(() => resolveSafeHost('[fe80::1]', { enabled: true })), 'ssrf_blocked');
    expect((await resolveSafeHost('169.254.10.10', { enabled: true, allowHosts: ['169.254.10.10'] })).address).toBe('169.254.10.10');
    expect((await resolveSafeHost('169.254.169.254', { enabled: false })).address).toBe('169.254.169.254');
  });

  it('blocks before any connection attempt, for every TCP engine', async () => {
    for (const type of ['postgres', 'mysql'] as const) {
      const c = createSqlConnector(type, { host: '169.254.169.254', database: 'x', user: 'u', sslMode: 'disable' }, { password: 'pw' }, limits());
      const started = Date.now();
      const e = await failure(() => c.test());
      assertCode(e, 'ssrf_blocked');
      expect(e.message).toMatch(/169\.254\.169\.254/);
      expect(Date.now() - started).toBeLessThan(200);
      await c.close();
    }
  });
});

describe('config and helpers', () => {
  it('applies defaults and refuses unknown fields', () => {
    expect(parseSqlConfig('postgres', { host: 'db', database: 'd', user: 'u' })).toEqual({ host: 'db', port: 5432, database: 'd', user: 'u', sslMode: 'prefer' });
    assertCode(new SqlConnectorError('config_invalid', ''), 'config_invalid');
    expect(() => parseSqlConfig('mysql', { host: 'db', database: 'd', user: 'u', sslMode: 'disable', password: 'x' })).toThrow(/Unrecognized key|password/);
    expect(() => parseSqlConfig('duckdb', { path: 'rel.duckdb' })).toThrow(/absolute/);
    expect(parseSqlConfig('duckdb', { path: ':memory:' })).toEqual({ path: ':memory:' });
  });

  it('describes errors without leaking internals', () => {
    expect(describeSqlError(new SqlConnectorError('query_error', 'syntax error', { position: 3 }))).toEqual({
      code: 'query_error', message: 'syntax error', details: { position: 3 }, status: 400,
    });
    expect(describeSqlError(new Error('secret internals'))).toMatchObject({ code: 'internal', status: 500 });
    expect(sqlTypeLabel('mysql')).toBe('MySQL / MariaDB');
  });
});
