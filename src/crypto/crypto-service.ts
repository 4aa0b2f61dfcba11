/**
 * The crypto service: per-workspace data keys over a `DataKeyStore`, wrapped by the master
 * keyring. Callers only ever see ciphertext strings and plaintext; key handling stays here.
 *
 * Data key versions are immutable once written (only their wrapping changes), which is what
 * makes the in-memory cache of unwrapped keys safe across master rotation and other nodes.
 */
import { CryptoError } from './crypto-errors.js';
import {
  decrypt,
  decryptString,
  encrypt,
  generateDataKey,
  parseCiphertextVersion,
  parseWrappedMasterVersion,
  unwrapDataKey,
  wrapDataKey,
} from './crypto-envelope.js';
import type { MasterKeyring } from './crypto-master-keys.js';

/**
 * Persistence of wrapped data keys, one row per (workspaceId, version).
 * - `getWrapped(ws)` without a version returns the active version: the highest one.
 * - `insert` must fail when (workspaceId, version) already exists (a unique key): that is how
 *   two nodes creating or rotating the same workspace's key at once settle on one winner.
 * - `updateWrapped` replaces only the wrapping of an existing row (master rotation).
 */
export interface DataKeyStore {
  getWrapped(workspaceId: string, version?: number): Promise<{ version: number; wrapped: string } | undefined>;
  listAll(): Promise<{ workspaceId: string; version: number; wrapped: string }[]>;
  insert(workspaceId: string, version: number, wrapped: string): Promise<void>;
  updateWrapped(workspaceId: string, version: number, wrapped: string): Promise<void>;
}

export interface RewrapResult {
  activeMasterVersion: number;
  total: number;
  /** Re-wrapped by this run. */
  rewrapped: number;
  /** Already wrapped with the active master version (rewrapAll is idempotent and resumable). */
  alreadyCurrent: number;
  /** Rows that could not be unwrapped. Do not remove an old master version while this is non-empty. */
  failed: { workspaceId: string; version: number; masterVersion: number | undefined; code: string }[];
}

export interface CryptoService {
  /** Encrypts under the workspace's active data key, creating version 1 on first use. */
  encryptForWorkspace(workspaceId: string, plaintext: string | Buffer, aad: string): Promise<string>;
  /** Decrypts a UTF-8 value; the `aad` must be the one given at encryption. */
  decryptForWorkspace(workspaceId: string, ciphertext: string, aad: string): Promise<string>;
  decryptBytesForWorkspace(workspaceId: string, ciphertext: string, aad: string): Promise<Buffer>;
  /** Re-encrypts under the active data key if the value uses an older one; else returns it as is. */
  reencryptForWorkspace(workspaceId: string, ciphertext: string, aad: string): Promise<string>;
  /** Makes sure the workspace has a data key (creates version 1); returns the active version. */
  ensureDataKey(workspaceId: string): Promise<number>;
  /** Adds a new active data key version; older versions keep decrypting. Returns the new version. */
  rotateDataKey(workspaceId: string): Promise<number>;
  /** Re-wraps every data key with the keyring's active master version. Safe while serving. */
  rewrapAll(): Promise<RewrapResult>;
  /** Forgets cached (unwrapped) data keys; they are unwrapped again on next use. */
  clearCache(): void;
}

