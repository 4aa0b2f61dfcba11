/**
 * Login throttling: failed attempts are counted per account and per client address in a
 * sliding window; past the limit, logins are refused with 429 and a Retry-After.
 * In memory, per node: with several nodes the effective limit is per node (noted in README).
 */
export interface RateLimiterOptions {
  windowMs: number;
  maxPerKey: number;
  now?: () => number;
}

export function createFailureLimiter(opts: RateLimiterOptions) {
  const now = opts.now ?? Date.now;
  const failures = new Map<string, number[]>();

  function recent(key: string): number[] {
    const cutoff = now() - opts.windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  }

  return {
    /** Milliseconds to wait before another try, or 0 if allowed. */
    retryAfterMs(keys: string[]): number {
      let wait = 0;
      for (const k of keys) {
        const list = recent(k);
        if (list.length >= opts.maxPerKey) wait = Math.max(wait, list[0]! + opts.windowMs - now());
      }
      return wait;
    },
    fail(keys: string[]): void {
      for (const k of keys) {
        const list = recent(k);
        list.push(now());
        failures.set(k, list);
      }
      // Bound memory under a spray of distinct keys.
      if (failures.size > 100_000) failures.clear();
    },
    succeed(keys: string[]): void {
      for (const k of keys) failures.delete(k);
    },
  };
}
export type FailureLimiter = ReturnType<typeof createFailureLimiter>;
