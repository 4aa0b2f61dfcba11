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
