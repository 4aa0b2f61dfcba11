/**
 * The git connector against a real smart-HTTP server (`git http-backend` behind the token-checking
 * Node server of scripts/services/git-server.ts), started in-process with the standard fixtures.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandardFixtures, commitFiles, createLargeRepo, git as fixtureGit, initBare, type StandardFixtures } from '../../../scripts/services/git-fixtures.js';
import { startGitServer, type GitServer } from '../../../scripts/services/git-server.js';
import { createGitConnector, GitConnectorError, resolveSubmoduleUrl, type GitConnector, type GitCredentials } from './git-connector.js';
import { parseProgress } from './git-process.js';
import { allCommandLines, collect, listTar, listZip, spawnSpy } from './git-test-support.js';

let dir: string;
let root: string;
let server: GitServer;
let fx: StandardFixtures;
let git: GitConnector;
const spy = spawnSpy();
const rnd = Math.random().toString(36).slice(2);
const TOKEN = `ghs_SECRETtoken${rnd}`;
const EXPIRED = `ghs_EXPIREDtoken${rnd}`;
const APP_ONLY = `glpat-APPONLY${rnd}`;
const creds = (token: string): GitCredentials => ({ kind: 'basic', username: 'x-access-token', password: token });
const good = creds(TOKEN);
/** Every credential form that must never leak: the tokens and their basic-auth encodings. */
const SECRET_FORMS = [TOKEN, EXPIRED, APP_ONLY, ...[TOKEN, EXPIRED, APP_ONLY].map((t) => Buffer.from(`x-access-token:${t}`).toString('base64'))];
/** Every error the tests saw, checked for secrets at the end. */
const seenErrors: unknown[] = [];

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

const url = (repo: string): string => server.repoUrl(repo);
const dest = (): string => path.join(mkdtempSync(path.join(dir, 'dest-')), 'out');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atrium-git-test-'));
  root = path.join(dir, 'repos');
  fx = await buildStandardFixtures(root);
  server = await startGitServer({
    root,
    tokens: { [TOKEN]: { repos: '*', push: true }, [EXPIRED]: { expired: true }, [APP_ONLY]: { repos: ['acme/tools', 'acme/app'] } },
    publicRepos: ['acme/models'],
  });
  git = createGitConnector({ allowHttpLoopback: true, spawn: spy.spawn });
});

