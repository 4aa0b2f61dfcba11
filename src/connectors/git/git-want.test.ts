/**
 * Pinned commits from servers that refuse a fetch by commit id: the test server speaking only
 * protocol v0 with git's default upload-pack settings (no allow*SHA1InWant), as plain
 * `git http-backend` and older self-hosted servers run; once with filters allowed, once without.
 * (Over protocol v2 git's upload-pack serves any object it has, allow* or not: checked below.)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandardFixtures, commitFiles, git as fixtureGit, initBare, type StandardFixtures } from '../../../scripts/services/git-fixtures.js';
import { startGitServer, type GitServer } from '../../../scripts/services/git-server.js';
import { createGitConnector, GitConnectorError, type GitConnector, type GitCredentials } from './git-connector.js';
import { spawnSpy } from './git-test-support.js';

let dir: string;
let root: string;
let fx: StandardFixtures;
/** v0 only, no allow*SHA1InWant, filters allowed. */
let strict: GitServer;
/** The same without filters. */
let bare: GitServer;
/** No allow*SHA1InWant, but protocol v2 (the default of the client and of git's server). */
let v2: GitServer;
/** The permissive server the other tests use. */
let open: GitServer;
let git: GitConnector;
const spy = spawnSpy();
const TOKEN = `ghs_FALLBACKsecret${Math.random().toString(36).slice(2)}`;
const SECRET_FORMS = [TOKEN, Buffer.from(`x-access-token:${TOKEN}`).toString('base64')];
const good: GitCredentials = { kind: 'basic', username: 'x-access-token', password: TOKEN };
const seenErrors: unknown[] = [];
/** `hist`: main a0-a1-a2-a3-M, `feature` from a1: f1-f2, merged by M; a dangling commit. */
const hist = { a: [] as string[], f: [] as string[], merge: '', dangling: '' };
/** `lib2` with two commits; `app2` pins lib2's first (no longer its head) as a submodule. */
const sub = { lib: [] as string[], app: '' };
/** `heavy`: five commits, each replacing `blob.bin` with 300 KB of random bytes. */
const heavy: string[] = [];

async function failure(p: Promise<unknown>): Promise<GitConnectorError> {
  try {
    await p;
  } catch (e) {
    seenErrors.push(e);
    if (e instanceof GitConnectorError) return e;
    throw e;
  }
  throw new Error('expected a GitConnectorError, the call succeeded');
}

const dest = (): string => path.join(mkdtempSync(path.join(dir, 'dest-')), 'out');
const refsLeft = (gitDir: string): Promise<string> => fixtureGit(['for-each-ref', 'refs/atrium/fallback'], { gitDir });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atrium-git-want-'));
  root = path.join(dir, 'repos');
  fx = await buildStandardFixtures(root);

  const h = await initBare(root, 'acme/hist');
  for (let i = 0; i < 4; i++) hist.a.push(await commitFiles(h, { files: { 'main.txt': `main ${i}\n` }, message: `a${i}` }));
  await fixtureGit(['update-ref', 'refs/heads/feature', hist.a[1]!], { gitDir: h });
  for (let i = 1; i <= 2; i++) hist.f.push(await commitFiles(h, { branch: 'feature', files: { 'feature.txt': `feature ${i}\n` }, message: `f${i}` }));
  const mergedTree = await fixtureGit(['rev-parse', `${hist.f[1]}^{tree}`], { gitDir: h });
  hist.merge = await fixtureGit(['commit-tree', mergedTree, '-p', hist.a[3]!, '-p', hist.f[1]!, '-m', 'Merge feature'], {
    gitDir: h,
    env: { GIT_AUTHOR_DATE: '1800000000 +0000', GIT_COMMITTER_DATE: '1800000000 +0000' },
  });
  await fixtureGit(['update-ref', 'refs/heads/main', hist.merge], { gitDir: h });
  hist.dangling = await commitFiles(h, { branch: 'gone', files: { 'gone.txt': 'gone\n' }, message: 'gone' });
  await fixtureGit(['update-ref', '-d', 'refs/heads/gone'], { gitDir: h });

  const lib = await initBare(root, 'acme/lib2');
  sub.lib.push(await commitFiles(lib, { files: { 'lib.txt': 'lib one\n' }, message: 'lib one' }));
  sub.lib.push(await commitFiles(lib, { files: { 'lib.txt': 'lib two\n' }, message: 'lib two' }));
  const app = await initBare(root, 'acme/app2');
  sub.app = await commitFiles(app, {
    files: { 'app.txt': 'app\n', '.gitmodules': '[submodule "lib"]\n\tpath = vendor/lib\n\turl = ../lib2.git\n', 'vendor/lib': { gitlink: sub.lib[0]! } },
  });

  const hv = await initBare(root, 'acme/heavy');
  for (let i = 0; i < 5; i++) heavy.push(await commitFiles(hv, { files: { 'blob.bin': randomBytes(300_000) } }));

  const tokens = { [TOKEN]: { repos: '*' as const } };
  strict = await startGitServer({ root, tokens, allowSha1InWant: false, protocolV2: false });
  bare = await startGitServer({ root, tokens, allowSha1InWant: false, protocolV2: false, allowFilter: false });
  v2 = await startGitServer({ root, tokens, allowSha1InWant: false });
  open = await startGitServer({ root, tokens });
  git = createGitConnector({ allowHttpLoopback: true, spawn: spy.spawn });
});

