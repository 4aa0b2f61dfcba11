/**
 * fetchCommit on a generated 20,000-file repository against `git clone --depth 1` of the same
 * commit from the same local server. The timings are printed, not asserted (the machine is shared);
 * what is asserted is that both produce the same tree and every file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLargeRepo, git as runGit, type LargeRepo } from '../../../scripts/services/git-fixtures.js';
import { startGitServer, type GitServer } from '../../../scripts/services/git-server.js';
import { createGitConnector, type GitConnector } from './git-connector.js';

const TOKEN = `ghs_large${Math.random().toString(36).slice(2)}`;
let dir: string;
let server: GitServer;
let repo: LargeRepo;
let connector: GitConnector;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atrium-git-large-'));
  const t0 = Date.now();
  repo = await createLargeRepo(path.join(dir, 'repos'), 'bench/large', { files: 20_000, fileBytes: 1024 });
  console.log(`generated ${repo.files} files, ${(repo.bytesWritten / 1024 ** 2).toFixed(1)} MiB of history in ${Date.now() - t0} ms`);
  server = await startGitServer({ root: path.join(dir, 'repos'), tokens: { [TOKEN]: {} } });
  connector = createGitConnector({ allowHttpLoopback: true });
}, 300_000);

afterAll(async () => {
  connector?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `git clone --depth 1` as a person would run it (header in the environment, like the connector). */
function cloneDepth1(url: string, into: string): Promise<void> {
  const header = `Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['clone', '--quiet', '--depth', '1', '--no-tags', url, into], {
      env: { PATH: process.env.PATH, HOME: dir, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: header },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git clone failed: ${err}`))));
  });
}

function countFiles(root: string): number {
  let n = 0;
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) if (e.isFile()) n++;
  return n;
}

it('fetchCommit gives the same tree as git clone --depth 1 (timings printed)', async () => {
  const url = server.repoUrl(repo.repo);
  const timings: string[] = [];
  const rounds = Number(process.env.ATRIUM_GIT_COMPARE_ROUNDS ?? 1);
  for (let round = 1; round <= rounds; round++) {
    const cloneDir = path.join(dir, `clone-${round}`);
    let t = performance.now();
    await cloneDepth1(url, cloneDir);
    const cloneMs = performance.now() - t;

    const fetchDir = path.join(dir, `fetch-${round}`);
    t = performance.now();
    const r = await connector.fetchCommit(url, { kind: 'basic', username: 'x-access-token', password: TOKEN }, repo.head, fetchDir);
    const fetchMs = performance.now() - t;
    timings.push(`round ${round}: git clone --depth 1 ${cloneMs.toFixed(0)} ms, fetchCommit ${fetchMs.toFixed(0)} ms (${(fetchMs / cloneMs).toFixed(2)}x), pack ${(r.receivedBytes / 1024 ** 2).toFixed(1)} MiB`);

    expect(r.files).toBe(20_000);
    expect(r.tree).toBe(await runGit(['rev-parse', 'HEAD^{tree}'], { cwd: cloneDir }));
    expect(countFiles(r.workTree!)).toBe(20_000);
    rmSync(cloneDir, { recursive: true, force: true });
    rmSync(fetchDir, { recursive: true, force: true });
  }
  console.log(`20k-file repository over loopback smart HTTP\n  ${timings.join('\n  ')}`);
}, 300_000);
