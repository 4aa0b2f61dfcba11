/** The artifact cache: one build per key however many ask, atomic files, LRU eviction by bytes. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { artifactKey, createPackageCache } from './git-packages-cache.js';

const dirs: string[] = [];
const tmpDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-pkg-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const key = (n: number) => artifactKey({ commit: String(n).padStart(40, '0'), commands: [], network: false, sandboxVersion: 't' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('package cache', () => {
  it('keys change with the commit, the commands, the network switch and the sandbox version', () => {
    const base = { commit: 'a'.repeat(40), commands: ['make'], network: false, sandboxVersion: '1' };
    const k = artifactKey(base);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(artifactKey({ ...base })).toBe(k);
    expect(artifactKey({ ...base, commit: 'b'.repeat(40) })).not.toBe(k);
    expect(artifactKey({ ...base, commands: ['make', 'test'] })).not.toBe(k);
    expect(artifactKey({ ...base, commands: ['make test'] })).not.toBe(k);
    expect(artifactKey({ ...base, network: true })).not.toBe(k);
    expect(artifactKey({ ...base, sandboxVersion: '2' })).not.toBe(k);
  });

  it('builds a key once for concurrent callers, then answers from the file', async () => {
    const cache = createPackageCache({ dir: tmpDir(), budgetBytes: 1 << 20 });
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      await sleep(50);
      fs.writeFileSync(tmp, 'artifact');
    };
    const rs = await Promise.all([1, 2, 3, 4].map(() => cache.getOrBuild(key(1), build)));
    expect(builds).toBe(1);
    expect(rs.filter((r) => !r.shared && !r.hit)).toHaveLength(1);
    expect(new Set(rs.map((r) => r.path)).size).toBe(1);
    const warm = await cache.getOrBuild(key(1), build);
    expect(warm.hit).toBe(true);
    expect(builds).toBe(1);
    expect(fs.readFileSync(warm.path, 'utf8')).toBe('artifact');
    expect(fs.readdirSync(cache.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a failed build leaves nothing behind and the next caller builds again', async () => {
    const cache = createPackageCache({ dir: tmpDir(), budgetBytes: 1 << 20 });
    await expect(cache.getOrBuild(key(2), async (tmp) => {
      fs.writeFileSync(tmp, 'half');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(fs.readdirSync(cache.dir)).toEqual([]);
    expect(await cache.lookup(key(2))).toBeNull();
    const r = await cache.getOrBuild(key(2), async (tmp) => fs.writeFileSync(tmp, 'ok'));
    expect(r.hit).toBe(false);
  });

  it('evicts the least recently used artifacts past the byte budget', async () => {
    const cache = createPackageCache({ dir: tmpDir(), budgetBytes: 2500 });
    const put = (n: number) => cache.getOrBuild(key(n), async (tmp) => fs.writeFileSync(tmp, Buffer.alloc(1000)));
    await put(1);
    await sleep(20);
    await put(2);
    await sleep(20);
    expect(await cache.lookup(key(1))).not.toBeNull(); // 1 is now more recent than 2
    await sleep(20);
    await put(3);
    expect(await cache.lookup(key(2))).toBeNull();
    expect(await cache.lookup(key(1))).not.toBeNull();
    expect(await cache.lookup(key(3))).not.toBeNull();
    expect((await cache.usage()).bytes).toBeLessThanOrEqual(2500);
  });

  it('does not evict an artifact being read', async () => {
    const cache = createPackageCache({ dir: tmpDir(), budgetBytes: 1500 });
    const put = (n: number) => cache.getOrBuild(key(n), async (tmp) => fs.writeFileSync(tmp, Buffer.alloc(1000)));
    await put(1);
    await sleep(20);
    await cache.hold(key(1), async () => {
      await put(2);
      expect(await cache.lookup(key(1))).not.toBeNull();
    });
  });
});
