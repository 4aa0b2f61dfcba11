/**
 * The one error type of the crypto layer. `code` is stable so callers (and the HTTP error
 * mapper) can branch on it; messages are for a person and, by construction, never carry key
 * material or plaintext: every message is built from versions, ids and paths only.
 */
export type CryptoErrorCode =
  /** Authentication failed: wrong key, tampered or malformed ciphertext, wrong AAD/context. */
  | 'decrypt_failed'
  /** A ciphertext or wrapped key names a key version that is not available. */
  | 'unknown_key_version'
  /** Master key material is missing, malformed or of the wrong length. */
  | 'bad_master_key'
  /** The master key file is readable or writable by someone other than its owner. */
  | 'key_file_permissions'
  /** Another process holds the master key file's rotation lock. */
  | 'key_file_busy';

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;
  /** Non-secret context only: versions, workspace ids, paths. */
  readonly details: Record<string, unknown>;

  constructor(code: CryptoErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CryptoError';
    this.code = code;
    this.details = details;
  }
}

export const isCryptoError = (e: unknown, code?: CryptoErrorCode): e is CryptoError =>
  e instanceof CryptoError && (code === undefined || e.code === code);
