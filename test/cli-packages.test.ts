/**
 * `atrium packages …` and the package step of `atrium run` as a person runs them: the real CLI as
 * a child process against a listening test app with an API token, packages fetched from the
 * in-process git smart-HTTP server and installed in the bubblewrap sandbox. list shows pins and
 * their state; install prints the build's log and ends 0, a failing build exits 1 with the
 * server's message; --json is NDJSON; download writes a tar that `tar -tf` lists; add finds a
 * package by name; a wrong token is one clear line; a terminal gets a spinner that leaves nothing
 * behind; `atrium run` shows the log of a package it has to (re)install before running.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAvailable } from '../src/sandbox/sandbox-bwrap.js';
import { buildStandardFixtures, type StandardFixtures } from '../scripts/services/git-fixtures.js';
import { startGitServer, type GitServer } from '../scripts/services/git-server.js';
import { type Client, type TestApp, startTestApp } from './helpers/test-app.js';
import { freePort } from './helpers/test-process.js';

const GIT_TOKEN = 'glpat-CLI-PACKAGES-TEST-1';
const ws = '/api/v1/workspaces/demo';
let root: string;
let fx: StandardFixtures;
let git: GitServer;
let t: TestApp;
let admin: Client;
let editor: Client;
let provider: string;
let project: string;
let url: string;
let token: string;
const pkgIds = {} as Record<string, string>;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a child process, asynchronously: the server answering it runs in this process. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, ATRIUM_URL: url, ATRIUM_TOKEN: token, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const P = () => ['--project', project];

async function createPackage(body: Record<string, unknown>) {
  const r = await admin.post(`${ws}/git-packages`, { providerId: provider, repository: 'acme/tools', ref: { kind: 'tag', name: 'v1.0.0' }, ...body });
  expect(r.statusCode, r.body).toBe(201);
  pkgIds[body.name as string] = r.json().id;
  return r.json() as { id: string };
}
async function importInto(packageId: string) {
  const r = await editor.post(`/api/v1/projects/${project}/packages`, { packageId, confirm: true });
  expect(r.statusCode, r.body).toBe(201);
}
const ndjsonOf = (r: LightMyRequestResponse) => r.body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string });
/** Waits for an install the import started, so a test starts from a settled pin. */
async function settle(name: string) {
  const r = await editor.post(`/api/v1/projects/${project}/packages/${name}/install`);
  expect(r.statusCode, r.body).toBe(200);
  return ndjsonOf(r).at(-1);
}

