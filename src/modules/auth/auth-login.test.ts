/**
 * Sign-in throttling through the whole app: which address counts (ATRIUM_TRUST_PROXY as a list
 * of proxies, and off), the account-wide ceiling against many real addresses, and the same
 * answers for an existing and an unknown email at every step (the throttle is no account oracle).
 * The counters themselves: auth-rate-limit.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const PROXY = '10.20.30.40';

async function login(app: TestApp, email: string, password: string, from: { remote: string; xff?: string }) {
  const res = await app.atrium.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: from.remote,
    headers: from.xff ? { 'x-forwarded-for': from.xff } : {},
  });
  return res.statusCode;
}

describe('behind proxies named by address (ATRIUM_TRUST_PROXY=<list>)', () => {
  it('the caller is the address our proxy saw; what the client wrote left of it is ignored', async () => {
    t = await startTestApp({ env: { ATRIUM_TRUST_PROXY: `${PROXY}, 10.99.0.0/16` } });
    const statuses: number[] = [];
    // Two proxies of ours (10.99.x then PROXY), the client's own spoofed entry left of them.
    for (let i = 1; i <= 12; i++) statuses.push(await login(t, 'viewer@demo.local', `guess-${i}`, { remote: PROXY, xff: `192.0.2.${i}, 203.0.113.5, 10.99.1.1` }));
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    // The same client through the same proxies with the right password waits too.
    expect(await login(t, 'viewer@demo.local', DEMO_PASSWORD, { remote: PROXY, xff: '203.0.113.5, 10.99.1.1' })).toBe(429);
    // Another real client behind the same proxy is someone else.
    expect(await login(t, 'viewer@demo.local', DEMO_PASSWORD, { remote: PROXY, xff: '203.0.113.6' })).toBe(200);
  });

  it('X-Forwarded-For from a peer that is not our proxy is not believed', async () => {
    t = await startTestApp({ env: { ATRIUM_TRUST_PROXY: PROXY } });
    const statuses: number[] = [];
    for (let i = 1; i <= 11; i++) statuses.push(await login(t, 'viewer@demo.local', `guess-${i}`, { remote: '198.51.100.77', xff: `192.0.2.${i}` }));
    expect(statuses.at(-1)).toBe(429);
  });

  it('the account-wide ceiling holds against many real addresses', async () => {
    t = await startTestApp({ env: { ATRIUM_TRUST_PROXY: PROXY } });
    const statuses: number[] = [];
    for (let i = 1; i <= 22; i++) statuses.push(await login(t, 'admin@demo.local', `guess-${i}`, { remote: PROXY, xff: `198.51.100.${i}` }));
    expect(statuses).toEqual([...Array(20).fill(401), 429, 429]);
    // Even the right password, from an address that never failed: the guesser could hold any.
    expect(await login(t, 'admin@demo.local', DEMO_PASSWORD, { remote: PROXY, xff: '203.0.113.200' })).toBe(429);
    // Other accounts are untouched.
    expect(await login(t, 'editor@demo.local', DEMO_PASSWORD, { remote: PROXY, xff: '198.51.100.1' })).toBe(200);
  }, 60_000);
});

describe('without a proxy setting', () => {
  it('X-Forwarded-For is ignored: the socket address counts', async () => {
    t = await startTestApp();
    const statuses: number[] = [];
    for (let i = 1; i <= 11; i++) statuses.push(await login(t, 'guest@demo.local', `guess-${i}`, { remote: '198.51.100.9', xff: `192.0.2.${i}` }));
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('the throttle answers alike for existing and unknown accounts', () => {
  it('before and after an address turns into a sprayer', async () => {
    t = await startTestApp();
    const from = { remote: '10.1.2.3' };
    const sequence = async (email: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(await login(t!, email, `wrong-${i}`, from));
      return out;
    };
    // Below the address limit: ten tries each, existing or not (22 failures from here).
    const existing = await sequence('viewer@demo.local', 11);
    const unknown = await sequence('ghost-1@nowhere.test', 11);
    expect(existing).toEqual([...Array(10).fill(401), 429]);
    expect(unknown).toEqual(existing);
    // Push the address past 50 failures with more unknown emails.
    for (let i = 0; i < 30; i++) await login(t, `filler-${i}@nowhere.test`, 'x-wrong-x', from);
    // Now three tries per account, existing or not.
    const existing2 = await sequence('editor@demo.local', 4);
    const unknown2 = await sequence('ghost-2@nowhere.test', 4);
    expect(existing2).toEqual([401, 401, 401, 429]);
    expect(unknown2).toEqual(existing2);
  }, 60_000);
});
