/**
 * Both file stores behave alike: the embedded directory and the bucket of Atrium's own (radosgw,
 * the `full` user, a prefix of this run). Needs ATRIUM_TEST_S3 (fails without it).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testS3 } from '../../connectors/s3/s3-test-support.js';
import { AppError } from '../../errors.js';
import { createLocalFileStore, createS3FileStore, type ProjectFileStore, readAll } from './project-files-store.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-files-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function s3Store(): ProjectFileStore {
  const s3 = testS3();
  return createS3FileStore(
    { bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, pathStyle: true, prefix: `atrium-files-test/${randomUUID()}`, ...s3.users.full },
    { tempDir: path.join(tmp, 's3-tmp'), mirrorDir: path.join(tmp, 's3-mirror') },
  );
}

const write = (content: string) => async (dest: string) => {
  const t = `${dest}.${randomUUID()}.tmp`;
  await fs.promises.writeFile(t, content);
  await fs.promises.rename(t, dest);
};

describe.each([
  ['local', () => createLocalFileStore(path.join(tmp, 'local'))],
  ['s3', s3Store],
])('%s project file store', (_name, make) => {
  it('receives, lists, reads, lends and removes files of one project only', async () => {
    const store = make();
    try {
      await store.receive('p1', 'external-files/s3/raw/a.csv', write('x,y\n1,2\n'));
      await store.receive('p1', 'b.txt', write('hello'));
      await store.receive('p2', 'other.txt', write('not yours'));
      const list = await store.list('p1');
      expect(list.map((f) => [f.path, f.size])).toEqual([
        ['b.txt', 5],
        ['external-files/s3/raw/a.csv', 8],
      ]);
      expect((await store.list('p1', 'external-files/s3/raw')).map((f) => f.path)).toEqual(['external-files/s3/raw/a.csv']);
      expect((await readAll((await store.read('p1', 'b.txt')).stream)).toString()).toBe('hello');
      expect(await store.withLocalCopy('p1', 'b.txt', (p) => fs.promises.readFile(p, 'utf8'))).toBe('hello');
      expect(await store.stat('p1', 'other.txt')).toBeNull();
      await expect(store.read('p1', 'other.txt')).rejects.toMatchObject({ code: 'not_found' });
      // The local mirror DuckDB reads holds this project's files only.
      const root = await store.localRoot('p1');
      expect(store.localRootPath('p1')).toBe(root);
      expect(fs.readFileSync(path.join(root, 'external-files/s3/raw/a.csv'), 'utf8')).toBe('x,y\n1,2\n');
      expect(fs.existsSync(path.join(root, 'other.txt'))).toBe(false);
      expect(fs.statSync(root).mode & 0o777).toBe(0o755);
      expect(await store.remove('p1', 'b.txt')).toBe(true);
      expect(await store.remove('p1', 'b.txt')).toBe(false);
      expect((await store.list('p1')).map((f) => f.path)).toEqual(['external-files/s3/raw/a.csv']);
    } finally {
      store.close();
    }
  });

  it('a failed fill leaves no file behind', async () => {
    const store = make();
    try {
      await expect(store.receive('p3', 'half.bin', async () => Promise.reject(new Error('network down')))).rejects.toThrow('network down');
      expect(await store.list('p3')).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('refuses project ids and paths that are not what they seem', async () => {
    const store = make();
    try {
      await expect(store.list('../p1')).rejects.toBeInstanceOf(AppError);
      await expect(store.read('p1', '../p2/other.txt')).rejects.toBeInstanceOf(AppError);
    } finally {
      store.close();
    }
  });
});

it('the local store does not follow a symlink out of the project', async () => {
  const store = createLocalFileStore(path.join(tmp, 'links'));
  const root = await store.localRoot('p1');
  fs.writeFileSync(path.join(tmp, 'outside.txt'), 'secret');
  fs.symlinkSync(path.join(tmp, 'outside.txt'), path.join(root, 'link.txt'));
  expect(await store.stat('p1', 'link.txt')).toBeNull();
  await expect(store.read('p1', 'link.txt')).rejects.toMatchObject({ code: 'not_found' });
  expect((await store.list('p1')).map((f) => f.path)).toEqual([]);
});
