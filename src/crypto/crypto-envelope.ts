/**
 * AES-256-GCM primitives of the envelope scheme. Pure functions, no I/O.
 *
 * Wrapped data key:  mk<masterVersion>:<base64(iv 12 | ciphertext 32 | tag 16)>
 *   AAD = JSON ["atrium-data-key", workspaceId, dataKeyVersion, masterVersion], so a wrapped
 *   key copied to another workspace or version slot does not unwrap.
 * Value ciphertext:  atr1.<dataKeyVersion>.<b64url iv 12>.<b64url ciphertext | tag 16>
 *   AAD = JSON ["atr1", dataKeyVersion, callerAad]; the caller's context (e.g. `secret:<id>`)
 *   stops a ciphertext being swapped between rows, and the header is authenticated too.
 * Every decoder is strict (canonical base64 only), so any edit to a stored string fails.
 */
import crypto from 'node:crypto';
import { CryptoError } from './crypto-errors.js';
import type { MasterKeyring } from './crypto-master-keys.js';

export const DATA_KEY_BYTES = 32;
export const CIPHERTEXT_PREFIX = 'atr1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

const WRAPPED_RE = /^mk([1-9][0-9]{0,9}):([A-Za-z0-9+/]{80})$/;
const CIPHERTEXT_RE = /^atr1\.([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

export interface DataKeyContext {
  workspaceId: string;
  /** The data key's version within its workspace. */
  version: number;
}

export const generateDataKey = (): Buffer => crypto.randomBytes(DATA_KEY_BYTES);

function checkKey(key: Buffer, what: string): void {
  if (key.length !== DATA_KEY_BYTES) throw new RangeError(`${what} must be ${DATA_KEY_BYTES} bytes.`);
}

function checkVersion(version: number, what: string): void {
  if (!Number.isSafeInteger(version) || version < 1 || version > 2 ** 31 - 1) {
    throw new RangeError(`${what} must be a positive integer.`);
  }
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): { iv: Buffer; body: Buffer } {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv, body };
}

/** Returns undefined when authentication fails; callers raise their own typed error. */
function open(key: Buffer, iv: Buffer, body: Buffer, aad: Buffer): Buffer | undefined {
  if (body.length < TAG_BYTES) return undefined;
  try {
    const decipher = crypto.createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** Strict base64/base64url decode: undefined unless `text` is the canonical encoding. */
function decodeStrict(text: string, encoding: 'base64' | 'base64url'): Buffer | undefined {
  const buf = Buffer.from(text, encoding);
  return buf.toString(encoding) === text ? buf : undefined;
}

// ---------------------------------------------------------------------------------------------
// Data key wrapping

const wrapAad = (ctx: DataKeyContext, masterVersion: number): Buffer =>
  Buffer.from(JSON.stringify(['atrium-data-key', ctx.workspaceId, ctx.version, masterVersion]), 'utf8');

/** Wraps a data key with the keyring's active master key. */
export function wrapDataKey(keyring: MasterKeyring, dataKey: Buffer, ctx: DataKeyContext): string {
  checkKey(dataKey, 'A data key');
  checkVersion(ctx.version, 'A data key version');
  const master = keyring.active();
  const { iv, body } = seal(master.key, dataKey, wrapAad(ctx, master.version));
  return `mk${master.version}:${Buffer.concat([iv, body]).toString('base64')}`;
}

/** The master key version a wrapped data key needs. */
export function parseWrappedMasterVersion(wrapped: string): number {
  const m = WRAPPED_RE.exec(wrapped);
  if (!m) throw new CryptoError('decrypt_failed', 'The wrapped data key is malformed.');
  return Number(m[1]);
}

/**
 * Unwraps a data key. An unknown master version makes the keyring reload its source once
 * (see `MasterKeyring.require`) before failing with `unknown_key_version`.
 */
export function unwrapDataKey(keyring: MasterKeyring, wrapped: string, ctx: DataKeyContext): Buffer {
  const m = WRAPPED_RE.exec(wrapped);
  const raw = m ? decodeStrict(m[2]!, 'base64') : undefined;
  const details = { workspaceId: ctx.workspaceId, dataKeyVersion: ctx.version };
  if (!m || !raw) {
    throw new CryptoError(
      'decrypt_failed',
      `The wrapped data key of workspace ${ctx.workspaceId} version ${ctx.version} is malformed.`,
      details,
    );
  }
  const masterVersion = Number(m[1]);
  const master = keyring.require(masterVersion);
  const key = open(master.key, raw.subarray(0, IV_BYTES), raw.subarray(IV_BYTES), wrapAad(ctx, masterVersion));
  if (!key || key.length !== DATA_KEY_BYTES) {
    throw new CryptoError(
      'decrypt_failed',
      `The data key of workspace ${ctx.workspaceId} version ${ctx.version} does not unwrap with master key ` +
        `version ${masterVersion} (wrong master key, or the wrapped key was altered or moved).`,
      { ...details, masterVersion },
    );
  }
  return key;
}

// ---------------------------------------------------------------------------------------------
// Values

const valueAad = (dataKeyVersion: number, aad: string): Buffer =>
  Buffer.from(JSON.stringify([CIPHERTEXT_PREFIX, dataKeyVersion, aad]), 'utf8');

/** Encrypts a value under a data key; `aad` is the caller's context, e.g. `secret:<id>`. */
export function encrypt(dataKey: Buffer, dataKeyVersion: number, plaintext: string | Buffer, aad: string): string {
  checkKey(dataKey, 'A data key');
  checkVersion(dataKeyVersion, 'A data key version');
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const { iv, body } = seal(dataKey, bytes, valueAad(dataKeyVersion, aad));
  return `${CIPHERTEXT_PREFIX}.${dataKeyVersion}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** True if `value` has the shape of a ciphertext of this module (does not authenticate it). */
export const isCiphertext = (value: string): boolean => CIPHERTEXT_RE.test(value);

/** The data key version a ciphertext needs. */
export function parseCiphertextVersion(ciphertext: string): number {
  const m = CIPHERTEXT_RE.exec(ciphertext);
  if (!m) throw new CryptoError('decrypt_failed', 'The ciphertext is malformed.');
  return Number(m[1]);
}

/** Decrypts to bytes. Any mismatch (key, version, iv, body, tag, aad) is `decrypt_failed`. */
export function decrypt(dataKey: Buffer, ciphertext: string, aad: string): Buffer {
  checkKey(dataKey, 'A data key');
  const m = CIPHERTEXT_RE.exec(ciphertext);
  const iv = m ? decodeStrict(m[2]!, 'base64url') : undefined;
  const body = m ? decodeStrict(m[3]!, 'base64url') : undefined;
  if (!m || !iv || !body) throw new CryptoError('decrypt_failed', 'The ciphertext is malformed.');
  const version = Number(m[1]);
  const plain = open(dataKey, iv, body, valueAad(version, aad));
  if (!plain) {
    throw new CryptoError(
      'decrypt_failed',
      'The value could not be decrypted (wrong key or context, or the stored value was altered).',
      { dataKeyVersion: version },
    );
  }
  return plain;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decrypts to a UTF-8 string; a value that was not UTF-8 text is `decrypt_failed`. */
export function decryptString(dataKey: Buffer, ciphertext: string, aad: string): string {
  const bytes = decrypt(dataKey, ciphertext, aad);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CryptoError('decrypt_failed', 'The decrypted value is not UTF-8 text.');
  }
}
