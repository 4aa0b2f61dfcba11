/**
 * The master key file, `<dataDir>/master.key`: JSON `{ "active": 2, "keys": { "1": "…" } }`,
 * mode 0600. Created exclusively on first start, rotated under a lock file, and always replaced
 * atomically (0600 temp file, fsync, rename), so a reader never sees a half-written file.
 *
 * Why so strict: the key file is the only thing between a copied database and every secret in
 * it, so a group/world-readable file is refused rather than warned about, and errors name
 * versions and paths but never the key text.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CryptoError } from './crypto-errors.js';
import {
  checkSet,
  decodeMasterKey,
  isVersion,
  MASTER_KEY_BYTES,
  parseVersion,
  type MasterKey,
  type MasterKeySet,
} from './crypto-master-key-material.js';

export const MASTER_KEY_FILE_NAME = 'master.key';

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
