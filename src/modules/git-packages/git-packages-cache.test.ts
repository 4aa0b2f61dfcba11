/** The artifact cache: one build per key however many ask, atomic files, LRU eviction by bytes. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { artifactKey, createPackageCache } from './git-packages-cache.js';
import { createPackageInstaller } from './git-packages-installer.js';
import { OWNER } from './git-packages-leftovers.js';

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

describe('crash leftovers are swept at start', () => {
  /** The pid of a process that ran and is gone. */
  const deadPid = () => spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();

  it('partial cache files of dead processes and earlier lives go; a live writer’s stay', () => {
    const dir = tmpDir();
    const k = key(9);
    const names = {
      dead: `${k}.tar.tmp-${deadPid()}x0badf00d-aaaaaaaaaaaa`,
      earlierLife: `${k}.tar.tmp-${process.pid}x0badf00d-bbbbbbbbbbbb`,
      legacy: `${k}.tar.tmp-cccccccccccc`,
      live: `${k}.tar.tmp-${OWNER}-dddddddddddd`,
      otherLive: `${k}.tar.tmp-${process.ppid}x0badf00d-eeeeeeeeeeee`,
      artifact: `${key(10)}.tar`,
    };
    for (const n of Object.values(names)) fs.writeFileSync(path.join(dir, n), 'x');
    createPackageCache({ dir, budgetBytes: 1 << 20 });
    expect(fs.readdirSync(dir).sort()).toEqual([names.artifact, names.live, names.otherLive].sort());
  });

  it('build and zip directories under package-work left by a crash go at start', () => {
    const workDir = tmpDir();
    const crashed = path.join(workDir, `build-${deadPid()}x0badf00d-Ab12Cd`);
    fs.mkdirSync(path.join(crashed, 'pkg', 'node_modules'), { recursive: true });
    fs.writeFileSync(path.join(crashed, 'pkg', 'node_modules', 'big.bin'), Buffer.alloc(1000));
    fs.mkdirSync(path.join(workDir, 'zip-Xy34Zw')); // written before owners were recorded
    const live = path.join(workDir, `build-${OWNER}-Qr56St`);
    fs.mkdirSync(live);
    const cache = createPackageCache({ dir: tmpDir(), budgetBytes: 1 << 20 });
    createPackageInstaller({ repo: {} as never, providers: {} as never, cache, pkgOf: async () => ({}) as never }, { workDir, limits: {} as never });
    expect(fs.readdirSync(workDir)).toEqual([path.basename(live)]);
  });
});
