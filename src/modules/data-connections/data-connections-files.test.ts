/**
 * Which file a SQLite/DuckDB connection may use (issue 9, point 1), as a table: every spelling a
 * hostile member or a careless admin could try, and what the one check answers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { createConnectionFiles } from './data-connections-files.js';

let root: string;
let dataDir: string;
let filesDir: string;
let files: ReturnType<typeof createConnectionFiles>;
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-conn-files-'));
  dataDir = path.join(root, 'data');
  filesDir = path.join(dataDir, 'files');
  fs.mkdirSync(filesDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'atrium.db'), SQLITE_HEADER);
  fs.writeFileSync(path.join(dataDir, 'master.key'), 'k');
  fs.writeFileSync(path.join(filesDir, 'shared.db'), SQLITE_HEADER);
  fs.mkdirSync(path.join(filesDir, 'sub'));
  fs.symlinkSync(path.join(filesDir, 'shared.db'), path.join(filesDir, 'link.db'));
  fs.symlinkSync(path.join(dataDir, 'atrium.db'), path.join(filesDir, 'store-link.db'));
  files = createConnectionFiles({ filesDir, protectedDir: dataDir, maxUploadBytes: 4096 });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
};

describe('checkConfig', () => {
  it('gives every scope its own file when there is no path, and DuckDB :memory:', () => {
    expect(files.checkConfig('sqlite', {}, 'project')).toEqual({});
    expect(files.checkConfig('sqlite', { path: null }, 'project')).toEqual({});
    expect(files.checkConfig('duckdb', { path: ':memory:' }, 'project')).toEqual({ path: ':memory:' });
    expect(files.checkConfig('duckdb', {}, 'workspace')).toEqual({});
  });

  const cases: [string, () => string, 'workspace' | 'project', string][] = [
    ['a project naming a plain shared file', () => path.join(filesDir, 'shared.db'), 'project', 'file_not_allowed'],
    ['a project naming /etc/passwd', () => '/etc/passwd', 'project', 'file_not_allowed'],
    ['a project naming :memory: for SQLite', () => ':memory:', 'project', 'file_not_allowed'],
    ['an admin naming a plain shared file', () => path.join(filesDir, 'shared.db'), 'workspace', 'ok'],
    ['an admin naming the store', () => path.join(dataDir, 'atrium.db'), 'workspace', 'file_not_allowed'],
    ['an admin naming the master key', () => path.join(dataDir, 'master.key'), 'workspace', 'file_not_allowed'],
    ['an admin naming the store through ..', () => `${filesDir}/../atrium.db`, 'workspace', 'validation_failed'],
    ['an admin naming a file through /./', () => `${filesDir}/./shared.db`, 'workspace', 'validation_failed'],
    ['an admin naming a file through //', () => `${filesDir}//shared.db`, 'workspace', 'validation_failed'],
    ['an admin naming a symlink to a shared file', () => path.join(filesDir, 'link.db'), 'workspace', 'file_not_allowed'],
    ['an admin naming a symlink to the store', () => path.join(filesDir, 'store-link.db'), 'workspace', 'file_not_allowed'],
    ['an admin naming a directory', () => path.join(filesDir, 'sub'), 'workspace', 'validation_failed'],
    ['an admin naming a missing file', () => path.join(filesDir, 'missing.db'), 'workspace', 'validation_failed'],
    ['an admin naming another connection’s own file', () => path.join(filesDir, 'connections', 'ast_other', 'database.sqlite'), 'workspace', 'file_not_allowed'],
    ['an admin naming the own-files root', () => path.join(filesDir, 'connections'), 'workspace', 'file_not_allowed'],
  ];
  it.each(cases)('%s → %s', async (_name, p, scope, expected) => {
    await files.ensureOwnFile('ast_other', 'sqlite');
    expect(codeOf(() => files.checkConfig('sqlite', { path: p() }, scope))).toBe(expected);
  });
});

describe('own files', () => {
  it('creates an empty database in a 0755 directory of its own, and removes it', async () => {
    const file = await files.ensureOwnFile('ast_own1', 'duckdb');
    expect(file).toBe(path.join(filesDir, 'connections', 'ast_own1', 'database.duckdb'));
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(file).subarray(8, 12).toString('latin1')).toBe('DUCK');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['database.duckdb']);
    files.removeOwn('ast_own1');
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it('refuses an id that is not an id', () => {
    expect(codeOf(() => files.ownDir('../x'))).toBe('validation_failed');
  });

  it('takes an upload only with the engine’s header and within the size limit', async () => {
    const up = (b: Buffer, declared: number | null = b.length) => files.receiveUpload('ast_up', 'sqlite', Readable.from([b]), declared);
    await expect(up(Buffer.from('id,name\n1,a\n'))).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(up(Buffer.alloc(5000))).rejects.toMatchObject({ code: 'payload_too_large' });
    await expect(up(Buffer.concat([SQLITE_HEADER, Buffer.alloc(5000)]), null)).rejects.toMatchObject({ code: 'payload_too_large' });
    const dir = files.ownDir('ast_up');
    expect(fs.readdirSync(dir)).toEqual(['database.sqlite']);
    fs.writeFileSync(path.join(dir, 'database.sqlite-wal'), 'stale');
    const ok = await up(Buffer.concat([SQLITE_HEADER, Buffer.alloc(100)]));
    ok.commit();
    expect(fs.readdirSync(dir)).toEqual(['database.sqlite']);
    expect(fs.statSync(path.join(dir, 'database.sqlite')).size).toBe(116);
  });

  it('sweeps the own directories of connections that no longer exist', async () => {
    await files.ensureOwnFile('ast_gone', 'sqlite');
    await files.ensureOwnFile('ast_kept', 'sqlite');
    const removed = await files.sweep(async (id) => id !== 'ast_gone');
    expect(removed).toEqual(['ast_gone']);
    expect(fs.existsSync(files.ownDir('ast_kept'))).toBe(true);
  });
});
