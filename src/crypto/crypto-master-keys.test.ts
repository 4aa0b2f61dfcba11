import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CryptoError } from './crypto-errors.js';
import {
  createKeyFile,
  decodeMasterKey,
  keyringFromEnv,
  keyringFromKeyFile,
  keyringFromKeys,
  masterKeyFilePath,
  openMasterKeyring,
  parseMasterKeyEnv,
  readKeyFile,
  removeKeyFileVersion,
  rotateKeyFile,
} from './crypto-master-keys.js';
import { thrown } from './crypto-test-support.js';

const b64 = (buf: Buffer): string => buf.toString('base64');
const key = (): Buffer => crypto.randomBytes(32);
const posix = process.platform !== 'win32';

/** No 6-character run of the secret text, in any of its encodings, appears in the error. */
function expectNoKeyIn(err: CryptoError, ...secrets: string[]): void {
  const text = `${err.message} ${JSON.stringify(err.details)} ${err.stack ?? ''}`;
  for (const s of secrets) {
    for (let i = 0; i + 6 <= s.length; i++) expect(text).not.toContain(s.slice(i, i + 6));
  }
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-keys-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('parseMasterKeyEnv', () => {
  it('reads one base64 key as version 1', () => {
    const k = key();
    const set = parseMasterKeyEnv(b64(k));
    expect(set.active).toBe(1);
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]!.key.equals(k)).toBe(true);
  });

  it.each([
    ['hex', (k: Buffer) => k.toString('hex')],
    ['upper hex', (k: Buffer) => k.toString('hex').toUpperCase()],
    ['base64url', (k: Buffer) => k.toString('base64url')],
    ['base64 without padding', (k: Buffer) => b64(k).replace(/=+$/, '')],
    ['surrounding whitespace', (k: Buffer) => `  ${b64(k)}\n`],
  ])('reads a key given as %s', (_, enc) => {
    const k = key();
    expect(parseMasterKeyEnv(enc(k)).keys[0]!.key.equals(k)).toBe(true);
  });

  it('reads a versioned list; the first entry is active', () => {
    const [k1, k2] = [key(), key()];
    const set = parseMasterKeyEnv(`2:${b64(k2)}, 1:${b64(k1)}`);
    expect(set.active).toBe(2);
    const ring = keyringFromEnv(`2:${b64(k2)},1:${b64(k1)}`);
    expect(ring.activeVersion).toBe(2);
    expect(ring.versions()).toEqual([1, 2]);
    expect(ring.get(1)!.key.equals(k1)).toBe(true);
    expect(ring.active().key.equals(k2)).toBe(true);
  });

  it.each([
    ['empty', () => ''],
    ['too short', () => b64(crypto.randomBytes(31))],
    ['too long', () => b64(crypto.randomBytes(33))],
    ['hex of 31 bytes', () => crypto.randomBytes(31).toString('hex')],
    ['not base64', () => `${b64(key()).slice(0, 40)}!!!!`],
    ['non-canonical base64 (stray trailing bits)', () => `${b64(key()).slice(0, 42)}B=`],
    ['a bad list entry', () => `2:${b64(key())},${b64(key())}`],
    ['a bad version', () => `0:${b64(key())}`],
    ['a non-numeric version', () => `x:${b64(key())},1:${b64(key())}`],
    ['a duplicate version', () => `1:${b64(key())},1:${b64(key())}`],
    ['an empty entry', () => `2:${b64(key())},,1:${b64(key())}`],
  ])('refuses %s with bad_master_key and no key text in the message', (_, make) => {
    const value = make();
    const err = thrown(() => parseMasterKeyEnv(value));
    expect(err.code).toBe('bad_master_key');
    expect(err.message).toMatch(/ATRIUM_MASTER_KEY/);
    // Only the key text: separators and version digits are not secret.
    expectNoKeyIn(err, ...value.split(/[,:]/).filter((s) => s.length >= 6));
  });

  it('a 31-byte key says what length it got and how to make a good one', () => {
    const err = thrown(() => decodeMasterKey(b64(crypto.randomBytes(31)), 'ATRIUM_MASTER_KEY'));
    expect(err.message).toContain('32 bytes');
    expect(err.message).toContain('decodes to 31');
    expect(err.message).toContain('openssl rand -base64 32');
  });
});

