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
 * Why so strict: the key file is the only thing between a copied database and every secret in
 * it, so a group/world-readable file is refused rather than warned about, and errors name
 * versions and paths but never the key text.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { CryptoError } from './crypto-errors.js';

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_FILE_NAME = 'master.key';
/** How long a version that was still missing after a reload is not reloaded for again. */
const DEFAULT_MISS_RELOAD_INTERVAL_MS = 1000;
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

// ---------------------------------------------------------------------------------------------
// Key material parsing

const isVersion = (n: number): boolean => Number.isSafeInteger(n) && n >= 1 && n <= MAX_VERSION;

function parseVersion(text: string, label: string): number {
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

function checkSet(set: MasterKeySet, where: string): MasterKeySet {
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

// ---------------------------------------------------------------------------------------------
// The key file

export const masterKeyFilePath = (dataDir: string): string => path.join(dataDir, MASTER_KEY_FILE_NAME);

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

function checkPermissions(file: string, st: fs.Stats): void {
  if (!st.isFile()) {
    throw new CryptoError('bad_master_key', `Master key file ${file} is not a regular file.`, { path: file });
  }
  // POSIX permission bits do not describe access on Windows; rely on the ACLs there.
  if (process.platform === 'win32') return;
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new CryptoError(
      'key_file_permissions',
      `Master key file ${file} has permissions ${mode.toString(8).padStart(4, '0')}; it must be ` +
        `readable only by its owner. Fix it with: chmod 600 ${file}`,
      { path: file, mode: mode.toString(8).padStart(4, '0') },
    );
  }
}

function parseKeyFileJson(text: string, file: string): MasterKeySet {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input, which is key material: never pass it on.
    throw new CryptoError('bad_master_key', `Master key file ${file} is not valid JSON.`, { path: file });
  }
  const where = `Master key file ${file}`;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CryptoError('bad_master_key', `${where} must hold a JSON object { "active": n, "keys": {…} }.`);
  }
  const { active, keys } = doc as { active?: unknown; keys?: unknown };
  if (typeof active !== 'number' || !isVersion(active)) {
    throw new CryptoError('bad_master_key', `${where}: "active" must be a positive integer.`, { path: file });
  }
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
    throw new CryptoError('bad_master_key', `${where}: "keys" must be an object of version → base64 key.`, {
      path: file,
    });
  }
  const list: MasterKey[] = [];
  for (const [v, k] of Object.entries(keys as Record<string, unknown>)) {
    const version = parseVersion(v, where);
    if (typeof k !== 'string') {
      throw new CryptoError('bad_master_key', `${where}: key version ${version} must be a string.`, { path: file });
    }
    list.push({ version, key: decodeMasterKey(k, `${where} key version ${version}`) });
  }
  return checkSet({ active, keys: list }, where);
}

function serializeKeySet(set: MasterKeySet): string {
  const keys: Record<string, string> = {};
  for (const k of [...set.keys].sort((a, b) => a.version - b.version)) keys[String(k.version)] = k.key.toString('base64');
  return `${JSON.stringify({ active: set.active, keys }, null, 2)}\n`;
}

/** Reads and validates a key file, refusing it if group/other have any access. */
export function readKeyFile(file: string): MasterKeySet {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if (errno(e) === 'ENOENT') {
      throw new CryptoError('bad_master_key', `Master key file ${file} does not exist.`, { path: file });
    }
    throw new CryptoError('bad_master_key', `Master key file ${file} cannot be read (${errno(e) ?? 'error'}).`, {
      path: file,
    });
  }
  try {
    // fstat on the open descriptor: the permissions checked are those of the file read.
    checkPermissions(file, fs.fstatSync(fd));
    return parseKeyFileJson(fs.readFileSync(fd, 'utf8'), file);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not supported everywhere (e.g. Windows); the rename itself is still atomic.
  }
}

/** Writes `text` to a new 0600 temp file beside `file`, fsynced; returns the temp path. */
function writeTemp(file: string, text: string): string {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  return tmp;
}

/**
 * Creates a key file with one fresh key (version 1) if none exists. Returns true if this call
 * created it. Exclusive: the complete 0600 temp file is hard-linked into place, which fails if
 * the file already exists, so two processes starting together never overwrite each other and a
 * reader never sees a half-written file.
 */
export function createKeyFile(file: string): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const set: MasterKeySet = { active: 1, keys: [{ version: 1, key: crypto.randomBytes(MASTER_KEY_BYTES) }] };
  const text = serializeKeySet(set);
  const tmp = writeTemp(file, text);
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errno(e) ?? '')) throw e;
    // Filesystems without hard links: fall back to an exclusive create of the file itself.
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx', 0o600);
    } catch (e2) {
      if (errno(e2) === 'EEXIST') return false;
      throw e2;
    }
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  fsyncDir(path.dirname(file));
  return true;
}

/** Runs `fn` holding `<file>.lock`, so two rotations cannot each add "the next" version. */
function withKeyFileLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx', 0o600);
  } catch (e) {
    if (errno(e) === 'EEXIST') {
      throw new CryptoError(
        'key_file_busy',
        `Master key file ${file} is being changed by another process (lock ${lock}). ` +
          `If no other 'atrium keys' command is running, remove the lock file and retry.`,
        { path: file },
      );
    }
    throw e;
  }
  try {
    fs.writeFileSync(fd, `${process.pid}\n`);
    return fn();
  } finally {
    fs.closeSync(fd);
    fs.rmSync(lock, { force: true });
  }
}

function replaceKeyFile(file: string, set: MasterKeySet): void {
  const tmp = writeTemp(file, serializeKeySet(checkSet(set, `Master key file ${file}`)));
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(path.dirname(file));
}

/**
 * Adds a new random master key to the file and makes it active (atomic: temp 0600 + rename).
 * Data keys stay wrapped by the previous version until `CryptoService.rewrapAll` runs; both
 * versions decrypt meanwhile.
 */
export function rotateKeyFile(file: string): { active: number; previous: number } {
  return withKeyFileLock(file, () => {
    const current = readKeyFile(file);
    const version = Math.max(...current.keys.map((k) => k.version)) + 1;
    replaceKeyFile(file, {
      active: version,
      keys: [...current.keys, { version, key: crypto.randomBytes(MASTER_KEY_BYTES) }],
    });
    return { active: version, previous: current.active };
  });
}

/**
 * Drops an old master key version from the file. Only safe once `rewrapAll` reported no data
 * key still wrapped by it; the active version cannot be removed.
 */
export function removeKeyFileVersion(file: string, version: number): void {
  withKeyFileLock(file, () => {
    const current = readKeyFile(file);
    if (version === current.active) {
      throw new CryptoError('bad_master_key', `Master key version ${version} is active and cannot be removed.`, {
        version,
      });
    }
    if (!current.keys.some((k) => k.version === version)) {
      throw new CryptoError('unknown_key_version', `Master key version ${version} is not in ${file}.`, { version });
    }
    replaceKeyFile(file, { active: current.active, keys: current.keys.filter((k) => k.version !== version) });
  });
}

// ---------------------------------------------------------------------------------------------
// Sources and the keyring

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