afterAll(async () => {
  git?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('resolveRef', () => {
  it('resolves branches, annotated and lightweight tags (peeled to the commit) and commits', async () => {
    expect(await git.resolveRef(url('acme/tools'), good, { kind: 'branch', name: 'main' })).toBe(fx.tools.main);
    expect(await git.resolveRef(url('acme/tools'), good, { kind: 'branch', name: 'dev' })).toBe(fx.tools.dev);
    const v1 = await git.resolveRef(url('acme/tools'), good, { kind: 'tag', name: 'v1.0.0' });
    expect(v1).toBe(fx.tools.v1);
    expect(v1).not.toBe(fx.tools.v1TagObject);
    expect(await git.resolveRef(url('acme/tools'), good, { kind: 'tag', name: 'v0.9.0' })).toBe(fx.tools.v09);
    expect(await git.resolveRef(url('acme/tools'), good, { kind: 'commit', name: fx.tools.commits[0]!.toUpperCase() })).toBe(fx.tools.commits[0]);
  });

  it('says which ref is missing, and refuses malformed names before asking the server', async () => {
    const before = server.requests.length;
    expect((await failure(git.resolveRef(url('acme/tools'), good, { kind: 'branch', name: 'a..b' }))).code).toBe('invalid_ref');
    expect((await failure(git.resolveRef(url('acme/tools'), good, { kind: 'commit', name: 'abc123' }))).code).toBe('invalid_ref');
    expect((await failure(git.resolveRef(url('acme/tools'), good, { kind: 'branch', name: '--upload-pack=x' }))).code).toBe('invalid_ref');
    expect(server.requests.length).toBe(before);

    const branch = await failure(git.resolveRef(url('acme/tools'), good, { kind: 'branch', name: 'nope' }));
    expect(branch.code).toBe('ref_not_found');
    expect(branch.message).toContain("branch 'nope'");
    // A tag is not a branch of the same name.
    expect((await failure(git.resolveRef(url('acme/tools'), good, { kind: 'branch', name: 'v1.0.0' }))).code).toBe('ref_not_found');
    expect((await failure(git.resolveRef(url('acme/tools'), good, { kind: 'tag', name: 'v9' }))).code).toBe('ref_not_found');
    const commit = await failure(git.resolveRef(url('acme/tools'), good, { kind: 'commit', name: 'a'.repeat(40) }));
    expect(commit.code).toBe('ref_not_found');
    // A tree id is an object on the server, but not a commit.
    const treeId = await fixtureGit(['rev-parse', `${fx.tools.main}^{tree}`], { gitDir: fx.tools.path });
    expect((await failure(git.resolveRef(url('acme/tools'), good, { kind: 'commit', name: treeId }))).code).toBe('ref_not_found');
  });

  it('a branch pin moves when a commit is pushed; the tag stays', async () => {
    const before = await git.resolveRef(url('acme/tools'), good, { kind: 'branch', name: 'main' });
    // Pushed over smart HTTP through the test server, as a developer would.
    const work = path.join(dir, 'push-work');
    const header = (token: string): Record<string, string> => ({
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
    });
    await fixtureGit(['clone', '--quiet', url('acme/tools'), work], { env: header(TOKEN) });
    writeFileSync(path.join(work, 'CHANGELOG.md'), 'moved\n');
    await fixtureGit(['-C', work, 'add', 'CHANGELOG.md']);
    await fixtureGit(['-C', work, 'commit', '--quiet', '-m', 'Move main']);
    // A token that may only read cannot push.
    await expect(fixtureGit(['-C', work, 'push', '--quiet', 'origin', 'main'], { env: header(APP_ONLY) })).rejects.toThrow(/403/);
    await fixtureGit(['-C', work, 'push', '--quiet', 'origin', 'main'], { env: header(TOKEN) });
    const next = await fixtureGit(['-C', work, 'rev-parse', 'HEAD']);
    expect(next).not.toBe(before);
    expect(await git.resolveRef(url('acme/tools'), good, { kind: 'branch', name: 'main' })).toBe(next);
    expect(await git.resolveRef(url('acme/tools'), good, { kind: 'tag', name: 'v1.0.0' })).toBe(fx.tools.v1);
    // And the old head stays fetchable by id.
    const r = await git.fetchCommit(url('acme/tools'), good, before, dest());
    expect(r.commit).toBe(before);
  });
});

describe('credentials', () => {
  it('a wrong or expired token, or none on a private repository, is refused clearly', async () => {
    const wrong = await failure(git.resolveRef(url('acme/tools'), creds('ghs_wrong'), { kind: 'branch', name: 'main' }));
    expect(wrong.code).toBe('auth_failed');
    expect(wrong.message).toMatch(/refused the credentials.*wrong, expired/);
    const expired = await failure(git.resolveRef(url('acme/tools'), creds(EXPIRED), { kind: 'branch', name: 'main' }));
    expect(expired.code).toBe('auth_failed');
    const expiredFetch = await failure(git.fetchCommit(url('acme/tools'), creds(EXPIRED), fx.tools.v1, dest()));
    expect(expiredFetch.code).toBe('auth_failed');
    const none = await failure(git.resolveRef(url('acme/tools'), { kind: 'none' }, { kind: 'branch', name: 'main' }));
    expect(none.code).toBe('auth_failed');
    expect(none.message).toMatch(/asks for credentials/);
    // The server really saw the token only as a header (sanity check of the test server).
    expect(server.requests.some((r) => r.status === 401)).toBe(true);
  });

  it('a token without access to a repository gets repo_not_found, as from GitHub', async () => {
    const e = await failure(git.resolveRef(url('acme/lib'), creds(APP_ONLY), { kind: 'branch', name: 'main' }));
    expect(e.code).toBe('repo_not_found');
    expect((await failure(git.resolveRef(url('acme/missing'), good, { kind: 'branch', name: 'main' }))).code).toBe('repo_not_found');
  });

  it('public repositories need no credentials; bearer tokens work', async () => {
    expect(await git.resolveRef(url('acme/models'), { kind: 'none' }, { kind: 'branch', name: 'main' })).toBe(fx.models.main);
    expect(await git.resolveRef(url('acme/tools'), { kind: 'bearer', token: TOKEN }, { kind: 'tag', name: 'v1.0.0' })).toBe(fx.tools.v1);
  });

  it('credentials with line breaks are refused (no header injection)', async () => {
    const e = await failure(git.resolveRef(url('acme/tools'), creds(`${TOKEN}\r\nX-Evil: 1`), { kind: 'branch', name: 'main' }));
    expect(e.code).toBe('auth_failed');
  });
});

describe('remotes', () => {
  it('refuses non-HTTPS remotes, URLs with credentials, and metadata addresses', async () => {
    const cases: [string, string][] = [
      ['ssh://git@github.com/acme/tools.git', 'invalid_remote'],
      ['git@github.com:acme/tools.git', 'invalid_remote'],
      ['file:///etc/passwd', 'invalid_remote'],
      [`https://x-access-token:${TOKEN}@github.com/acme/tools.git`, 'invalid_remote'],
      ['https://169.254.169.254/latest/meta-data.git', 'ssrf_blocked'],
      ['https://metadata.google.internal/x.git', 'ssrf_blocked'],
      ['http://10.0.0.1/acme/tools.git', 'invalid_remote'], // http only to loopback, and only when allowed
      ['https://github.com/acme/tools.git?x=1', 'invalid_remote'],
    ];
    for (const [remote, code] of cases) {
      const e = await failure(git.resolveRef(remote, good, { kind: 'branch', name: 'main' }));
      expect(e.code, remote).toBe(code);
    }
    const strict = createGitConnector();
    try {
      expect((await failure(strict.resolveRef(url('acme/tools'), good, { kind: 'branch', name: 'main' }))).code).toBe('invalid_remote');
    } finally {
      strict.close();
    }
  });

  it('an unreachable server is host_unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const e = await failure(git.resolveRef(`http://127.0.0.1:${port}/acme/tools.git`, good, { kind: 'branch', name: 'main' }));
    expect(e.code).toBe('host_unreachable');
  });

  it('reads git progress lines (the quick path of the size limit)', () => {
    expect(parseProgress('Receiving objects:  45% (450/1000), 1.50 MiB | 2.40 MiB/s')).toEqual({ phase: 'Receiving objects', percent: 45, done: 450, total: 1000, bytes: 1572864 });
    expect(parseProgress('Receiving objects:   3% (3/100)')).toEqual({ phase: 'Receiving objects', percent: 3, done: 3, total: 100 });
    expect(parseProgress('remote: Counting objects: 100% (7/7), done.')?.phase).toBe('Counting objects');
    expect(parseProgress('From http://127.0.0.1/x')).toBeNull();
  });

  it('resolves relative submodule URLs as git does', () => {
    expect(resolveSubmoduleUrl('https://h/org/app.git', '../lib.git')).toBe('https://h/org/lib.git');
    expect(resolveSubmoduleUrl('https://h/org/app.git/', '../../other/lib.git')).toBe('https://h/other/lib.git');
    expect(resolveSubmoduleUrl('https://h/org/app.git', './sub.git')).toBe('https://h/org/app.git/sub.git');
    expect(resolveSubmoduleUrl('https://h/org/app.git', 'https://other/x.git')).toBe('https://other/x.git');
  });
});

describe('fetchCommit', () => {
  it('fetches exactly the pinned commit (depth 1) and checks it out; archives are tar or zip, stable', async () => {
    const out = dest();
    const phases = new Set<string>();
    const r = await git.fetchCommit(url('acme/tools'), good, fx.tools.v1, out, { onProgress: (p) => phases.add(p.phase) });
    expect(r.commit).toBe(fx.tools.v1);
    expect(r.workTree).toBe(path.join(out, 'tree'));
    expect(readFileSync(path.join(out, 'tree/src/index.js'), 'utf8')).toBe('export const version = "1.0.0";\n');
    expect(statSync(path.join(out, 'tree/bin/run.sh')).mode & 0o111).not.toBe(0);
    expect(existsSync(path.join(out, 'tree/.git'))).toBe(false);
    expect(r.files).toBe(3);
    expect(r.receivedBytes).toBeGreaterThan(0);
    expect(r.submodules).toEqual([]);
    expect(phases.has('done')).toBe(true);
    // Shallow: the parent commit did not come along.
    await expect(fixtureGit(['cat-file', '-e', fx.tools.commits[0]!], { gitDir: r.gitDir })).rejects.toThrow();

    const tar = listTar(await collect(git.archive(out, 'tar', { prefix: 'tools' })));
    expect([...tar.keys()].filter((k) => !k.endsWith('/')).sort()).toEqual(['tools/README.md', 'tools/bin/run.sh', 'tools/src/index.js']);
    expect(tar.get('tools/src/index.js')!.content.toString()).toBe('export const version = "1.0.0";\n');
    expect(tar.get('tools/bin/run.sh')!.mode & 0o111).not.toBe(0);
    const zip1 = await collect(git.archive(out, 'zip'));
    expect(listZip(zip1).filter((n) => !n.endsWith('/')).sort()).toEqual(['README.md', 'bin/run.sh', 'src/index.js']);
    const zip2 = await collect(git.archive(out, 'zip'));
    expect(zip2.equals(zip1)).toBe(true);
  });

  it('refuses a destination that is not empty and an invalid commit id', async () => {
    const out = dest();
    await git.fetchCommit(url('acme/tools'), good, fx.tools.v1, out);
    await expect(git.fetchCommit(url('acme/tools'), good, fx.tools.v1, out)).rejects.toThrow(/not empty/);
    expect((await failure(git.fetchCommit(url('acme/tools'), good, 'main', dest()))).code).toBe('invalid_ref');
    const missing = dest();
    expect((await failure(git.fetchCommit(url('acme/tools'), good, 'b'.repeat(40), missing))).code).toBe('ref_not_found');
    expect(existsSync(missing)).toBe(false);
  });

  it('fetches a submodule at its recorded commit from the same server, with the same credentials', async () => {
    const out = dest();
    const r = await git.fetchCommit(url('acme/app'), good, fx.app.main, out);
    expect(r.submodules).toEqual([{ path: 'vendor/lib', url: url('acme/lib'), commit: fx.lib.main }]);
    expect(readFileSync(path.join(out, 'tree/vendor/lib/lib.txt'), 'utf8')).toBe('the library\n');
    expect(readFileSync(path.join(out, 'tree/vendor/lib/nested/deep.txt'), 'utf8')).toBe('deep\n');
    expect(r.files).toBe(4); // app.txt, .gitmodules, lib.txt, nested/deep.txt
    const names = [...listTar(await collect(git.archive(out, 'tar'))).keys()];
    expect(names).toContain('vendor/lib/lib.txt');
    expect(names).toContain('vendor/lib/nested/deep.txt');
    // Archives of a pin with submodules are stable too.
    const a = await collect(git.archive(out, 'tar'));
    const again = dest();
    await git.fetchCommit(url('acme/app'), good, fx.app.main, again);
    expect((await collect(git.archive(again, 'tar'))).equals(a)).toBe(true);
  });

  it('a submodule the token cannot read fails like the repository would', async () => {
    const e = await failure(git.fetchCommit(url('acme/app'), creds(APP_ONLY), fx.app.main, dest()));
    expect(e.code).toBe('repo_not_found');
    expect(e.message).toContain('acme/lib.git');
  });

  it('refuses submodules on another server, over ssh, or every submodule when configured so', async () => {
    const foreign = await initBare(root, 'acme/foreign');
    const lib = fx.lib.main;
    const c1 = await commitFiles(foreign, {
      files: { '.gitmodules': '[submodule "x"]\n\tpath = ext\n\turl = https://example.com/x.git\n', ext: { gitlink: lib } },
    });
    const e1 = await failure(git.fetchCommit(url('acme/foreign'), good, c1, dest()));
    expect(e1.code).toBe('submodule_refused');
    expect(e1.message).toMatch(/ext lives on another server \(https:\/\/example\.com\)/);
    const c2 = await commitFiles(foreign, {
      files: { '.gitmodules': '[submodule "x"]\n\tpath = ext\n\turl = git@github.com:acme/lib.git\n' },
    });
    const e2 = await failure(git.fetchCommit(url('acme/foreign'), good, c2, dest()));
    expect(e2.code).toBe('submodule_refused');
    expect(e2.message).toMatch(/not use an HTTPS URL/);
    const c3 = await commitFiles(foreign, { files: { '.gitmodules': '# nothing\n' } });
    expect((await failure(git.fetchCommit(url('acme/foreign'), good, c3, dest()))).message).toMatch(/no URL in \.gitmodules/);

    const refusing = createGitConnector({ allowHttpLoopback: true, submodules: 'refuse' });
    try {
      const e = await failure(refusing.fetchCommit(url('acme/app'), good, fx.app.main, dest()));
      expect(e.code).toBe('submodule_refused');
      expect(e.details.path).toBe('vendor/lib');
    } finally {
      refusing.close();
    }
  });

  it('refuses a repository with LFS pointers, naming the files', async () => {
    const out = dest();
    const e = await failure(git.fetchCommit(url('acme/models'), { kind: 'none' }, fx.models.main, out));
    expect(e.code).toBe('lfs_not_supported');
    expect(e.message).toContain('models/weights.bin');
    expect(e.details.paths).toEqual(['models/weights.bin']);
    expect(existsSync(out)).toBe(false);

    // Without an LFS attribute, the same text is an ordinary file of the repository.
    const plain = await initBare(root, 'acme/pointer-text');
    const pointer = await fixtureGit(['cat-file', 'blob', `${fx.models.main}:models/weights.bin`], { gitDir: fx.models.path });
    const head = await commitFiles(plain, { files: { 'docs/example-pointer.txt': pointer } });
    const r = await git.fetchCommit(url('acme/pointer-text'), good, head, dest());
    expect(readFileSync(path.join(r.workTree!, 'docs/example-pointer.txt'), 'utf8')).toBe(pointer);
  });

  it('stops a transfer above maxBytes, and a tree above maxTreeBytes', async () => {
    const big = await createLargeRepo(root, 'acme/big', { files: 40, fileBytes: 200_000, content: 'random' });
    const out = dest();
    const t0 = Date.now();
    const e = await failure(git.fetchCommit(url('acme/big'), good, big.head, out, { maxBytes: 1024 * 1024 }));
    expect(e.code).toBe('too_large');
    expect(e.message).toMatch(/larger than the limit of 1\.0 MiB/);
    expect(existsSync(out)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(15_000);

    // 8 MiB of zeros packs into a few KiB: only the tree limit catches it, before checkout.
    const bomb = await initBare(root, 'acme/bomb');
    const head = await commitFiles(bomb, { files: { 'zeros.bin': Buffer.alloc(8 * 1024 * 1024) } });
    const out2 = dest();
    const e2 = await failure(git.fetchCommit(url('acme/bomb'), good, head, out2, { maxBytes: 1024 * 1024, maxTreeBytes: 4 * 1024 * 1024 }));
    expect(e2.code).toBe('too_large');
    expect(e2.message).toMatch(/files of the commit take 8\.0 MiB/);
    expect(await git.fetchCommit(url('acme/bomb'), good, head, dest(), { maxBytes: 1024 * 1024, maxTreeBytes: 9 * 1024 * 1024 })).toMatchObject({ treeBytes: 8 * 1024 * 1024 });
  });

  it('stops at its time limit or when cancelled, and kills git; the token is in no command line meanwhile', async () => {
    server.setDelay('acme/tools', 30_000);
    try {
      const out = dest();
      const t0 = Date.now();
      const seen = server.requests.length;
      const pending = failure(git.fetchCommit(url('acme/tools'), good, fx.tools.v1, out, { timeoutMs: 4000 }));
      // Once git waits for the pack (its request is held by the server), look at every process's argv.
      const waiting = (): boolean => server.requests.slice(seen).some((r) => r.path === '/acme/tools.git/git-upload-pack' && r.status === 0);
      for (let i = 0; i < 300 && !waiting(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(waiting()).toBe(true);
      const lines = allCommandLines();
      const ours = lines.filter((l) => l.includes(url('acme/tools')));
      expect(ours.length).toBeGreaterThan(0); // git and git-remote-http are there...
      for (const l of lines) for (const s of SECRET_FORMS) expect(l).not.toContain(s); // ...without the token
      const e = await pending;
      expect(e.code).toBe('timeout');
      expect(e.message).toMatch(/limit of 4 s/);
      expect(Date.now() - t0).toBeLessThan(9000);
      expect(existsSync(out)).toBe(false);
      await new Promise((r) => setTimeout(r, 200));
      expect(allCommandLines().filter((l) => l.includes(out))).toEqual([]);
      expect(allCommandLines().filter((l) => l.includes(url('acme/tools')))).toEqual([]);

      const ac = new AbortController();
      const cancelled = failure(git.fetchCommit(url('acme/tools'), good, fx.tools.v1, dest(), { signal: ac.signal }));
      setTimeout(() => ac.abort(), 300);
      expect((await cancelled).code).toBe('cancelled');
    } finally {
      server.setDelay('acme/tools', 0);
    }
  });

  it('never puts a credential in argv or in an error; it travels only as a config value in the environment', async () => {
    const withToken = spy.calls.filter((c) => Object.values(c.env).some((v) => v?.includes('Authorization:')));
    expect(withToken.length).toBeGreaterThan(5);
    for (const c of spy.calls) {
      const argv = [c.command, ...c.args].join(' ');
      for (const s of SECRET_FORMS) expect(argv).not.toContain(s);
      for (const [k, v] of Object.entries(c.env)) {
        if (SECRET_FORMS.some((s) => v?.includes(s))) expect(k).toMatch(/^GIT_CONFIG_VALUE_\d+$/);
      }
      expect(c.env.GIT_TERMINAL_PROMPT).toBe('0');
      expect(c.env.GIT_CONFIG_NOSYSTEM).toBe('1');
      expect(Object.keys(c.env).some((k) => /proxy|SSH_AUTH_SOCK|ATRIUM/i.test(k))).toBe(false);
      expect(c.args).toContain('protocol.allow=never');
      expect(c.args).toContain('core.hooksPath=/dev/null');
    }
    expect(seenErrors.length).toBeGreaterThan(10);
    for (const e of seenErrors) {
      const text = [String(e), JSON.stringify(e), (e as GitConnectorError).gitOutput ?? '', JSON.stringify((e as GitConnectorError).details ?? {})].join('\n');
      for (const s of SECRET_FORMS) expect(text).not.toContain(s);
    }
  });
});
