/**
 * Test repositories for the git server (`git-server.ts`), built with the system git's plumbing
 * straight into bare repositories: no working clone, fixed authors and dates, so the same call
 * gives the same commit ids.
 *
 * - `buildStandardFixtures(root)`: the set the tests use (a small repo with branches, a tag and
 *   history; a library and an app using it as a submodule; a repo with an LFS pointer).
 * - `commitFiles(bare, …)`: one more commit on a branch (e.g. to move `main` under a pinned tag).
 * - `createLargeRepo(root, name, { files, fileBytes, historyBytes, commits })`: a generated
 *   repository for benchmarks, streamed through `git fast-import`.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FIXED_ENV = {
  GIT_AUTHOR_NAME: 'Atrium Fixture',
  GIT_AUTHOR_EMAIL: 'fixtures@atrium.test',
  GIT_COMMITTER_NAME: 'Atrium Fixture',
  GIT_COMMITTER_EMAIL: 'fixtures@atrium.test',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LC_ALL: 'C',
};

/** Runs git, returns trimmed stdout; throws with stderr on a non-zero exit. */
export async function git(args: string[], opts: { gitDir?: string; cwd?: string; env?: Record<string, string>; input?: string | Buffer } = {}): Promise<string> {
  const full = opts.gitDir ? [`--git-dir=${opts.gitDir}`, ...args] : args;
  return new Promise((resolve, reject) => {
    const child = spawn('git', full, {
      cwd: opts.cwd ?? os.tmpdir(),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), ...FIXED_ENV, ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8').trim());
      else reject(new Error(`git ${args.join(' ')} failed (${code}): ${err.trim()}`));
    });
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a git that exits early: its exit code tells
      child.stdin.end(opts.input);
    }
  });
}