beforeAll(async () => {
  if (!sandboxAvailable()) throw new Error('bubblewrap is required for these tests: run scripts/services/bubblewrap.sh install (as root)');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-cli-packages-'));
  fx = await buildStandardFixtures(path.join(root, 'repos'));
  git = await startGitServer({ root: path.join(root, 'repos'), tokens: { [GIT_TOKEN]: { repos: '*' } } });
  t = await startTestApp({ env: { ATRIUM_GIT_ALLOW_HTTP_LOOPBACK: 'true', ATRIUM_PACKAGE_INSTALL_TIMEOUT_MS: '30000' } });
  admin = await t.login('admin@demo.local');
  editor = await t.login('editor@demo.local');
  expect((await admin.patch(ws, { plan: 'team' })).statusCode).toBe(200);
  const p = await admin.post(`${ws}/git-providers`, { name: 'Local GitLab', kind: 'gitlab', config: { baseUrl: git.url }, credentials: { token: GIT_TOKEN } });
  expect(p.statusCode, p.body).toBe(201);
  provider = p.json().id;
  project = (await t.atrium.services.store.db.selectFrom('projects').select('id').where('name', '=', 'Revenue dashboard').executeTakeFirstOrThrow()).id;
  await createPackage({ name: 'built', installCommands: ['echo RAN-THE-BUILD', 'mkdir -p dist', 'cat src/index.js > dist/out.js'] });
  await createPackage({ name: 'broken', installCommands: ['echo ABOUT-TO-FAIL', 'exit 3'] });
  await createPackage({ name: 'slow', installCommands: ['echo STEP-ONE', 'sleep 1', 'echo STEP-TWO'] });
  await createPackage({ name: 'extra' });
  for (const n of ['built', 'broken', 'slow']) await importInto(pkgIds[n]!);
  for (const n of ['built', 'broken', 'slow']) await settle(n);
  token = (await editor.post('/api/v1/me/tokens', { name: 'cli', scopes: ['read', 'write'] })).json().token;
  await t.atrium.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.atrium.app.server.address() as { port: number }).port}`;
}, 120_000);

afterAll(async () => {
  await t?.atrium.services.gitPackages.idle();
  await t?.close();
  await git?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('atrium packages list', () => {
  it('shows each package with its pinned commit and status; a failed one with its error', async () => {
    const r = await cli(['packages', 'list', ...P()]);
    expect(r.code, r.stderr).toBe(0);
    const v1 = fx.tools.v1.slice(0, 12);
    expect(r.stdout).toMatch(new RegExp(`^built +${v1} +installed$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^broken +${v1} +failed +.+ \\(install_exit\\)$`, 'm'));
    expect(r.stderr).toMatch(/^3 package\(s\); 2 installed and current, 1 to install/);
    const j = JSON.parse((await cli(['packages', 'list', ...P(), '--json'])).stdout) as { packages: { name: string; commit: string; status: string; outdated: boolean }[] };
    expect(j.packages.find((p) => p.name === 'built')).toMatchObject({ commit: fx.tools.v1, status: 'installed', outdated: false });
  }, 30_000);

  it('says a pin is outdated, and why, once the package’s install commands change', async () => {
    expect((await admin.patch(`${ws}/git-packages/${pkgIds.slow}`, { installCommands: ['echo STEP-ONE', 'sleep 1', 'echo STEP-TWO-CHANGED'] })).statusCode).toBe(200);
    const r = await cli(['packages', 'list', ...P()]);
    expect(r.stdout).toMatch(/^slow +\w{12} +installed +outdated: .*install commands/m);
  }, 30_000);
});

describe('atrium packages install', () => {
  it('prints the build’s log as it comes and ends 0', async () => {
    const r = await cli(['packages', 'install', ...P(), 'slow']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('STEP-ONE');
    expect(r.stderr).toContain('STEP-TWO-CHANGED');
    expect(r.stderr).toMatch(/\nInstalled slow @ \w{12} in [\d.]+s\.\n$/);
    expect(r.stderr).not.toMatch(/[\r\x1b]/); // not a terminal: plain lines
    expect(r.stdout).toBe('');
  }, 60_000);

  it('a failing install exits 1 with the server’s message after the log', async () => {
    const r = await cli(['packages', 'install', ...P(), 'broken']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ABOUT-TO-FAIL');
    expect(r.stderr).toMatch(/\natrium: Installing broken failed: .+ \(install_exit\)\n$/);
  }, 60_000);

  it('--json prints the server’s events as valid NDJSON: status, log…, end', async () => {
    const r = await cli(['packages', 'install', ...P(), 'built', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(events[0]).toMatchObject({ type: 'status', status: 'installing', commit: fx.tools.v1 });
    expect(events.filter((e) => e.type === 'log').length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'installed', commit: fx.tools.v1, cached: true });
    expect(r.stderr).toBe('');
  }, 60_000);

  it('a package the project does not have is the server’s not_found', async () => {
    const r = await cli(['packages', 'install', ...P(), 'extra']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^atrium: .+ \(not_found\)\n$/);
  }, 30_000);

  it('on a terminal, shows a spinner with the elapsed time and clears it at the end', async () => {
    // `script` gives the CLI a real pseudo-terminal as stderr.
    const cmd = ['stty cols 120 rows 40;', ...[process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'packages', 'install', ...P(), 'built'].map((a) => `'${a}'`)].join(' ');
    const r = await new Promise<Run>((resolve, reject) => {
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, ATRIUM_URL: url, ATRIUM_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Installing built @ ${fx.tools.v1.slice(0, 12)} · \\d+s`));
    expect(r.stdout).toContain('\x1b[?25l'); // cursor hidden while drawing…
    const last = r.stdout.lastIndexOf('Installing built @');
    expect(r.stdout.indexOf('\x1b[?25h', last)).toBeGreaterThan(last); // …and shown again
    expect(r.stdout.indexOf('\x1b[0J', last)).toBeGreaterThan(last); // the spinner cleared
    expect(r.stdout).toContain('artifact found in the cache');
    expect(r.stdout).toMatch(/Installed built @ \w{12} in [\d.]+s \(from the cache\)\./);
  }, 60_000);
});