afterAll(async () => {
  git?.close();
  for (const s of [strict, bare, v2, open]) await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a server that refuses commits by id (protocol v0, no allow*SHA1InWant)', () => {
  it('really refuses them (git alone), and a v2 server with the same settings does not', async () => {
    const probe = path.join(dir, 'probe-plain');
    await fixtureGit(['init', '--bare', '--quiet', probe]);
    const header = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Bearer ${TOKEN}` };
    await expect(fixtureGit(['fetch', '--depth=1', strict.repoUrl('acme/tools'), fx.tools.v1], { gitDir: probe, env: header })).rejects.toThrow(
      /does not allow request for unadvertised object/,
    );
    await fixtureGit(['fetch', '--depth=1', v2.repoUrl('acme/hist'), hist.a[1]!], { gitDir: probe, env: header });
    const r = await git.fetchCommit(v2.repoUrl('acme/hist'), good, hist.a[1]!, dest());
    expect(readFileSync(path.join(r.workTree!, 'main.txt'), 'utf8')).toBe('main 1\n');
  });

  it('a branch head or a lightweight tag is advertised: fetched by id as before', async () => {
    const r = await git.fetchCommit(strict.repoUrl('acme/tools'), good, fx.tools.main, dest());
    expect(readFileSync(path.join(r.workTree!, 'src/index.js'), 'utf8')).toBe('export const version = "1.1.0-dev";\n');
    const v09 = await git.fetchCommit(strict.repoUrl('acme/tools'), good, fx.tools.v09, dest());
    expect(readFileSync(path.join(v09.workTree!, 'README.md'), 'utf8')).toBe('# tools\n');
  });

  it("an annotated tag's commit is fetched through the tag, depth 1", async () => {
    const before = spy.calls.length;
    const out = dest();
    const r = await git.fetchCommit(strict.repoUrl('acme/tools'), good, fx.tools.v1, out);
    expect(r.commit).toBe(fx.tools.v1);
    expect(readFileSync(path.join(out, 'tree/src/index.js'), 'utf8')).toBe('export const version = "1.0.0";\n');
    await expect(fixtureGit(['cat-file', '-e', fx.tools.commits[0]!], { gitDir: r.gitDir })).rejects.toThrow();
    const runs = spy.calls.slice(before).map((c) => c.args.join(' '));
    expect(runs.some((a) => / ls-remote /.test(a))).toBe(true);
    expect(runs.some((a) => /fetch .*--depth=1 .*refs\/tags\/v1\.0\.0:/.test(a))).toBe(true);
    expect(runs.some((a) => /--filter=tree:0 .*refs\/heads\/\*/.test(a))).toBe(false); // no history needed
    expect(await refsLeft(r.gitDir)).toBe('');
    expect(await git.resolveRef(strict.repoUrl('acme/tools'), good, { kind: 'commit', name: fx.tools.v1 })).toBe(fx.tools.v1);
  });

  it('a commit inside a branch history: found in the commit graph, fetched with just the depth that reaches it', async () => {
    const out = dest();
    const r = await git.fetchCommit(strict.repoUrl('acme/hist'), good, hist.f[0]!, out);
    expect(readFileSync(path.join(out, 'tree/feature.txt'), 'utf8')).toBe('feature 1\n');
    expect(readFileSync(path.join(out, 'tree/main.txt'), 'utf8')).toBe('main 1\n');
    // Nearest: `feature` one commit above, so depth 2: f1's parent a1 did not come.
    await expect(fixtureGit(['cat-file', '-e', hist.a[1]!], { gitDir: r.gitDir })).rejects.toThrow();
    expect(readdirSync(out).sort()).toEqual(['git', 'tree']); // the scratch repository is gone
    expect(await refsLeft(r.gitDir)).toBe('');

    // Below a merge, on main's first-parent line.
    const r2 = await git.fetchCommit(strict.repoUrl('acme/hist'), good, hist.a[2]!, dest());
    expect(readFileSync(path.join(r2.workTree!, 'main.txt'), 'utf8')).toBe('main 2\n');
    expect(existsSync(path.join(r2.workTree!, 'feature.txt'))).toBe(false);
    expect(await git.resolveRef(strict.repoUrl('acme/hist'), good, { kind: 'commit', name: hist.a[0]! })).toBe(hist.a[0]);
  });

  it('a commit in no branch or tag history, or none at all, is ref_not_found saying so', async () => {
    for (const sha of [hist.dangling, 'c'.repeat(40)]) {
      const out = dest();
      const e = await failure(git.fetchCommit(strict.repoUrl('acme/hist'), good, sha, out));
      expect(e.code).toBe('ref_not_found');
      expect(e.message).toMatch(/refused to send the commit [0-9a-f]{40} by its id, and it is not reachable from any branch or tag/);
      expect(e.details).toMatchObject({ commit: sha, reason: 'not_reachable' });
      expect(existsSync(out)).toBe(false);
      const r = await failure(git.resolveRef(strict.repoUrl('acme/hist'), good, { kind: 'commit', name: sha }));
      expect(r.code).toBe('ref_not_found');
      expect(r.message).toMatch(/not reachable from any branch or tag/);
    }
  });

  it('a submodule pinned below its repository\'s head is fetched the same way', async () => {
    const out = dest();
    const r = await git.fetchCommit(strict.repoUrl('acme/app2'), good, sub.app, out);
    expect(r.submodules).toEqual([{ path: 'vendor/lib', url: strict.repoUrl('acme/lib2'), commit: sub.lib[0] }]);
    expect(readFileSync(path.join(out, 'tree/vendor/lib/lib.txt'), 'utf8')).toBe('lib one\n');
    expect(readFileSync(path.join(out, 'tree/app.txt'), 'utf8')).toBe('app\n');
  });

  it('what the fallback fetches counts against maxBytes', async () => {
    const out = dest();
    const e = await failure(git.fetchCommit(strict.repoUrl('acme/heavy'), good, heavy[0]!, out, { maxBytes: 1024 * 1024 }));
    expect(e.code).toBe('too_large');
    expect(existsSync(out)).toBe(false);
    const r = await git.fetchCommit(strict.repoUrl('acme/heavy'), good, heavy[3]!, dest(), { maxBytes: 1024 * 1024 });
    expect(r.receivedBytes).toBeGreaterThan(600_000); // heavy[3] and heavy[4]: depth 2
    expect(r.receivedBytes).toBeLessThan(1024 * 1024);
  });
});

describe('the same server without filters: branches and tags deepened until the commit arrives', () => {
  it('fetches an ancestor, a submodule below its head, and says when a commit is unreachable', async () => {
    const r = await git.fetchCommit(bare.repoUrl('acme/hist'), good, hist.a[0]!, dest());
    expect(readFileSync(path.join(r.workTree!, 'main.txt'), 'utf8')).toBe('main 0\n');
    expect(await refsLeft(r.gitDir)).toBe('');
    expect(spy.calls.some((c) => c.args.some((a) => a.includes(bare.url)) && c.args.includes('--filter=tree:0') && c.args.some((a) => a.startsWith('+refs/heads/*')))).toBe(true);
    const app = await git.fetchCommit(bare.repoUrl('acme/app2'), good, sub.app, dest());
    expect(readFileSync(path.join(app.workTree!, 'vendor/lib/lib.txt'), 'utf8')).toBe('lib one\n');
    expect(await git.resolveRef(bare.repoUrl('acme/hist'), good, { kind: 'commit', name: hist.f[0]! })).toBe(hist.f[0]);
    const e = await failure(git.fetchCommit(bare.repoUrl('acme/hist'), good, hist.dangling, dest()));
    expect(e.code).toBe('ref_not_found');
    expect(e.message).toMatch(/not reachable from any branch or tag/);
  });
});

describe('only on that refusal', () => {
  it('a server that allows commits by id and lacks one answers at once, without listing refs', async () => {
    const before = spy.calls.length;
    const e = await failure(git.fetchCommit(open.repoUrl('acme/hist'), good, 'd'.repeat(40), dest()));
    expect(e.code).toBe('ref_not_found');
    expect(e.message).toMatch(/does not exist in/);
    expect(spy.calls.slice(before).some((c) => c.args.includes('ls-remote'))).toBe(false);
  });

  it('never puts the credential in argv or an error', () => {
    expect(spy.calls.filter((c) => c.args.includes('ls-remote')).length).toBeGreaterThan(3);
    for (const c of spy.calls) {
      const argv = [c.command, ...c.args].join(' ');
      for (const s of SECRET_FORMS) expect(argv).not.toContain(s);
      for (const [k, v] of Object.entries(c.env)) if (SECRET_FORMS.some((s) => v?.includes(s))) expect(k).toMatch(/^GIT_CONFIG_VALUE_\d+$/);
    }
    expect(seenErrors.length).toBeGreaterThan(4);
    for (const e of seenErrors) {
      const text = [String(e), JSON.stringify(e), (e as GitConnectorError).gitOutput ?? '', JSON.stringify((e as GitConnectorError).details ?? {})].join('\n');
      for (const s of SECRET_FORMS) expect(text).not.toContain(s);
    }
  });
});
