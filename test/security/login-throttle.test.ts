/*
 * Issue 9, point 7 — the login throttle.
 *
 * (a) Behind ATRIUM_TRUST_PROXY a spoofed X-Forwarded-For per try defeated the throttle: Fastify
 *     took the left-most (client-supplied) address as the caller's, so every guess came "from" a
 *     new address. A real proxy appends the address it saw; the tests send what such a proxy
 *     forwards — `X-Forwarded-For: <spoofed>, <real client>` — from the proxy's own socket.
 *     Safe outcome: the guesses are throttled all the same (the caller's address is the one the
 *     trusted proxy saw, and/or the account has a limit of its own).
 * (b) Without a proxy, 50 failures from one address locked every account out from that address
 *     (the per-IP limit counted failures on any account). Safe outcome: failures on other
 *     accounts do not stop a user from signing in with the right password; the per-account+IP
 *     throttle still works (positive control).
 *
 * On the code as it was when these tests were written (before the fix), FAILED: (a) no attempt
 * was ever throttled; (b) the editor's correct password got 429 after 50 failures on other
 * accounts. PASSED already: the per-account positive control.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import { DEMO_PASSWORD, startApp } from './security-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});
afterAll(async () => t?.close());

async function login(app: TestApp, email: string, password: string, headers: Record<string, string> = {}) {
  return app.atrium.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, headers, remoteAddress: '10.9.8.7' });
}

describe('point 7: spoofed X-Forwarded-For behind ATRIUM_TRUST_PROXY', () => {
  it('a new spoofed address per guess does not escape the throttle', async () => {
    t = await startApp({ ATRIUM_TRUST_PROXY: 'true' });
    const statuses: number[] = [];
    // 30 guesses: the account+address limit is 10; an account-wide limit must engage by then too.
    for (let i = 1; i <= 30; i++) {
      // What a one-hop proxy forwards: the client's own (spoofed) header, then the address it saw.
      const r = await login(t, 'admin@demo.local', `guess-${i}`, { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` });
      statuses.push(r.statusCode);
    }
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses.includes(429), `never throttled: ${statuses.join(',')}`).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Throttled means throttled: even the right password waits, whatever the spoofed address says.
    const right = await login(t, 'admin@demo.local', DEMO_PASSWORD, { 'x-forwarded-for': '192.0.2.200, 203.0.113.7' });
    expect(right.statusCode).toBe(429);
    expect(right.headers['retry-after']).toBeDefined();
  });
});

describe('point 7: failures on other accounts do not lock everyone out of one address', () => {
  it('60 failures on 60 accounts from one address leave the editor able to sign in', async () => {
    t = await startApp();
    for (let i = 1; i <= 60; i++) {
      const r = await login(t, `nobody-${i}@nowhere.test`, 'wrong-password-x');
      expect([401, 429]).toContain(r.statusCode);
    }
    const editor = await login(t, 'editor@demo.local', DEMO_PASSWORD);
    expect(editor.statusCode, editor.body).toBe(200);
    // Another account's wrong password is an ordinary 401, not a lockout.
    const viewer = await login(t, 'viewer@demo.local', 'not-the-password');
    expect(viewer.statusCode, viewer.body).toBe(401);
  });

  it('positive control: guessing one account from one address is still throttled', async () => {
    t = await startApp();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(t, 'guest@demo.local', `guess-${i}`)).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
  });
});