describe('key file', () => {
  it('is generated on first start with mode 0600 and reused afterwards', () => {
    const ring = openMasterKeyring({ dataDir: dir });
    const file = masterKeyFilePath(dir);
    expect(ring.origin).toEqual({ kind: 'file', path: file, created: true });
    if (posix) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { active: number; keys: Record<string, string> };
    expect(doc.active).toBe(1);
    expect(Buffer.from(doc.keys['1']!, 'base64')).toHaveLength(32);

    const again = openMasterKeyring({ dataDir: dir });
    expect(again.origin).toEqual({ kind: 'file', path: file, created: false });
    expect(again.active().key.equals(ring.active().key)).toBe(true);
    // no temp files left behind
    expect(fs.readdirSync(dir)).toEqual(['master.key']);
  });

  it('creation is exclusive: a second create does not overwrite', () => {
    const file = path.join(dir, 'master.key');
    expect(createKeyFile(file)).toBe(true);
    const before = fs.readFileSync(file, 'utf8');
    expect(createKeyFile(file)).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('creates the data directory if missing', () => {
    const nested = path.join(dir, 'a', 'b');
    openMasterKeyring({ dataDir: nested });
    expect(fs.existsSync(path.join(nested, 'master.key'))).toBe(true);
  });

  it('ATRIUM_MASTER_KEY wins over the key file and creates no file', () => {
    const ring = openMasterKeyring({ dataDir: dir, masterKey: b64(key()) });
    expect(ring.origin).toEqual({ kind: 'env' });
    expect(fs.existsSync(masterKeyFilePath(dir))).toBe(false);
  });

  it.runIf(posix).each([0o644, 0o640, 0o604, 0o660, 0o620, 0o666])('refuses a key file with mode %o', (mode) => {
    const file = path.join(dir, 'master.key');
    createKeyFile(file);
    fs.chmodSync(file, mode);
    const err = thrown(() => keyringFromKeyFile(file));
    expect(err.code).toBe('key_file_permissions');
    expect(err.message).toContain(`chmod 600 ${file}`);
    expect(err.message).toContain(mode.toString(8));
    fs.chmodSync(file, 0o600);
    expect(() => keyringFromKeyFile(file)).not.toThrow();
    fs.chmodSync(file, 0o400);
    expect(() => keyringFromKeyFile(file)).not.toThrow();
  });

  it('a missing key file is an error when not asked to create it', () => {
    const err = thrown(() => keyringFromKeyFile(path.join(dir, 'nope.key')));
    expect(err.code).toBe('bad_master_key');
    expect(err.message).toContain('does not exist');
  });

  it.each([
    ['not JSON', (k: string) => `{"keys":{"1":${k}},"active":1}`],
    ['a short key', () => JSON.stringify({ active: 1, keys: { '1': b64(crypto.randomBytes(16)) } })],
    ['bad base64', (k: string) => JSON.stringify({ active: 1, keys: { '1': `${k.slice(0, 30)}***` } })],
    ['an active version without a key', (k: string) => JSON.stringify({ active: 2, keys: { '1': k } })],
    ['a bad version', (k: string) => JSON.stringify({ active: 1, keys: { '1': k, one: k } })],
    ['no keys', () => JSON.stringify({ active: 1, keys: {} })],
    ['an array', (k: string) => JSON.stringify([k])],
  ])('refuses a key file with %s, without quoting it', (_, make) => {
    const k = b64(key());
    const text = make(k);
    const file = path.join(dir, 'master.key');
    fs.writeFileSync(file, text, { mode: 0o600 });
    const err = thrown(() => readKeyFile(file));
    expect(err.code).toBe('bad_master_key');
    expect(err.message).toContain(file);
    expectNoKeyIn(err, k, ...(text.match(/[A-Za-z0-9+/=*]{16,}/g) ?? []));
  });

  it('rotateKeyFile adds an active version atomically and keeps the old ones', () => {
    const file = masterKeyFilePath(dir);
    const ring = openMasterKeyring({ dataDir: dir });
    const v1 = Buffer.from(ring.active().key);
    expect(rotateKeyFile(file)).toEqual({ active: 2, previous: 1 });
    if (posix) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['master.key']);
    const set = readKeyFile(file);
    expect(set.active).toBe(2);
    expect(set.keys.find((k) => k.version === 1)!.key.equals(v1)).toBe(true);
    expect(rotateKeyFile(file)).toEqual({ active: 3, previous: 2 });

    // the running keyring is unchanged until it reloads
    expect(ring.activeVersion).toBe(1);
    ring.reload();
    expect(ring.activeVersion).toBe(3);
    expect(ring.versions()).toEqual([1, 2, 3]);
  });

  it('rotation refuses to run while another holds the lock', () => {
    const file = masterKeyFilePath(dir);
    createKeyFile(file);
    fs.writeFileSync(`${file}.lock`, '123\n');
    expect(thrown(() => rotateKeyFile(file)).code).toBe('key_file_busy');
    fs.rmSync(`${file}.lock`);
    expect(rotateKeyFile(file).active).toBe(2);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('removeKeyFileVersion drops an old version but never the active one', () => {
    const file = masterKeyFilePath(dir);
    createKeyFile(file);
    rotateKeyFile(file);
    expect(thrown(() => removeKeyFileVersion(file, 2)).code).toBe('bad_master_key');
    expect(thrown(() => removeKeyFileVersion(file, 7)).code).toBe('unknown_key_version');
    removeKeyFileVersion(file, 1);
    expect(readKeyFile(file).keys.map((k) => k.version)).toEqual([2]);
  });
});

describe('MasterKeyring', () => {
  it('require() reloads once to find a version another process added', () => {
    const file = masterKeyFilePath(dir);
    const ring = openMasterKeyring({ dataDir: dir });
    rotateKeyFile(file);
    expect(ring.get(2)).toBeUndefined();
    expect(ring.require(2).version).toBe(2);
    expect(ring.activeVersion).toBe(2);
  });

  it('require() of a version that stays missing fails, and does not re-read the file for a while', () => {
    const file = masterKeyFilePath(dir);
    const ring = keyringFromKeyFile(file, { create: true, missReloadIntervalMs: 60_000 });
    const err = thrown(() => ring.require(5));
    expect(err.code).toBe('unknown_key_version');
    expect(err.details).toEqual({ masterVersion: 5 });
    // a broken file would make a reload throw bad_master_key; a throttled miss does not read it
    fs.writeFileSync(file, 'garbage');
    expect(thrown(() => ring.require(5)).code).toBe('unknown_key_version');
    expect(thrown(() => ring.require(6)).code).toBe('bad_master_key');
  });

  it('a failed reload keeps the keys it had', () => {
    const file = masterKeyFilePath(dir);
    const ring = openMasterKeyring({ dataDir: dir });
    const k = Buffer.from(ring.active().key);
    if (posix) {
      fs.chmodSync(file, 0o644);
      expect(thrown(() => ring.reload()).code).toBe('key_file_permissions');
    } else {
      fs.writeFileSync(file, '{}');
      expect(thrown(() => ring.reload()).code).toBe('bad_master_key');
    }
    expect(ring.active().key.equals(k)).toBe(true);
  });

  it('prints and serializes without key bytes', () => {
    const k = key();
    const ring = keyringFromKeys({ active: 1, keys: [{ version: 1, key: k }] });
    for (const text of [inspect(ring, { depth: 10, showHidden: true }), JSON.stringify(ring), String(ring)]) {
      expect(text).not.toContain(k.toString('base64').slice(0, 8));
      expect(text).not.toContain(k.toString('hex').slice(0, 8));
    }
    expect(JSON.parse(JSON.stringify(ring))).toEqual({ origin: { kind: 'static' }, activeVersion: 1, versions: [1] });
  });

  it('copies key material, so later changes to the source buffer do not change the keyring', () => {
    const k = key();
    const ring = keyringFromKeys({ active: 1, keys: [{ version: 1, key: k }] });
    const copy = Buffer.from(k);
    k.fill(0);
    expect(ring.active().key.equals(copy)).toBe(true);
  });
});
