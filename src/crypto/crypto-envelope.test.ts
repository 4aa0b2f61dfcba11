import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decrypt,
  decryptString,
  encrypt,
  generateDataKey,
  isCiphertext,
  parseCiphertextVersion,
  parseWrappedMasterVersion,
  unwrapDataKey,
  wrapDataKey,
} from './crypto-envelope.js';
import { keyringFromKeys } from './crypto-master-keys.js';
import { thrown } from './crypto-test-support.js';

const ring = (version = 1, key = crypto.randomBytes(32)) => keyringFromKeys({ active: version, keys: [{ version, key }] });

/** Replaces the character at `i` with a different one from the same alphabet. */
function flipChar(s: string, i: number): string {
  const c = s[i]!;
  const alt = c === 'A' ? 'B' : 'A';
  return s.slice(0, i) + alt + s.slice(i + 1);
}

describe('value encryption', () => {
  const key = generateDataKey();

  it.each([
    ['a string', 'postgres://user:pa55@db/prod'],
    ['an empty string', ''],
    ['unicode', 'clé 🔑 — 鍵 — ключ\u0000end'],
    ['1 MB', 'x'.repeat(1024 * 1024)],
  ])('round-trips %s', (_, plain) => {
    const ct = encrypt(key, 3, plain, 'secret:s1');
    expect(ct.startsWith('atr1.3.')).toBe(true);
    expect(isCiphertext(ct)).toBe(true);
    expect(parseCiphertextVersion(ct)).toBe(3);
    expect(decryptString(key, ct, 'secret:s1')).toBe(plain);
    if (plain.length > 0 && plain.length < 100) expect(ct).not.toContain(plain);
  });

  it('round-trips bytes, including non-UTF-8', () => {
    const bytes = crypto.randomBytes(1000);
    expect(decrypt(key, encrypt(key, 1, bytes, 'a'), 'a').equals(bytes)).toBe(true);
    expect(thrown(() => decryptString(key, encrypt(key, 1, Buffer.from([0xff, 0xfe]), 'a'), 'a')).code).toBe(
      'decrypt_failed',
    );
  });

  it('uses a fresh IV each time', () => {
    expect(encrypt(key, 1, 'same', 'a')).not.toBe(encrypt(key, 1, 'same', 'a'));
  });

  it('fails with a different key', () => {
    const ct = encrypt(key, 1, 'v', 'a');
    expect(thrown(() => decrypt(generateDataKey(), ct, 'a')).code).toBe('decrypt_failed');
  });

  it('fails when the value is moved to another row (different aad)', () => {
    const ct = encrypt(key, 1, 'v', 'secret:s1');
    expect(thrown(() => decrypt(key, ct, 'secret:s2')).code).toBe('decrypt_failed');
    expect(thrown(() => decrypt(key, ct, '')).code).toBe('decrypt_failed');
  });

  describe('fails on any tampering', () => {
    const ct = encrypt(key, 1, 'the value', 'aad');
    const [prefix, version, iv, body] = ct.split('.') as [string, string, string, string];
    const cases: [string, string][] = [
      ['the version', [prefix, '2', iv, body].join('.')],
      ['the prefix', ['atr2', version, iv, body].join('.')],
      ['the iv', [prefix, version, flipChar(iv, 3), body].join('.')],
      ['the ciphertext', [prefix, version, iv, flipChar(body, 0)].join('.')],
      ['the tag (last char)', [prefix, version, iv, flipChar(body, body.length - 1)].join('.')],
      ['the tag (truncated)', [prefix, version, iv, body.slice(0, -4)].join('.')],
      ['a body with only a tag', [prefix, version, iv, body.slice(-22)].join('.')],
      ['an extra part', `${ct}.x`],
      ['padding added', `${ct}==`],
      ['standard base64 characters', [prefix, version, iv, body.replace(/-/g, '+').replace(/_/g, '/')].join('.')],
      ['an empty string', ''],
      ['plain text', 'the value'],
    ];
    it.each(cases)('%s', (_, bad) => {
      if (bad === ct) return; // e.g. no '-' in body: nothing to tamper with
      const err = thrown(() => decrypt(key, bad, 'aad'));
      expect(err.code).toBe('decrypt_failed');
      expect(err.message).not.toContain('the value');
    });
  });

  it('refuses a non-canonical encoding of the same bytes (unused trailing bits set)', () => {
    // 9 + 16 tag = 25 bytes: the last base64url character carries 2 data bits and 4 unused ones
    const ct = encrypt(key, 1, 'the value', 'aad');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = ct[ct.length - 1]!;
    const sameBytes = ct.slice(0, -1) + alphabet[alphabet.indexOf(last) | 1]!;
    expect(Buffer.from(sameBytes.split('.')[3]!, 'base64url').equals(Buffer.from(ct.split('.')[3]!, 'base64url'))).toBe(true);
    expect(thrown(() => decrypt(key, sameBytes, 'aad')).code).toBe('decrypt_failed');
  });

  it('parseCiphertextVersion refuses what is not a ciphertext', () => {
    expect(thrown(() => parseCiphertextVersion('atr1.0.x.y')).code).toBe('decrypt_failed');
    expect(isCiphertext('hello')).toBe(false);
  });
});

