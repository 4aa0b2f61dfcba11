/**
 * Building a package's artifact: fetch exactly the pinned commit (the git connector: depth 1,
 * submodules on the same host, LFS refused, size and time limits), then
 *  - no install commands → the tree at the commit is the artifact;
 *  - with commands → they run in the sandbox (`runSandboxed`) over that freshly fetched copy,
 *    bound read-write at `/work/pkg` and nothing else of the host writable; no network unless the
 *    package says so; `HOME=/tmp`; limits on time, memory, processes, file sizes and the tree's
 *    total bytes (`treeMaxBytes`, polled while the commands run). The resulting
 *    directory is the artifact.
 * The artifact is written as a tar with fixed owners, order and times, so the same inputs give the
 * same bytes. The git directory is never bound into the sandbox, and credentials never enter it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GitConnector, GitProgress } from '../../connectors/git/git-connector.js';
import { type SandboxLimits, sandboxMode } from '../../sandbox/sandbox-bwrap.js';
import { runSandboxed } from '../../sandbox/sandbox-run.js';
import type { GitAccess } from '../git-providers/git-providers-service.js';
import { OWNER } from './git-packages-leftovers.js';

const run = promisify(execFile);

/** Part of every artifact key: bump it when what a sandboxed install sees changes. */
export const INSTALL_SANDBOX_VERSION = 'bwrap-install/1';
/** Where the package's copy is inside the sandbox. */
export const SANDBOX_PKG_DIR = '/work/pkg';

export interface InstallLimits {
  fetchTimeoutMs: number;
  fetchMaxBytes: number;
  /**
   * Bytes the package's tree may occupy while and after its commands run (RLIMIT_FSIZE caps one
   * file only). Measured with `du` while the install runs and once more after it: a fast writer
   * can overshoot by what it writes between two polls before it is killed.
   */
  treeMaxBytes: number;
  sandbox: SandboxLimits;
}

export class InstallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface BuildInput {
  git: Pick<GitConnector, 'fetchCommit'>;
  access: GitAccess;
  commit: string;
  commands: string[];
  network: boolean;
  limits: InstallLimits;
  /** A directory of the server's for scratch space (not the cache, not bound anywhere but its own copy). */
  workRoot: string;
  tmpPath: string;
  log: (line: string) => void;
  onSandboxRun?: () => void;
  signal?: AbortSignal;
}

/** Deterministic tar of a directory's contents (GNU tar). */
export async function tarDirectory(dir: string, out: string): Promise<void> {
  await run('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=gnu', '-C', dir, '-cf', out, '.'], { maxBuffer: 1 << 20 });
}

