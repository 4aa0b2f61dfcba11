/**
 * Test support for the git provider tests: await a call that must fail with a GitProviderError,
 * keeping every error seen so a test can scan them all for leaked secrets. Only imported by tests.
 */
import { GitProviderError } from './git-providers-errors.js';

export interface FailureCollector {
  /** The GitProviderError `p` fails with; rethrows any other error, throws if it succeeds. */
  failure(p: Promise<unknown> | (() => unknown)): Promise<GitProviderError>;
  /** Every error `failure` has caught, in order. */
  readonly seen: unknown[];
}

export function collectFailures(): FailureCollector {
  const seen: unknown[] = [];
  return {
    seen,
    async failure(p) {
      try {
        await (typeof p === 'function' ? p() : p);
      } catch (e) {
        seen.push(e);
        if (e instanceof GitProviderError) return e;
        throw e;
      }
      throw new Error('expected a GitProviderError, the call succeeded');
    },
  };
}
