/**
 * Master keys: the root of the key hierarchy (master key → per-workspace data keys → values).
 *
 * Two sources, chosen once at start by `openMasterKeyring`:
 *   - `ATRIUM_MASTER_KEY`: one base64/hex 32-byte key (version 1), or `2:KEY,1:KEY` (first is
 *     active). Rotation means editing the variable and restarting nodes.
 *   - `<dataDir>/master.key`: JSON `{ "active": 2, "keys": { "1": "…", "2": "…" } }`, mode 0600,
 *     generated on first start. `rotateKeyFile` adds a version from another process (the CLI);
 *     running servers pick it up through `MasterKeyring.require`, which reloads the source once
 *     when it meets an unknown version.
 *
 * This module holds the sources and the keyring, and re-exports the rest so importers need
 * only it: key material and its checks are in `crypto-master-key-material.ts`, the key file
 * (strict permissions, exclusive create, locked rotation) in `crypto-master-key-file.ts`.
 */
import { inspect } from 'node:util';
import { CryptoError } from './crypto-errors.js';
import {
  createKeyFile,
  MASTER_KEY_FILE_NAME,
  masterKeyFilePath,
  readKeyFile,
  removeKeyFileVersion,
  rotateKeyFile,
} from './crypto-master-key-file.js';
import {
  checkSet,
  decodeMasterKey,
  generateMasterKey,
  MASTER_KEY_BYTES,
  parseMasterKeyEnv,
  type MasterKey,
  type MasterKeyOrigin,
  type MasterKeySet,
  type MasterKeySource,
} from './crypto-master-key-material.js';

// Importers use this module for everything about master keys; the material and the key file
// are split out by concern.
export type { MasterKey, MasterKeyOrigin, MasterKeySet, MasterKeySource };
export { decodeMasterKey, generateMasterKey, MASTER_KEY_BYTES, parseMasterKeyEnv };
export { createKeyFile, MASTER_KEY_FILE_NAME, masterKeyFilePath, readKeyFile, removeKeyFileVersion, rotateKeyFile };

/** How long a version that was still missing after a reload is not reloaded for again. */
const DEFAULT_MISS_RELOAD_INTERVAL_MS = 1000;

export function envKeySource(value: string, name = 'ATRIUM_MASTER_KEY'): MasterKeySource {
  // The environment of a running process does not change: parse once, reuse on reload.
  const set = parseMasterKeyEnv(value, name);
  return { origin: { kind: 'env' }, load: () => set };
}

export function keyFileSource(file: string, created = false): MasterKeySource {
  return { origin: { kind: 'file', path: file, created }, load: () => readKeyFile(file) };
}

export function staticKeySource(set: MasterKeySet): MasterKeySource {
  const checked = checkSet(set, 'Master key set');
  return { origin: { kind: 'static' }, load: () => checked };
}

export interface MasterKeyringOptions {
  /** After a reload did not find a version, do not reload again for it within this time. */
  missReloadIntervalMs?: number;
}

/**
 * Versioned master keys with one active version. Keys live in private fields and the object
 * prints as a summary, so logging a keyring (or a service holding one) cannot leak key bytes.
 */
export class MasterKeyring {
  readonly origin: MasterKeyOrigin;
  readonly #source: MasterKeySource;
  readonly #missReloadIntervalMs: number;
  #keys = new Map<number, MasterKey>();
  #active = 0;
  readonly #missedAt = new Map<number, number>();

  constructor(source: MasterKeySource, options: MasterKeyringOptions = {}) {
    this.#source = source;
    this.origin = source.origin;
    this.#missReloadIntervalMs = options.missReloadIntervalMs ?? DEFAULT_MISS_RELOAD_INTERVAL_MS;
    this.reload();
  }

  get activeVersion(): number {
    return this.#active;
  }

  active(): MasterKey {
    return this.#keys.get(this.#active)!;
  }

  get(version: number): MasterKey | undefined {
    return this.#keys.get(version);
  }

  versions(): number[] {
    return [...this.#keys.keys()].sort((a, b) => a - b);
  }

  /** Re-reads the source. All or nothing: on error the keyring keeps its current keys. */
  reload(): void {
    const set = checkSet(this.#source.load(), 'Master key set');
    this.#keys = new Map(set.keys.map((k) => [k.version, { version: k.version, key: Buffer.from(k.key) }]));
    this.#active = set.active;
  }

  /**
   * The key for `version`. If it is unknown, reloads the source once and looks again — this is
   * how a running server follows `atrium keys rotate` run by another process. A version still
   * missing after a reload is not reloaded for again within `missReloadIntervalMs`, so a bad
   * row cannot turn every request into a file read.
   */
  require(version: number): MasterKey {
    const known = this.#keys.get(version);
    if (known) return known;
    const now = Date.now();
    const last = this.#missedAt.get(version);
    if (last === undefined || now - last >= this.#missReloadIntervalMs) {
      this.#missedAt.set(version, now);
      this.reload();
      const found = this.#keys.get(version);
      if (found) {
        this.#missedAt.delete(version);
        return found;
      }
    }
    throw new CryptoError(
      'unknown_key_version',
      `Master key version ${version} is not available (known: ${this.versions().join(', ')}). ` +
        `Was ATRIUM_MASTER_KEY or the master key file replaced, or an old version removed too early?`,
      { masterVersion: version },
    );
  }

  toJSON(): Record<string, unknown> {
    return { origin: this.origin, activeVersion: this.#active, versions: this.versions() };
  }

  [inspect.custom](): string {
    return `MasterKeyring ${JSON.stringify(this.toJSON())}`;
  }
}

export const keyringFromEnv = (value: string, options?: MasterKeyringOptions): MasterKeyring =>
  new MasterKeyring(envKeySource(value), options);

/** A keyring over a key file; creates the file (one fresh key) if `create` and it is missing. */
export function keyringFromKeyFile(
  file: string,
  opts: MasterKeyringOptions & { create?: boolean } = {},
): MasterKeyring {
  const created = opts.create ? createKeyFile(file) : false;
  return new MasterKeyring(keyFileSource(file, created), opts);
}

export const keyringFromKeys = (set: MasterKeySet, options?: MasterKeyringOptions): MasterKeyring =>
  new MasterKeyring(staticKeySource(set), options);

/**
 * The start-up choice: `ATRIUM_MASTER_KEY` when set, else `<dataDir>/master.key`, generated on
 * first start. `keyring.origin` tells which (and whether the file was just created, which the
 * caller should treat as suspicious if the database already holds data keys).
 */
export function openMasterKeyring(opts: { masterKey?: string | undefined; dataDir: string }): MasterKeyring {
  if (opts.masterKey !== undefined && opts.masterKey.trim() !== '') return keyringFromEnv(opts.masterKey);
  return keyringFromKeyFile(masterKeyFilePath(opts.dataDir), { create: true });
}