/** Creates (or re-creates) an empty bare repository `root/<name>.git` with `main` as HEAD. */
export async function initBare(root: string, name: string): Promise<string> {
  const dir = path.join(root, name.endsWith('.git') ? name : `${name}.git`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  await git(['init', '--bare', '--quiet', '--initial-branch=main', dir]);
  return dir;
}

export type FixtureEntry = string | Buffer | { gitlink: string } | { symlink: string } | { executable: string };

export interface CommitOptions {
  branch?: string;
  /** path → content; `{ gitlink: sha }` records a submodule commit, `{ symlink }` a link. */
  files?: Record<string, FixtureEntry>;
  remove?: string[];
  message?: string;
  /** Seconds since the epoch for author and committer (default: one more than the parent's). */
  time?: number;
}

/** Adds one commit on `branch` (default main) of a bare repository; returns its id. */
export async function commitFiles(bare: string, opts: CommitOptions): Promise<string> {
  const branch = opts.branch ?? 'main';
  const ref = `refs/heads/${branch}`;
  const parent = await git(['rev-parse', '--verify', '--quiet', ref], { gitDir: bare }).catch(() => '');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'atrium-fixture-index-'));
  const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
  try {
    if (parent) await git(['read-tree', parent], { gitDir: bare, env });
    else await git(['read-tree', '--empty'], { gitDir: bare, env });
    const lines: string[] = [];
    for (const [p, entry] of Object.entries(opts.files ?? {})) {
      if (typeof entry === 'object' && !Buffer.isBuffer(entry) && 'gitlink' in entry) {
        lines.push(`160000 ${entry.gitlink}\t${p}`);
        continue;
      }
      let mode = '100644';
      let content: string | Buffer;
      if (typeof entry === 'object' && !Buffer.isBuffer(entry) && 'symlink' in entry) {
        mode = '120000';
        content = entry.symlink;
      } else if (typeof entry === 'object' && !Buffer.isBuffer(entry) && 'executable' in entry) {
        mode = '100755';
        content = entry.executable;
      } else {
        content = entry as string | Buffer;
      }
      const sha = await git(['hash-object', '-w', '--stdin'], { gitDir: bare, input: content });
      lines.push(`${mode} ${sha}\t${p}`);
    }
    // Mode 0 removes a path (update-index --force-remove would want a work tree).
    for (const p of opts.remove ?? []) lines.push(`0 ${'0'.repeat(40)}\t${p}`);
    if (lines.length) await git(['update-index', '--add', '--index-info'], { gitDir: bare, env, input: lines.join('\n') + '\n' });
    const tree = await git(['write-tree'], { gitDir: bare, env });
    const parentTime = parent ? Number(await git(['show', '-s', '--format=%ct', parent], { gitDir: bare })) : 1_700_000_000;
    const time = opts.time ?? parentTime + 60;
    const dates = { GIT_AUTHOR_DATE: `${time} +0000`, GIT_COMMITTER_DATE: `${time} +0000` };
    const args = ['commit-tree', tree, '-m', opts.message ?? `Update ${branch}`];
    if (parent) args.push('-p', parent);
    const commit = await git(args, { gitDir: bare, env: dates });
    await git(['update-ref', ref, commit, ...(parent ? [parent] : [])], { gitDir: bare });
    return commit;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Creates a tag; annotated (a tag object, which ls-remote peels with ^{}) unless `lightweight`. */
export async function tag(bare: string, name: string, target: string, opts: { lightweight?: boolean; message?: string } = {}): Promise<void> {
  if (opts.lightweight) {
    await git(['update-ref', `refs/tags/${name}`, target], { gitDir: bare });
    return;
  }
  const time = Number(await git(['show', '-s', '--format=%ct', target], { gitDir: bare })) + 1;
  await git(['tag', '-a', name, target, '-m', opts.message ?? `Release ${name}`], {
    gitDir: bare,
    env: { GIT_COMMITTER_DATE: `${time} +0000` },
  });
}

export function lfsPointer(content: string): string {
  const oid = createHash('sha256').update(content).digest('hex');
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${Buffer.byteLength(content)}\n`;
}

export interface StandardFixtures {
  /** `acme/tools`: main with 3 commits, `dev` at the first, annotated tag v1.0.0 and lightweight v0.9.0. */
  tools: { repo: string; path: string; commits: string[]; main: string; dev: string; v1: string; v1TagObject: string; v09: string };
  /** `acme/lib`: one commit, the submodule of `acme/app`. */
  lib: { repo: string; path: string; main: string };
  /** `acme/app`: a submodule at `vendor/lib` with the relative URL `../lib.git`, pinned at lib's main. */
  app: { repo: string; path: string; main: string; submodulePath: string; submoduleCommit: string };
  /** `acme/models`: `.gitattributes` routing *.bin through LFS and a pointer at `models/weights.bin`. */
  models: { repo: string; path: string; main: string; pointerPath: string };
}

export async function buildStandardFixtures(root: string): Promise<StandardFixtures> {
  const toolsPath = await initBare(root, 'acme/tools');
  const c1 = await commitFiles(toolsPath, {
    files: { 'README.md': '# tools\n', 'bin/run.sh': { executable: '#!/bin/sh\necho run\n' } },
    message: 'Initial commit',
  });
  const c2 = await commitFiles(toolsPath, { files: { 'src/index.js': 'export const version = "1.0.0";\n' }, message: 'Add index' });
  await tag(toolsPath, 'v1.0.0', c2);
  await tag(toolsPath, 'v0.9.0', c1, { lightweight: true });
  const c3 = await commitFiles(toolsPath, { files: { 'src/index.js': 'export const version = "1.1.0-dev";\n' }, message: 'Start 1.1' });
  await git(['update-ref', 'refs/heads/dev', c1], { gitDir: toolsPath });
  const v1TagObject = await git(['rev-parse', 'refs/tags/v1.0.0'], { gitDir: toolsPath });

  const libPath = await initBare(root, 'acme/lib');
  const lib1 = await commitFiles(libPath, { files: { 'lib.txt': 'the library\n', 'nested/deep.txt': 'deep\n' }, message: 'Library' });

  const appPath = await initBare(root, 'acme/app');
  const app1 = await commitFiles(appPath, {
    files: {
      'app.txt': 'the app\n',
      '.gitmodules': '[submodule "lib"]\n\tpath = vendor/lib\n\turl = ../lib.git\n',
      'vendor/lib': { gitlink: lib1 },
    },
    message: 'App with lib as a submodule',
  });

  const modelsPath = await initBare(root, 'acme/models');
  const models1 = await commitFiles(modelsPath, {
    files: {
      '.gitattributes': '*.bin filter=lfs diff=lfs merge=lfs -text\n',
      'README.md': '# models\n',
      'models/weights.bin': lfsPointer('pretend these are weights'),
    },
    message: 'Model weights in LFS',
  });

  return {
    tools: { repo: 'acme/tools.git', path: toolsPath, commits: [c1, c2, c3], main: c3, dev: c1, v1: c2, v1TagObject, v09: c1 },
    lib: { repo: 'acme/lib.git', path: libPath, main: lib1 },
    app: { repo: 'acme/app.git', path: appPath, main: app1, submodulePath: 'vendor/lib', submoduleCommit: lib1 },
    models: { repo: 'acme/models.git', path: modelsPath, main: models1, pointerPath: 'models/weights.bin' },
  };
}

export interface LargeRepoOptions {
  /** Files in the tree (default 20,000). */
  files?: number;
  /** Average size of a file, in bytes (default 2,048). */
  fileBytes?: number;
  /**
   * Bytes of file content written over the whole history (default: the first tree only). Later
   * commits rewrite random files until this much content has been written.
   */
  historyBytes?: number;
  /** Commits (default 1; the first holds every file). */
  commits?: number;
  /** 'text' (word soup, compresses like source, default) or 'random' (incompressible). */
  content?: 'text' | 'random';
  seed?: string;
}

export interface LargeRepo {
  repo: string;
  path: string;
  head: string;
  files: number;
  bytesWritten: number;
}

/** A generated repository of realistic shape, written by `git fast-import` in one stream. */
export async function createLargeRepo(root: string, name: string, opts: LargeRepoOptions = {}): Promise<LargeRepo> {
  const files = opts.files ?? 20_000;
  const fileBytes = opts.fileBytes ?? 2048;
  const commits = Math.max(1, opts.commits ?? 1);
  const historyBytes = opts.historyBytes ?? files * fileBytes;
  const gen = contentGenerator(opts.seed ?? name, opts.content ?? 'text');
  const dir = await initBare(root, name);
  const paths: string[] = [];
  for (let i = 0; i < files; i++) paths.push(`pkg${i % 23}/mod${Math.floor(i / 23) % 41}/file${i}.${['ts', 'js', 'json', 'md'][i % 4]}`);

  const child = spawn('git', [`--git-dir=${dir}`, 'fast-import', '--quiet', '--done'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), ...FIXED_ENV },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {}); // fast-import died: `done` rejects with its stderr
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import failed (${code}): ${stderr}`))));
  });
  const write = async (chunk: string | Buffer): Promise<void> => {
    if (child.exitCode !== null) await done;
    if (!child.stdin.write(chunk)) await Promise.race([new Promise<void>((r) => child.stdin.once('drain', () => r())), done]);
  };
  let written = 0;
  let rng = 1;
  const pick = (n: number): number => {
    rng = (rng * 1103515245 + 12345) % 2147483648;
    return rng % n;
  };
  const perCommit = commits > 1 ? Math.max(0, historyBytes - files * fileBytes) / (commits - 1) : 0;
  for (let c = 0; c < commits; c++) {
    const time = 1_700_000_000 + c * 3600;
    const msg = `Commit ${c + 1}`;
    await write(`commit refs/heads/main\nauthor Atrium Fixture <fixtures@atrium.test> ${time} +0000\ncommitter Atrium Fixture <fixtures@atrium.test> ${time} +0000\ndata ${msg.length}\n${msg}\n`);
    // Later commits continue refs/heads/main on their own: fast-import tracks the branch tip.
    const change: number[] = [];
    if (c === 0) for (let i = 0; i < files; i++) change.push(i);
    else for (let b = 0; b < perCommit; b += fileBytes) change.push(pick(files));
    for (const i of change) {
      const size = Math.max(16, Math.round(fileBytes * (0.5 + (pick(1000) / 1000))));
      const body = gen(size, `${paths[i]} @${c}\n`);
      written += body.length;
      await write(`M 100644 inline ${paths[i]}\ndata ${body.length}\n`);
      await write(body);
      await write('\n');
    }
  }
  await write('done\n');
  child.stdin.end();
  await done;
  const head = await git(['rev-parse', 'refs/heads/main'], { gitDir: dir });
  return { repo: `${name}.git`, path: dir, head, files, bytesWritten: written };
}