describe('atrium packages download', () => {
  it('writes a valid tar of the installed tree, and a zip with --format zip', async () => {
    const dest = path.join(root, 'built.tar');
    const r = await cli(['packages', 'download', ...P(), 'built', '-o', dest]);
    expect(r.code, r.stderr).toBe(0);
    // A tar's size is known (Content-Length): the download's progress lines.
    expect(r.stderr).toMatch(/^Downloading 1 file \([\d.]+ [kM]?B\) to .*built\.tar\nDownloaded 1 file \([\d.]+ [kM]?B\) in [\d.]+s/);
    const listing = (await promisify(execFile)('tar', ['-tf', dest])).stdout.split('\n');
    expect(listing).toEqual(expect.arrayContaining(['./dist/out.js', './src/index.js']));
    expect(fs.readdirSync(root).filter((f) => f.endsWith('.part'))).toEqual([]);
    const zip = path.join(root, 'built.zip');
    const z = await cli(['packages', 'download', ...P(), 'built', '--format', 'zip', '-o', zip]);
    expect(z.code, z.stderr).toBe(0);
    // A zip is made while it streams, its size unknown: one line at the end.
    expect(z.stderr).toMatch(/^Downloaded built \([\d.]+ [kM]?B\) to .*built\.zip in [\d.]+s\.\n$/);
    const quiet = await cli(['packages', 'download', ...P(), 'built', '-o', dest, '-q']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(fs.readFileSync(zip).subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect((await cli(['packages', 'download', ...P(), 'built', '--format', 'rar'])).code).toBe(2);
  }, 60_000);

  it('with a Content-Length (here from a stand-in server), shows the download’s progress', async () => {
    const body = Buffer.alloc(3_000_000, 7);
    const stub = http.createServer((req, res) => {
      if (req.url !== `/api/v1/projects/${project}/packages/big/archive?format=tar`) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/x-tar', 'content-length': body.length, 'content-disposition': 'attachment; filename="big-0123456789ab.tar"' });
      res.end(body);
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    try {
      const dest = path.join(root, 'big.tar');
      const r = await cli(['packages', 'download', ...P(), 'big', '-o', dest], { ATRIUM_URL: `http://127.0.0.1:${(stub.address() as { port: number }).port}` });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`Downloading 1 file (3.0 MB) to ${dest}`);
      expect(r.stderr).toMatch(/\nDownloaded 1 file \(3\.0 MB\) in [\d.]+s/);
      expect(fs.statSync(dest).size).toBe(body.length);
    } finally {
      stub.close();
    }
  }, 30_000);

  it('a package that failed to install has nothing to download, and no file is left', async () => {
    const dest = path.join(root, 'broken.tar');
    const r = await cli(['packages', 'download', ...P(), 'broken', '-o', dest]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^atrium: .+ \(\w+\)\n$/);
    expect(fs.existsSync(dest)).toBe(false);
  }, 60_000);
});

describe('atrium packages add', () => {
  it('finds a workspace package by name, pins it and follows its first install', async () => {
    const r = await cli(['packages', 'add', ...P(), 'EXTRA']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Added extra, pinned to ${fx.tools.v1.slice(0, 12)}.`);
    expect(r.stderr).toMatch(/Installed extra @ \w{12}/);
    const again = await cli(['packages', 'add', ...P(), 'extra', '--no-wait']);
    expect(again.stderr).toContain('extra is already in the project');
    const none = await cli(['packages', 'add', ...P(), 'nope']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^atrium: The workspace has no git package called 'nope' that you can see \(there are .*'built'/);
  }, 60_000);
});

describe('errors', () => {
  it('a wrong token is one clear line and exit 1; no token is exit 2; no server is exit 3', async () => {
    const wrong = await cli(['packages', 'list', ...P()], { ATRIUM_TOKEN: 'atr_not-a-real-token' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^atrium: .+ \(unauthenticated\)\n$/);
    const none = await cli(['packages', 'install', ...P(), 'built'], { ATRIUM_TOKEN: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^atrium: Set ATRIUM_TOKEN/);
    const port = await freePort();
    const away = await cli(['packages', 'list', ...P()], { ATRIUM_URL: `http://127.0.0.1:${port}` });
    expect(away.code).toBe(3);
  }, 30_000);
});

describe('atrium run', () => {
  it('installs an outdated package first, its log on stderr, then runs with it', async () => {
    expect((await admin.patch(`${ws}/git-packages/${pkgIds.built}`, { installCommands: ['echo REBUILT-FOR-RUN', 'mkdir -p dist', 'echo rebuilt > dist/out.js'] })).statusCode).toBe(200);
    const script = "process.stdout.write(require('fs').readFileSync('packages/built/dist/out.js', 'utf8'))";
    const r = await cli(['run', ...P(), '--', process.execPath, '-e', script]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('rebuilt\n');
    expect(r.stderr).toMatch(/atrium: package built is outdated \(.*install commands.*\): installing\n/);
    expect(r.stderr).toMatch(/atrium: {3}.*REBUILT-FOR-RUN/);
    expect(r.stderr).toMatch(/atrium: Installed built @ \w{12} in [\d.]+s\.\n/);
    // The failed one is tried again (log shown), then named and skipped as before.
    expect(r.stderr).toContain('ABOUT-TO-FAIL');
    expect(r.stderr).toMatch(/package broken is not installed .*; skipped/);
  }, 90_000);
});
