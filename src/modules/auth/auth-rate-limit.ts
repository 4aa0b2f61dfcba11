/**
 * Login throttling. Three counters of failed sign-ins in a sliding window (15 minutes):
 *
 *  - account + address (10): one address guessing one account. Past it, that address waits —
 *    even with the right password, or the limit would only cost the guesser a 429 per hit.
 *  - account, any address (20): the ceiling that holds when the guesser has many addresses (a
 *    botnet, an IPv6 block, a proxy that lets X-Forwarded-For through). Its price is that
 *    anyone can hold an account at its ceiling; it lifts itself when the window moves on, and
 *    it caps online guessing of one account at ~2,000 tries a day, whatever the sources.
 *  - address, any account (50): a password spray from one address. Past it, the address gets
 *    three tries per account per window instead of ten: a user behind the same NAT as a sprayer
 *    still signs in (a typo and a retry are ordinary 401s), while the sprayer's list of likely
 *    passwords is cut to three per account.
 *
 * Why not refuse the address outright (the old rule): 50 failures from a shared address — an
 * office NAT, a proxy — then locked every account out from it. Why not count only failures on
 * accounts that exist: the throttle would then answer differently for existing and unknown
 * emails, an oracle for which accounts exist. Every key here is what the caller typed, and
 * every answer is the same for an existing and an unknown account.
 *
 * IPv6 addresses count by their /64 (one host usually holds a whole /64); IPv4-mapped IPv6 as
 * IPv4. In memory, per node: with several nodes the effective limits are per node (README).
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface LoginThrottleOptions {
  windowMs?: number;
  maxPerAccountAndAddress?: number;
  maxPerAccount?: number;
  maxPerAddress?: number;
  /** After maxPerAddress: failures allowed per account from that address. */
  maxPerAccountFromSprayingAddress?: number;
  /** Upper bound of keys kept; the least recently failed go first. */
  maxKeys?: number;
  now?: () => number;
}

/** Sliding-window failure counts per key, bounded in memory. */
export function createFailureLog(opts: { windowMs: number; maxKeys: number; now: () => number }) {
  const failures = new Map<string, number[]>();

  function recent(key: string): number[] {
    const cutoff = opts.now() - opts.windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  }

  return {
    count: (key: string): number => recent(key).length,
    /** Milliseconds until fewer than `max` failures of `key` are in the window (0: allowed now). */
    retryAfterMs(key: string, max: number): number {
      const list = recent(key);
      if (list.length < max) return 0;
      return Math.max(1, list[list.length - max]! + opts.windowMs - opts.now());
    },
    fail(key: string): void {
      const list = recent(key);
      list.push(opts.now());
      // Re-insert so the Map's order is least-recently-failed first.
      failures.delete(key);
      failures.set(key, list);
      // A spray of distinct keys evicts the stalest counters, never all of them at once (which
      // would reset the throttle of the account under attack).
      for (const k of failures.keys()) {
        if (failures.size <= opts.maxKeys) break;
        failures.delete(k);
      }
    },
    forget(key: string): void {
      failures.delete(key);
    },
  };
}

/** The address a limit is keyed by: IPv4 as is, IPv6 by its /64. */
export function addressKey(ip: string | null | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  // Only the first four groups matter, so an embedded IPv4 tail needs no expanding.
  const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function createLoginThrottle(o: LoginThrottleOptions = {}) {
  const now = o.now ?? Date.now;
  const windowMs = o.windowMs ?? 15 * 60_000;
  const perPair = o.maxPerAccountAndAddress ?? 10;
  // The ceiling stays above what one address may try, so it only bites on several addresses.
  const perAccount = o.maxPerAccount ?? Math.max(20, 2 * perPair);
  const perAddress = o.maxPerAddress ?? 50;
  const perPairWhenSpraying = Math.min(perPair, o.maxPerAccountFromSprayingAddress ?? 3);
  const log = createFailureLog({ windowMs, maxKeys: o.maxKeys ?? 100_000, now });

  const keys = (email: string, ip: string | null | undefined) => {
    const account = email.trim().toLowerCase();
    const address = addressKey(ip);
    return { pair: `p|${account}|${address}`, account: `a|${account}`, address: `i|${address}` };
  };

  return {
    /** Milliseconds this sign-in must wait, or 0 when it may be tried. */
    retryAfterMs(email: string, ip: string | null | undefined): number {
      const k = keys(email, ip);
      const spraying = log.count(k.address) >= perAddress;
      return Math.max(log.retryAfterMs(k.pair, spraying ? perPairWhenSpraying : perPair), log.retryAfterMs(k.account, perAccount));
    },
    fail(email: string, ip: string | null | undefined): void {
      const k = keys(email, ip);
      log.fail(k.pair);
      log.fail(k.account);
      log.fail(k.address);
    },
    /**
     * The right password from this address: its own typos are forgiven. The account-wide
     * count stays (those failures may be someone else's) and so does the address's.
     */
    succeed(email: string, ip: string | null | undefined): void {
      log.forget(keys(email, ip).pair);
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
