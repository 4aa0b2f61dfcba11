/**
 * Master key material: the key set types, decoding one key from base64/hex, parsing
 * `ATRIUM_MASTER_KEY`, and the checks every key set passes wherever it came from (environment,
 * key file, tests). No I/O here; the key file lives in `crypto-master-key-file.ts` and the
 * keyring that serves keys at run time in `crypto-master-keys.ts`.
 *
 * Errors name versions and where a key came from, never the key text.
 */
import crypto from 'node:crypto';
import { CryptoError } from './crypto-errors.js';

export const MASTER_KEY_BYTES = 32;
const MAX_VERSION = 2 ** 31 - 1;

export interface MasterKey {
  readonly version: number;
  readonly key: Buffer;
}

export interface MasterKeySet {
  readonly active: number;
  readonly keys: readonly MasterKey[];
}

export type MasterKeyOrigin =
  | { kind: 'env' }
  | { kind: 'file'; path: string; created: boolean }
  | { kind: 'static' };

/** Where a keyring's keys come from; `load` is called at construction and on every reload. */
export interface MasterKeySource {
  readonly origin: MasterKeyOrigin;
  load(): MasterKeySet;
}

export const isVersion = (n: number): boolean => Number.isSafeInteger(n) && n >= 1 && n <= MAX_VERSION;

export function parseVersion(text: string, label: string): number {
  const n = /^[0-9]{1,10}$/.test(text) ? Number(text) : NaN;
  if (!isVersion(n)) {
    throw new CryptoError('bad_master_key', `${label}: key version must be a positive integer.`);
  }
  return n;
}

/**
 * Decodes 32 bytes of key material from hex (64 digits) or base64 (standard or url-safe,
 * padding optional). Non-canonical base64 is refused so a typo is an error, not a different key.
 * `label` says where the key came from; the key text itself never reaches the message.
 */
export function decodeMasterKey(text: string, label: string): Buffer {
  const t = text.trim();
  let buf: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) {
    buf = Buffer.from(t, 'hex');
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) {
    const normalized = t.replace(/-/g, '+').replace(/_/g, '/');
    const decoded = Buffer.from(normalized, 'base64');
    if (decoded.toString('base64').replace(/=+$/, '') === normalized.replace(/=+$/, '')) buf = decoded;
  }
  if (!buf) {
    throw new CryptoError('bad_master_key', `${label} is not valid base64 or hex.`);
  }
  if (buf.length !== MASTER_KEY_BYTES) {
    throw new CryptoError(
      'bad_master_key',
      `${label} must decode to ${MASTER_KEY_BYTES} bytes but decodes to ${buf.length}. ` +
        `Generate one with: openssl rand -base64 32`,
    );
  }
  return buf;
}

/** Validates a key set (versions, key lengths, an active version that has a key); returns it. */
export function checkSet(set: MasterKeySet, where: string): MasterKeySet {
  if (set.keys.length === 0) throw new CryptoError('bad_master_key', `${where} holds no master keys.`);
  const seen = new Set<number>();
  for (const k of set.keys) {
    if (!isVersion(k.version)) {
      throw new CryptoError('bad_master_key', `${where}: key version must be a positive integer.`);
    }
    if (seen.has(k.version)) {
      throw new CryptoError('bad_master_key', `${where}: key version ${k.version} appears twice.`, {
        version: k.version,
      });
    }
    if (k.key.length !== MASTER_KEY_BYTES) {
      throw new CryptoError('bad_master_key', `${where}: key version ${k.version} is not ${MASTER_KEY_BYTES} bytes.`, {
        version: k.version,
      });
    }
    seen.add(k.version);
  }
  if (!seen.has(set.active)) {
    throw new CryptoError('bad_master_key', `${where}: the active version ${set.active} has no key.`, {
      version: set.active,
    });
  }
  return set;
}

/**
 * Parses an `ATRIUM_MASTER_KEY` value: a single key (version 1) or `2:KEY,1:KEY` where the
 * first entry is the active version.
 */
export function parseMasterKeyEnv(value: string, name = 'ATRIUM_MASTER_KEY'): MasterKeySet {
  const v = value.trim();
  if (v === '') throw new CryptoError('bad_master_key', `${name} is empty.`);
  if (!v.includes(',') && !/^[0-9]+:/.test(v)) {
    return checkSet({ active: 1, keys: [{ version: 1, key: decodeMasterKey(v, name) }] }, name);
  }
  const keys: MasterKey[] = [];
  const entries = v.split(',');
  entries.forEach((raw, i) => {
    const label = `${name} entry ${i + 1}`;
    const m = /^\s*([^:\s]*)\s*:(.*)$/.exec(raw);
    if (!m) {
      throw new CryptoError('bad_master_key', `${label} must look like <version>:<base64 key>.`);
    }
    const version = parseVersion(m[1] ?? '', label);
    keys.push({ version, key: decodeMasterKey(m[2] ?? '', `${label} (version ${version})`) });
  });
  return checkSet({ active: keys[0]!.version, keys }, name);
}

/** A fresh random master key, base64, e.g. for `atrium keys generate`. */
export function generateMasterKey(): string {
  return crypto.randomBytes(MASTER_KEY_BYTES).toString('base64');
}
