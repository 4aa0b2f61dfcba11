import net from 'node:net';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { createSqlConnector, describeSqlError, parseSqlConfig, sqlTypeLabel } from './sql-connector.js';
import { SqlConnectorError } from './sql-errors.js';
import { blockedAddressReason, resolveSafeHost } from './sql-ssrf.js';
import { assertCode, closedPort, failure, limits } from './sql-test-support.js';

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

/*
 * Issue 9, point 7: translated IPv6 forms of blocked IPv4 addresses, and a guest port-scanning the
 * server's own loopback through a project connection. Before the fix, NAT64 (64:ff9b::/96), 6to4
 * (2002::/16), Teredo and IPv4-translated forms passed the guard, and there was no way to refuse
 * loopback or the host's own addresses for the connections of non-admins.
 */
describe('SSRF guard: translated IPv6 forms of blocked IPv4 addresses', () => {
  it.each([
    ['64:ff9b::a9fe:a9fe', 'a cloud metadata address'], // NAT64 (RFC 6052) of 169.254.169.254
    ['64:ff9b::169.254.169.254', 'a cloud metadata address'],
    ['64:ff9b::a9fe:102', 'a link-local address'],
    ['64:ff9b::7f00:1', 'a loopback address'], // NAT64 of 127.0.0.1: never this server's loopback, never legitimate
    ['64:ff9b::0:0', 'the unspecified address'],
    ['64:ff9b:1::a9fe:a9fe', 'a local-use NAT64 address'], // RFC 8215 local-use prefix: refused outright
    ['2002:a9fe:a9fe::', 'a cloud metadata address'], // 6to4 of 169.254.169.254
    ['2002:a9fe:a9fe:1::5', 'a cloud metadata address'],
    ['2002:7f00:1::', 'a loopback address'], // 6to4 of 127.0.0.1
    ['2002::', 'the unspecified address'],
    ['2001:0:4136:e378:8000:63bf:5601:5601', 'a cloud metadata address'], // Teredo, client 169.254.169.254 (inverted)
    ['::ffff:0:a9fe:a9fe', 'a cloud metadata address'], // IPv4-translated (RFC 2765)
    ['::169.254.169.254', 'a cloud metadata address'], // IPv4-compatible
    ['::a9fe:a9fe', 'a cloud metadata address'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'a cloud metadata address'],
    ['::ffff:0.0.0.0', 'the unspecified address'],
  ])('refuses %s', (ip, reason) => {
    expect(blockedAddressReason(ip)).toBe(reason);
  });

  it.each(['64:ff9b::808:808', '64:ff9b::8.8.8.8', '2002:808:808::1', '2001:db8::1', '2606:4700::1111'])('allows %s (a public address behind the translation)', (ip) => {
    expect(blockedAddressReason(ip)).toBeNull();
  });

  it('refuses the translated forms through resolveSafeHost too (bracketed literals)', async () => {
    for (const host of ['[64:ff9b::a9fe:a9fe]', '64:ff9b::7f00:1', '[2002:a9fe:a9fe::]', '2002:7f00:1::']) {
      const e = await failure(() => resolveSafeHost(host, { enabled: true }));
      assertCode(e, 'ssrf_blocked');
    }
  });
});

describe('SSRF guard: blockLocal (connections of non-admins) refuses this server itself', () => {
  const own = Object.values(os.networkInterfaces())
    .flat()
    .filter((i): i is os.NetworkInterfaceInfo => !!i && !i.internal && !i.address.toLowerCase().startsWith('fe80'))
    .map((i) => i.address);

  it('has at least one non-loopback interface address to test with', () => {
    expect(own.length).toBeGreaterThan(0);
  });

  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:0:0:1'])('refuses loopback %s', (ip) => {
    expect(blockedAddressReason(ip, { blockLocal: true })).toBe('a loopback address');
  });

  it("refuses each of the host's own interface addresses", () => {
    for (const ip of own) expect(blockedAddressReason(ip, { blockLocal: true }), ip).toBe("this server's own address");
  });

  it('keeps other private and public addresses allowed', () => {
    for (const ip of ['10.255.1.2', '172.16.0.5', '192.168.77.1', '8.8.8.8', 'fd12::1']) {
      if (own.includes(ip)) continue;
      expect(blockedAddressReason(ip, { blockLocal: true }), ip).toBeNull();
    }
  });

  it('still blocks what is always blocked', () => {
    expect(blockedAddressReason('169.254.169.254', { blockLocal: true })).toBe('a cloud metadata address');
    expect(blockedAddressReason('64:ff9b::7f00:1', { blockLocal: true })).toBe('a loopback address');
  });

  it('without blockLocal (workspace connections, made by admins) loopback stays allowed', () => {
    expect(blockedAddressReason('127.0.0.1')).toBeNull();
    expect(blockedAddressReason('::1')).toBeNull();
  });

  it('refuses names that resolve to loopback, and honours allowHosts by name or by IP', async () => {
    assertCode(await failure(() => resolveSafeHost('localhost', { enabled: true, blockLocal: true })), 'ssrf_blocked');
    assertCode(await failure(() => resolveSafeHost('127.0.0.1', { enabled: true, blockLocal: true })), 'ssrf_blocked');
    assertCode(await failure(() => resolveSafeHost('[::1]', { enabled: true, blockLocal: true })), 'ssrf_blocked');
    for (const ip of own) assertCode(await failure(() => resolveSafeHost(ip, { enabled: true, blockLocal: true })), 'ssrf_blocked');
    expect((await resolveSafeHost('127.0.0.1', { enabled: true, blockLocal: true, allowHosts: ['127.0.0.1'] })).address).toBe('127.0.0.1');
    // An allow-listed IP is allowed whatever name leads to it.
    expect(['127.0.0.1', '::1']).toContain((await resolveSafeHost('localhost', { enabled: true, blockLocal: true, allowHosts: ['127.0.0.1', '::1'] })).address);
    // The off switch turns the whole guard off.
    expect((await resolveSafeHost('127.0.0.1', { enabled: false, blockLocal: true })).address).toBe('127.0.0.1');
  });

  it('gives no port-scan oracle: an open and a closed loopback port fail alike, before any connection', async () => {
    const open = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => open.listen(0, '127.0.0.1', r));
    const openPort = (open.address() as net.AddressInfo).port;
    try {
      const answers: string[] = [];
      for (const port of [openPort, await closedPort()]) {
        for (const type of ['postgres', 'mysql'] as const) {
          const c = createSqlConnector(type, { host: '127.0.0.1', port, database: 'x', user: 'u', sslMode: 'disable' }, { password: 'pw' }, { ...limits(), ssrf: { enabled: true, blockLocal: true } });
          const e = await failure(() => c.test());
          await c.close();
          assertCode(e, 'ssrf_blocked');
          answers.push(`${type}:${e.code}:${e.message.replace(String(port), 'PORT')}`);
        }
      }
      expect(answers.slice(0, 2)).toEqual(answers.slice(2));
    } finally {
      await new Promise((r) => open.close(r));
    }
  });
});
