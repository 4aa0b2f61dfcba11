/**
 * Test support for the crypto tests: catch the `CryptoError` a call must throw, so a test can
 * check its code and that its message holds no key text. Only imported by tests.
 */
import { expect } from 'vitest';
import { CryptoError } from './crypto-errors.js';

/** The CryptoError `fn` throws; fails the test if it throws something else or nothing. */
export function thrown(fn: () => unknown): CryptoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CryptoError);
    return e as CryptoError;
  }
  throw new Error('expected a CryptoError');
}

/** The CryptoError `p` rejects with; fails the test if it rejects with something else or resolves. */
export async function rejected(p: Promise<unknown>): Promise<CryptoError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CryptoError);
    return e as CryptoError;
  }
  throw new Error('expected a CryptoError');
}