const WORDS = (
  'const let function return if else for while import export from class new this await async ' +
  'value index result error data config request response user item list map set get put call ' +
  'true false null undefined string number object array buffer stream path file name type key'
).split(' ');

/** Deterministic content: AES-CTR keystream, either raw (random) or mapped to words (text). */
function contentGenerator(seed: string, kind: 'text' | 'random'): (size: number, header: string) => Buffer {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  // 256 entries so a random byte picks a word directly; each word with its separator.
  const table = Array.from({ length: 256 }, (_, i) => Buffer.from(WORDS[i % WORDS.length]! + (i % 11 === 0 ? '\n' : ' ')));
  return (size, header) => {
    const head = Buffer.from(header);
    const need = Math.max(0, size - head.length);
    if (kind === 'random') return Buffer.concat([head, cipher.update(Buffer.alloc(need))]);
    const rnd = cipher.update(Buffer.alloc(Math.ceil(need / 3) + 1));
    const out = Buffer.allocUnsafe(need + 16);
    let o = 0;
    for (let k = 0; o < need; k++) {
      const w = table[rnd[k % rnd.length]!]!;
      for (let j = 0; j < w.length; j++) out[o++] = w[j]!;
    }
    return Buffer.concat([head, out.subarray(0, need)]);
  };
}
