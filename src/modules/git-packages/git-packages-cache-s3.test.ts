/**
 * The shared tier of the artifact cache against radosgw (ATRIUM_TEST_S3; fails without it): two
 * nodes' caches over one bucket prefix, verified downloads, a corrupt object replaced, two nodes
 * building one key at once, a bucket that cannot be reached.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closedPort, rawClient, testS3 } from '../../connectors/s3/s3-test-support.js';
import { artifactKey, createPackageCache } from './git-packages-cache.js';
import { createS3ArtifactStore, sha256OfFile, type SharedArtifactStore } from './git-packages-cache-s3.js';

const s3 = testS3();
const prefix = `test-package-cache/${Date.now()}-${randomBytes(4).toString('hex')}`;
const settings = { bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, pathStyle: true, ...s3.users.full, prefix };
const stores: SharedArtifactStore[] = [];
const store = () => {
  const s = createS3ArtifactStore(settings);
  stores.push(s);
  return s;
};
const dirs: string[] = [];
const tmpDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-pkg-shared-'));
  dirs.push(d);
  return d;
};
const node = () => createPackageCache({ dir: tmpDir(), budgetBytes: 1 << 30, shared: store() });
const key = () => artifactKey({ commit: randomBytes(20).toString('hex'), commands: ['make'], network: false, sandboxVersion: 't' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
afterAll(() => {
  for (const s of stores) s.close();
});

describe('package cache: the shared tier (S3)', () => {
  it("a node finds another node's artifact in the bucket: downloaded, verified, not built", async () => {
    const k = key();
    const a = node();
    const b = node();
    const bytes = randomBytes(300_000);
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      fs.writeFileSync(tmp, bytes);
    };
    const logA: string[] = [];
    const ra = await a.getOrBuild(k, build, (l) => logA.push(l));
    expect(ra).toMatchObject({ source: 'built', hit: false });
    expect(logA.join('\n')).toMatch(/stored in the shared cache/);
    const logB: string[] = [];
    const rb = await b.getOrBuild(k, build, (l) => logB.push(l));
    expect(rb.source).toBe('shared');
    expect(builds).toBe(1);
    expect(fs.readFileSync(rb.path).equals(bytes)).toBe(true);
    expect(logB.join('\n')).toMatch(/found in the shared cache .*sha256 verified/);
    // B's own directory is now its hot tier: the next ask is local.
    expect((await b.getOrBuild(k, build)).source).toBe('local');
    expect(fs.readdirSync(b.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('an object whose bytes do not match its sha256 is not used, and is replaced by a good one', async () => {
    const k = key();
    const raw = rawClient(s3);
    await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/${k}.tar`, Body: 'tampered', Metadata: { sha256: '0'.repeat(64) } }));
    raw.destroy();
    const log: string[] = [];
    const r = await node().getOrBuild(k, async (tmp) => fs.writeFileSync(tmp, 'the real artifact'), (l) => log.push(l));
    expect(r.source).toBe('built');
    expect(log.join('\n')).toMatch(/unusable \(its sha256 does not match/);
    const again = await node().getOrBuild(k, async () => {
      throw new Error('must not build');
    });
    expect(again.source).toBe('shared');
    expect(fs.readFileSync(again.path, 'utf8')).toBe('the real artifact');
  });

  it('two nodes building one key at once: both may build, the bucket ends with one valid object', async () => {
    const k = key();
    // Over the multipart threshold (8 MiB parts): radosgw ignores If-None-Match there, last writer wins.
    const big = randomBytes(9 * 1024 * 1024);
    const build = async (tmp: string) => {
      await sleep(100);
      fs.writeFileSync(tmp, big);
    };
    const [ra, rb] = await Promise.all([node().getOrBuild(k, build), node().getOrBuild(k, build)]);
    expect([ra.source, rb.source].sort()).toEqual(['built', 'built']);
    const c = await node().getOrBuild(k, async () => {
      throw new Error('must not build');
    });
    expect(c.source).toBe('shared');
    expect(await sha256OfFile(c.path)).toBe(await sha256OfFile(ra.path));
  });

  it('a conditional put keeps the first object (single PUT: If-None-Match honoured)', async () => {
    const k = key();
    const s = store();
    const d = tmpDir();
    fs.writeFileSync(path.join(d, 'one'), 'first');
    fs.writeFileSync(path.join(d, 'two'), 'second');
    expect(await s.put(k, path.join(d, 'one'))).toBe('stored');
    expect(await s.put(k, path.join(d, 'two'))).toBe('exists');
    expect(await s.fetch(k, path.join(d, 'got'))).toMatchObject({ status: 'fetched', bytes: 5 });
    expect(fs.readFileSync(path.join(d, 'got'), 'utf8')).toBe('first');
    // Past the HEAD shortcut (it does not count an object without a digest): the PUT's condition refuses it.
    const k2 = key();
    const raw = rawClient(s3);
    await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/${k2}.tar`, Body: 'no digest' }));
    raw.destroy();
    expect(await s.put(k2, path.join(d, 'two'))).toBe('exists');
    expect(await s.fetch(k2, path.join(d, 'got2'))).toEqual({ status: 'corrupt', reason: 'the object has no sha256 metadata' });
    expect(await s.put(k2, path.join(d, 'two'), { overwrite: true })).toBe('stored');
    expect(await s.fetch(k2, path.join(d, 'got3'))).toMatchObject({ status: 'fetched' });
    expect(await s.fetch(key(), path.join(d, 'missing'))).toEqual({ status: 'absent' });
    expect(fs.existsSync(path.join(d, 'missing'))).toBe(false);
  });

  it('a bucket that cannot be reached is a logged warning: the install builds here', async () => {
    const down = createS3ArtifactStore({ ...settings, endpoint: `http://127.0.0.1:${await closedPort()}` });
    stores.push(down);
    const cache = createPackageCache({ dir: tmpDir(), budgetBytes: 1 << 20, shared: down });
    const log: string[] = [];
    const r = await cache.getOrBuild(key(), async (tmp) => fs.writeFileSync(tmp, 'x'), (l) => log.push(l));
    expect(r.source).toBe('built');
    expect(log.join('\n')).toMatch(/shared cache could not be read/);
    expect(log.join('\n')).not.toContain(s3.users.full.secretAccessKey);
  }, 30_000);
});