export async function buildArtifact(b: BuildInput): Promise<{ files: number; receivedBytes: number }> {
  await fsp.mkdir(b.workRoot, { recursive: true, mode: 0o700 });
  const work = await fsp.mkdtemp(path.join(b.workRoot, `build-${OWNER}-`));
  try {
    const fetchDir = path.join(work, 'fetch');
    let lastPct = -1;
    b.log(`fetching ${b.commit.slice(0, 12)}…`);
    const f = await b.git.fetchCommit(b.access.remote, b.access.credentials, b.commit, fetchDir, {
      timeoutMs: b.limits.fetchTimeoutMs,
      maxBytes: b.limits.fetchMaxBytes,
      signal: b.signal,
      onProgress: (p: GitProgress) => {
        if (p.phase === 'submodule') b.log(`fetching submodule ${p.path ?? ''}`);
        else if (p.phase === 'receiving' && p.percent !== undefined && p.percent >= lastPct + 25) {
          lastPct = p.percent;
          b.log(`receiving objects: ${p.percent}%`);
        }
      },
    });
    b.log(`fetched ${f.files} files (${f.receivedBytes} bytes received${f.submodules.length ? `, ${f.submodules.length} submodule(s)` : ''})`);
    const tree = f.workTree!;
    if (!b.commands.length) {
      await tarDirectory(tree, b.tmpPath);
      return { files: f.files, receivedBytes: f.receivedBytes };
    }
    const pkg = path.join(work, 'pkg');
    await fsp.rename(tree, pkg);
    await fsp.rm(path.join(fetchDir), { recursive: true, force: true });
    // Root mode: the sandbox's uid owns nothing, so the copy (and only the copy) is opened to it.
    // Rootless mode: the sandbox is the server's own uid on the host and needs no opening.
    if (sandboxMode() === 'root') await run('chmod', ['-R', 'a+rwX', pkg]);
    b.log(`running ${b.commands.length} install command(s) in the sandbox${b.network ? ' (network on)' : ' (no network)'}`);
    b.onSandboxRun?.();
    const partial = { stdout: '', stderr: '' };
    const watch = watchTreeSize(pkg, b.limits.treeMaxBytes);
    const r = await runSandboxed({
      command: '/bin/sh',
      args: ['-c', `set -ex\n${b.commands.join('\n')}\n`],
      binds: [{ path: pkg, dest: SANDBOX_PKG_DIR, mode: 'rw' }],
      cwd: SANDBOX_PKG_DIR,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/tmp', TMPDIR: '/tmp', LANG: 'C.UTF-8', CI: 'true' },
      network: b.network,
      limits: b.limits.sandbox,
      signal: b.signal ? AbortSignal.any([b.signal, watch.signal]) : watch.signal,
      // Output arrives in arbitrary chunks (set -x writes "+ ", the command, its arguments apart): log whole lines.
      onOutput: (stream, chunk) => {
        const lines = (partial[stream] + chunk.toString('utf8')).split('\n');
        partial[stream] = lines.pop() ?? '';
        for (const line of lines) b.log(line);
      },
    }).finally(() => watch.stop());
    for (const rest of Object.values(partial)) if (rest) b.log(rest);
    const measured = await watch.stop();
    if (measured > b.limits.treeMaxBytes) {
      throw new InstallError('install_too_large', `The install commands wrote more than the ${mib(b.limits.treeMaxBytes)} an install may use (ATRIUM_PACKAGE_INSTALL_MAX_BYTES); the install was stopped and its files removed.`, { limitBytes: b.limits.treeMaxBytes, measuredBytes: measured });
    }
    if (r.status !== 'ok') {
      throw new InstallError(`install_${r.status}`, `The install commands failed: ${r.error?.message ?? r.status}`, { status: r.status, exitCode: r.exitCode });
    }
    b.log('install commands finished');
    // Nothing the commands left may point the server at its own files later: links stay links in the tar.
    await tarDirectory(pkg, b.tmpPath);
    return { files: f.files, receivedBytes: f.receivedBytes };
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

const mib = (n: number) => (n >= 1024 ** 3 ? `${+(n / 1024 ** 3).toFixed(2)} GiB` : `${+(n / 1024 ** 2).toFixed(1)} MiB`);

/** Bytes a directory occupies on disk (`du`, which does not follow links); partial output when files vanish meanwhile. */
export async function treeBytes(dir: string): Promise<number> {
  let out: string;
  try {
    out = (await run('du', ['-s', '-x', '-B1', dir], { maxBuffer: 1 << 20 })).stdout;
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? '');
  }
  const n = Number(out.split('\t')[0]);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Polls a tree's size while an install runs and aborts `signal` once it exceeds `max`. The poll
 * interval grows with the cost of one `du` (at least 250 ms, at most a fifth of the time spent measuring).
 * `stop()` ends the polling and answers the largest size seen, measured once more.
 */
function watchTreeSize(dir: string, max: number) {
  const ac = new AbortController();
  let largest = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let stopping: Promise<number> | undefined;
  const poll = (delay: number) => {
    timer = setTimeout(() => {
      current = (async () => {
        const t0 = Date.now();
        largest = Math.max(largest, await treeBytes(dir));
        if (largest > max) ac.abort();
        else if (!stopped) poll(Math.max(250, (Date.now() - t0) * 4));
      })();
    }, delay);
  };
  poll(250);
  return {
    signal: ac.signal,
    stop(): Promise<number> {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await current;
        return Math.max(largest, await treeBytes(dir));
      })();
      return stopping;
    },
  };
}

/** Extracts an artifact into `dest` (created), for the zip download and the runtime. */
export async function extractArtifact(tarPath: string, dest: string): Promise<void> {
  fs.mkdirSync(dest, { recursive: true });
  await run('tar', ['--no-same-owner', '--no-same-permissions', '-C', dest, '-xf', tarPath], { maxBuffer: 1 << 20 });
}