describe('data key wrapping', () => {
  const ctx = { workspaceId: 'ws_1', version: 1 };

  it('round-trips and names the master version', () => {
    const keyring = ring(4);
    const dk = generateDataKey();
    const wrapped = wrapDataKey(keyring, dk, ctx);
    expect(wrapped).toMatch(/^mk4:[A-Za-z0-9+/]{80}$/);
    expect(parseWrappedMasterVersion(wrapped)).toBe(4);
    expect(unwrapDataKey(keyring, wrapped, ctx).equals(dk)).toBe(true);
  });

  it('fails with the wrong master key (same version number)', () => {
    const wrapped = wrapDataKey(ring(1), generateDataKey(), ctx);
    const err = thrown(() => unwrapDataKey(ring(1), wrapped, ctx));
    expect(err.code).toBe('decrypt_failed');
    expect(err.details).toMatchObject({ workspaceId: 'ws_1', dataKeyVersion: 1, masterVersion: 1 });
  });

  it('fails with unknown_key_version when the master version is not in the keyring', () => {
    const wrapped = wrapDataKey(ring(2), generateDataKey(), ctx);
    expect(thrown(() => unwrapDataKey(ring(1), wrapped, ctx)).code).toBe('unknown_key_version');
  });

  it('cannot be moved to another workspace or data key version', () => {
    const keyring = ring();
    const wrapped = wrapDataKey(keyring, generateDataKey(), ctx);
    expect(thrown(() => unwrapDataKey(keyring, wrapped, { workspaceId: 'ws_2', version: 1 })).code).toBe(
      'decrypt_failed',
    );
    expect(thrown(() => unwrapDataKey(keyring, wrapped, { workspaceId: 'ws_1', version: 2 })).code).toBe(
      'decrypt_failed',
    );
  });

  it('fails on a relabelled master version', () => {
    const k = crypto.randomBytes(32);
    const both = keyringFromKeys({ active: 1, keys: [{ version: 1, key: k }, { version: 2, key: k }] });
    const wrapped = wrapDataKey(both, generateDataKey(), ctx);
    expect(thrown(() => unwrapDataKey(both, wrapped.replace(/^mk1:/, 'mk2:'), ctx)).code).toBe('decrypt_failed');
  });

  it.each([0, 10, 40, 79])('fails when character %i of the payload is altered', (i) => {
    const keyring = ring();
    const wrapped = wrapDataKey(keyring, generateDataKey(), ctx);
    const payload = wrapped.slice(4);
    expect(thrown(() => unwrapDataKey(keyring, `mk1:${flipChar(payload, i)}`, ctx)).code).toBe('decrypt_failed');
  });

  it('error messages carry neither master key nor data key bytes', () => {
    const mk = crypto.randomBytes(32);
    const dk = generateDataKey();
    const wrapped = wrapDataKey(ring(1, mk), dk, ctx);
    const errors = [
      thrown(() => unwrapDataKey(ring(1), wrapped, ctx)),
      thrown(() => unwrapDataKey(ring(1, mk), wrapped, { workspaceId: 'other', version: 1 })),
      thrown(() => unwrapDataKey(ring(1, mk), `${wrapped}x`, ctx)),
    ];
    for (const err of errors) {
      const text = `${err.message} ${JSON.stringify(err.details)}`;
      for (const buf of [mk, dk]) {
        for (const enc of ['base64', 'hex', 'base64url'] as const) {
          expect(text).not.toContain(buf.toString(enc).slice(0, 8));
        }
      }
      expect(text).not.toContain(wrapped.slice(4, 20));
    }
  });
});