export function createCryptoService(deps: { keyring: MasterKeyring; dataKeys: DataKeyStore }): CryptoService {
  const { keyring, dataKeys } = deps;
  /** Unwrapped data keys by `${workspaceId}\0${version}`. Never logged, never returned. */
  const cache = new Map<string, Buffer>();
  /** In-flight ensureDataKey calls, so concurrent first writes in one process create one key. */
  const ensuring = new Map<string, Promise<number>>();
  const cacheKey = (ws: string, version: number): string => `${ws}\u0000${version}`;

  /** Binds the workspace into the AAD as well; the data key already differs per workspace. */
  const scopedAad = (ws: string, aad: string): string => JSON.stringify([ws, aad]);

  function unwrapAndCache(ws: string, version: number, wrapped: string): Buffer {
    const key = unwrapDataKey(keyring, wrapped, { workspaceId: ws, version });
    cache.set(cacheKey(ws, version), key);
    return key;
  }

  async function dataKey(ws: string, version: number): Promise<Buffer> {
    const cached = cache.get(cacheKey(ws, version));
    if (cached) return cached;
    const row = await dataKeys.getWrapped(ws, version);
    if (!row || row.version !== version) {
      throw new CryptoError(
        'unknown_key_version',
        `Workspace ${ws} has no data key version ${version}.`,
        { workspaceId: ws, dataKeyVersion: version },
      );
    }
    return unwrapAndCache(ws, version, row.wrapped);
  }

  /**
   * Creates data key `version` for `ws`. If another writer inserted that version first, that
   * key wins and is used instead of ours. New keys are wrapped with the freshest master key:
   * reloading first narrows the window in which a key gets wrapped with a version that a
   * concurrent `atrium keys rotate` is re-wrapping away from.
   */
  async function createVersion(ws: string, version: number): Promise<number> {
    const key = generateDataKey();
    keyring.reload();
    const wrapped = wrapDataKey(keyring, key, { workspaceId: ws, version });
    try {
      await dataKeys.insert(ws, version, wrapped);
    } catch (e) {
      key.fill(0);
      const winner = await dataKeys.getWrapped(ws, version);
      if (winner?.version !== version) throw e;
      unwrapAndCache(ws, version, winner.wrapped);
      return version;
    }
    cache.set(cacheKey(ws, version), key);
    return version;
  }

  async function ensureDataKey(ws: string): Promise<number> {
    const row = await dataKeys.getWrapped(ws);
    if (row) return row.version;
    const pending = ensuring.get(ws);
    if (pending) return pending;
    const p = createVersion(ws, 1).finally(() => ensuring.delete(ws));
    ensuring.set(ws, p);
    return p;
  }

  async function activeKey(ws: string): Promise<{ version: number; key: Buffer }> {
    // Read the active version each time (writes are rare) so a rotation on another node is
    // followed at once; the key material itself comes from the cache.
    let row = await dataKeys.getWrapped(ws);
    if (!row) {
      await ensureDataKey(ws);
      row = await dataKeys.getWrapped(ws);
      if (!row) throw new CryptoError('unknown_key_version', `Workspace ${ws} has no data key.`, { workspaceId: ws });
    }
    const cached = cache.get(cacheKey(ws, row.version));
    return { version: row.version, key: cached ?? unwrapAndCache(ws, row.version, row.wrapped) };
  }

  async function decryptBytes(ws: string, ciphertext: string, aad: string): Promise<Buffer> {
    const version = parseCiphertextVersion(ciphertext);
    return decrypt(await dataKey(ws, version), ciphertext, scopedAad(ws, aad));
  }

  return {
    async encryptForWorkspace(ws, plaintext, aad) {
      const { version, key } = await activeKey(ws);
      return encrypt(key, version, plaintext, scopedAad(ws, aad));
    },

    async decryptForWorkspace(ws, ciphertext, aad) {
      const version = parseCiphertextVersion(ciphertext);
      return decryptString(await dataKey(ws, version), ciphertext, scopedAad(ws, aad));
    },

    decryptBytesForWorkspace: decryptBytes,

    async reencryptForWorkspace(ws, ciphertext, aad) {
      const plain = await decryptBytes(ws, ciphertext, aad);
      const { version, key } = await activeKey(ws);
      if (parseCiphertextVersion(ciphertext) === version) return ciphertext;
      return encrypt(key, version, plain, scopedAad(ws, aad));
    },

    ensureDataKey,

    async rotateDataKey(ws) {
      const current = await dataKeys.getWrapped(ws);
      if (!current) return ensureDataKey(ws);
      const created = await createVersion(ws, current.version + 1);
      const now = await dataKeys.getWrapped(ws);
      return now?.version ?? created;
    },

    async rewrapAll() {
      const active = keyring.activeVersion;
      const rows = await dataKeys.listAll();
      const result: RewrapResult = {
        activeMasterVersion: active,
        total: rows.length,
        rewrapped: 0,
        alreadyCurrent: 0,
        failed: [],
      };
      for (const row of rows) {
        let masterVersion: number | undefined;
        try {
          masterVersion = parseWrappedMasterVersion(row.wrapped);
          if (masterVersion === active) {
            result.alreadyCurrent++;
            continue;
          }
          const ctx = { workspaceId: row.workspaceId, version: row.version };
          const key = unwrapDataKey(keyring, row.wrapped, ctx);
          await dataKeys.updateWrapped(row.workspaceId, row.version, wrapDataKey(keyring, key, ctx));
          result.rewrapped++;
        } catch (e) {
          if (!(e instanceof CryptoError)) throw e;
          result.failed.push({ workspaceId: row.workspaceId, version: row.version, masterVersion, code: e.code });
        }
      }
      return result;
    },

    clearCache() {
      // Not zeroed: an in-flight encrypt may still hold a reference, and encrypting under a
      // zeroed key would make that value unreadable.
      cache.clear();
    },
  };
}
