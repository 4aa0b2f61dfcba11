/**
 * The login throttle's three counters, on a fake clock: what each limit stops, what it must not
 * stop (a user behind a sprayer's address), and its memory bound. Through the app (trusted
 * proxies, no account oracle): auth-login.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { addressKey, createFailureLog, createLoginThrottle } from './auth-rate-limit.js';

const MIN = 60_000;

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** Fails `n` times and returns how many of the n+1 tries were allowed before each failure. */
function guess(th: ReturnType<typeof createLoginThrottle>, email: string, ip: string, n: number): number {
  let allowed = 0;
  for (let i = 0; i < n; i++) {
    if (th.retryAfterMs(email, ip) > 0) continue;
    allowed++;
    th.fail(email, ip);
  }
  return allowed;
}

describe('account + address', () => {
  it('ten failures, then the address waits for that account — the window moving on frees it', () => {
    const c = clock();
    const th = createLoginThrottle({ now: c.now });
    expect(guess(th, 'a@x', '10.0.0.1', 30)).toBe(10);
    const wait = th.retryAfterMs('a@x', '10.0.0.1');
    expect(wait).toBeGreaterThan(14 * MIN);
    expect(wait).toBeLessThanOrEqual(15 * MIN);
    // Another address is not this one's problem (the account ceiling is not reached yet).
    expect(th.retryAfterMs('a@x', '10.0.0.2')).toBe(0);
    c.advance(15 * MIN + 1);
    expect(th.retryAfterMs('a@x', '10.0.0.1')).toBe(0);
  });

  it('a success from the address forgives its own typos', () => {
    const th = createLoginThrottle({ now: clock().now });
    guess(th, 'a@x', '10.0.0.1', 9);
    th.succeed('a@x', '10.0.0.1');
    expect(guess(th, 'a@x', '10.0.0.1', 30)).toBe(10);
  });
});

describe('account, any address: the ceiling', () => {
  it('holds when every guess comes from a new address', () => {
    const th = createLoginThrottle({ now: clock().now });
    let allowed = 0;
    for (let i = 0; i < 200; i++) allowed += guess(th, 'admin@x', `198.51.100.${i}`, 1);
    expect(allowed).toBe(20);
    // The right password from yet another address waits too: the guesser may hold any address.
    expect(th.retryAfterMs('admin@x', '203.0.113.9')).toBeGreaterThan(0);
    // Other accounts are untouched.
    expect(th.retryAfterMs('editor@x', '203.0.113.9')).toBe(0);
  });

  it('stays above the per-address limit when that is raised', () => {
    const th = createLoginThrottle({ now: clock().now, maxPerAccountAndAddress: 15 });
    expect(guess(th, 'a@x', '10.0.0.1', 40)).toBe(15);
    expect(guess(th, 'a@x', '10.0.0.2', 40)).toBe(15);
  });
});

describe('address, any account: a spray', () => {
  it('past 50 failures the address gets three tries per account, and a user behind it still signs in', () => {
    const th = createLoginThrottle({ now: clock().now });
    for (let i = 0; i < 60; i++) expect(guess(th, `nobody-${i}@x`, '10.9.8.7', 1)).toBe(1);
    // Not locked out: an account with no failures from here may try (right password → in).
    expect(th.retryAfterMs('editor@x', '10.9.8.7')).toBe(0);
    // But a sprayer gets three guesses at anyone from here, not ten.
    expect(guess(th, 'viewer@x', '10.9.8.7', 20)).toBe(3);
    expect(guess(th, 'nobody-3@x', '10.9.8.7', 20)).toBe(2);
    // Below the spray limit, the same account had ten.
    expect(guess(th, 'viewer@x', '10.1.1.1', 20)).toBe(10);
  });
});

describe('memory bound', () => {
  it('a flood of distinct keys evicts the stalest counters, not the one under attack', () => {
    const c = clock();
    const log = createFailureLog({ windowMs: 15 * MIN, maxKeys: 100, now: c.now });
    for (let i = 0; i < 5; i++) log.fail('victim');
    for (let i = 0; i < 1000; i++) {
      log.fail(`spray-${i}`);
      if (i % 50 === 0) log.fail('victim');
    }
    expect(log.count('victim')).toBe(25);
    expect(log.count('spray-0')).toBe(0);
    expect(log.count('spray-999')).toBe(1);
  });
});

describe('addressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:1:2::dead:beef', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [null, 'unknown'],
  ])('%s → %s', (ip, key) => expect(addressKey(ip)).toBe(key));

  it('one host rotating through its /64 is one address', () => {
    const th = createLoginThrottle({ now: clock().now });
    let allowed = 0;
    for (let i = 1; i <= 30; i++) allowed += guess(th, 'a@x', `2001:db8:1:2::${i.toString(16)}`, 1);
    expect(allowed).toBe(10);
  });
});
