/** Configuration parsing where a wrong reading is a security problem: ATRIUM_TRUST_PROXY. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const trustProxy = (v: string | undefined) => loadConfig(v === undefined ? {} : { ATRIUM_TRUST_PROXY: v }, { dataDir: '/tmp/atrium-config-test' }).trustProxy;

describe('ATRIUM_TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['off', false],
    // `true` is one proxy hop, never "believe every X-Forwarded-For entry".
    ['true', 1],
    ['TRUE', 1],
    ['yes', 1],
    ['1', 1],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, 2001:db8::/32 ,::1', ['10.0.0.0/8', '2001:db8::/32', '::1']],
    ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
  ])('%j → %j', (v, expected) => expect(trustProxy(v)).toEqual(expected));

  it.each(['proxy.example.com', '10.0.0.0/33', '10.0.0.1/8/8', '2001:db8::/129', '99', '10.0.0.1,,oops', ','])('refuses %j, naming the variable', (v) => {
    expect(() => trustProxy(v)).toThrow(/ATRIUM_TRUST_PROXY/);
  });
});

// The GitHub sign-in sends the admin's browser back to this origin: a path or credentials in it would be wrong or leak.
describe('ATRIUM_PUBLIC_URL', () => {
  const publicUrl = (v: string) => loadConfig({ ATRIUM_PUBLIC_URL: v }, { dataDir: '/tmp/atrium-config-test' }).publicUrl;
  it('is optional, and kept as an origin', () => {
    expect(loadConfig({}, { dataDir: '/tmp/atrium-config-test' }).publicUrl).toBeUndefined();
    expect(publicUrl('https://Atrium.Example.com/')).toBe('https://atrium.example.com');
    expect(publicUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
  });
  it.each(['atrium.example.com', 'ftp://atrium.example.com', 'https://atrium.example.com/atrium', 'https://u:p@atrium.example.com', 'https://atrium.example.com/?x=1'])('refuses %j, naming the variable', (v) => {
    expect(() => publicUrl(v)).toThrow(/ATRIUM_PUBLIC_URL/);
  });
});

describe('git package settings', () => {
  const load = (env: Record<string, string>) => loadConfig(env, { dataDir: '/tmp/atrium-config-test' });
  const bucket = { ATRIUM_FILES_S3_BUCKET: 'atrium-bucket', ATRIUM_FILES_S3_ACCESS_KEY_ID: 'k', ATRIUM_FILES_S3_SECRET_ACCESS_KEY: 's' };
  it('shares the artifact cache through Atrium’s bucket when there is one, under its own prefix', () => {
    expect(load({}).packageCacheS3Prefix).toBeNull();
    expect(load(bucket).packageCacheS3Prefix).toBe('atrium-package-cache');
    expect(load({ ...bucket, ATRIUM_PACKAGE_CACHE_S3: 'off' }).packageCacheS3Prefix).toBeNull();
  });
  it('refuses a cache prefix that overlaps the project files’ prefix', () => {
    expect(() => load({ ...bucket, ATRIUM_FILES_S3_PREFIX: 'x', ATRIUM_PACKAGE_CACHE_S3_PREFIX: 'x/cache' })).toThrow(/ATRIUM_PACKAGE_CACHE_S3_PREFIX/);
  });
  it('refuses an install disk budget under 1 MiB', () => {
    expect(() => load({ ATRIUM_PACKAGE_INSTALL_MAX_BYTES: '1000' })).toThrow(/ATRIUM_PACKAGE_INSTALL_MAX_BYTES/);
  });
});
