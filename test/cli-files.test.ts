/**
 * `atrium files …` as a person runs it: the real CLI as a child process against a listening test
 * app with an API token, over a real S3 (radosgw, ATRIUM_TEST_S3). Import shows progress and the
 * file lands; --json is valid NDJSON; export with writeback off fails with writeback_disabled;
 * list, browse (past 1,000 keys), upload and download round-trip; a wrong token, a read-only token,
 * an unknown integration and an unreachable server each give one clear line and their exit code;
 * Ctrl-C stops an import and the server discards the file it was moving; a terminal gets bars.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureListFixtures, rawClient, testS3 } from '../src/connectors/s3/s3-test-support.js';
import { type Client, type TestApp, startTestApp } from './helpers/test-app.js';
import { freePort } from './helpers/test-process.js';

const s3 = testS3();
const RUN = `atrium-cli/${randomUUID()}`;
const CSV = 'region,amount\nnorth,10\nsouth,32\n';
const BIG = randomBytes(48 * 1024 * 1024);
const raw = rawClient(s3);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-cli-'));
const ws = '/api/v1/workspaces/demo';

let t: TestApp;
let editor: Client;
let url: string;
let token: string;
let readOnlyToken: string;
let project: string;
const ids = {} as Record<'bucket' | 'noWriteback' | 'fixtures', string>;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a child process; `onStdout` sees its output as it comes (to send Ctrl-C mid-way). */
function cli(args: string[], opts: { env?: Record<string, string>; onStdout?: (soFar: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'files', ...args], {
      env: { ...process.env, ATRIUM_URL: url, ATRIUM_TOKEN: token, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: process.cwd(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      opts.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const settings = (user: 'full' | 'noPut', over: Record<string, unknown> = {}) => ({
  bucket: s3.bucket,
  region: s3.region,
  endpoint: s3.endpoint,
  pathStyle: true,
  prefix: RUN,
  accessKeyId: s3.users[user].accessKeyId,
  secretAccessKey: s3.users[user].secretAccessKey,
  ...over,
});

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const P = () => ['--project', project];

beforeAll(async () => {
  await ensureListFixtures(s3);
  await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/sales.csv`, Body: CSV }));
  await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/dir/notes.txt`, Body: 'hello from s3' }));
  await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/big.bin`, Body: BIG }));
  t = await startTestApp();
  const admin = await t.login('admin@demo.local');
  editor = await t.login('editor@demo.local');
  await admin.patch(ws, { plan: 'professional' });
  const mk = async (name: string, body: Record<string, unknown>) => {
    const r = await admin.post(`${ws}/file-integrations`, { name, ...body });
    if (r.statusCode !== 201) throw new Error(`creating ${name}: ${r.body}`);
    return r.json().id as string;
  };
  ids.bucket = await mk('Bucket', { writeback: true, ...settings('full') });
  ids.noWriteback = await mk('Read only', { writeback: false, ...settings('noPut') });
  ids.fixtures = await mk('Fixtures', settings('full', { prefix: 'fixtures/list-1100' }));
  project = (await t.atrium.services.store.db.selectFrom('projects').select('id').where('name', '=', 'Revenue dashboard').executeTakeFirstOrThrow()).id;
  for (const id of Object.values(ids)) expect((await editor.post(`/api/v1/projects/${project}/imports`, { assetId: id })).statusCode).toBe(201);
  token = (await editor.post('/api/v1/me/tokens', { name: 'cli', scopes: ['read', 'write'] })).json().token;
  readOnlyToken = (await editor.post('/api/v1/me/tokens', { name: 'cli-ro', scopes: ['read'] })).json().token;
  await t.atrium.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.atrium.app.server.address() as { port: number }).port}`;
}, 180_000);

afterAll(async () => {
  await t?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const k of ['sales.csv', 'dir/notes.txt', 'big.bin', 'exported/report.txt']) await raw.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/${k}` })).catch(() => {});
  raw.destroy();
});

const projectFile = async (p: string) => editor.get(`/api/v1/projects/${project}/files/content?path=${encodeURIComponent(p)}`);

describe('import', () => {
  it('shows a line per file and the total, and the files land in external-files/s3/<integration>/', async () => {
    const r = await cli(['import', ...P(), '--integration', 'Bucket', 'sales.csv', 'dir/notes.txt']);
    expect(r.stderr).toContain("Importing 2 files (45 B) from 'Bucket'");
    expect(r.stderr).toContain('[1/2] sales.csv → external-files/s3/Bucket/sales.csv (32 B, verified by');
    expect(r.stderr).toContain('[2/2] dir/notes.txt → external-files/s3/Bucket/dir/notes.txt (13 B, verified by');
    expect(r.stderr).toMatch(/\nImported 2 files \(45 B\) in [\d.]+s/);
    // Not a terminal: no redraws.
    expect(r.stderr).not.toMatch(/[\r\x1b]/);
    expect(r.code, r.stderr).toBe(0);
    expect((await projectFile('external-files/s3/Bucket/sales.csv')).body).toBe(CSV);
    expect((await projectFile('external-files/s3/Bucket/dir/notes.txt')).body).toBe('hello from s3');
  }, 60_000);

  it('--json prints the server’s events as NDJSON: start, progress, file, end', async () => {
    const r = await cli(['import', ...P(), '--integration', ids.bucket, '--json', 'big.bin']);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(events[0]).toEqual({ type: 'start', direction: 'import', files: 1, bytes: BIG.length });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toMatchObject({ key: 'big.bin', loaded: BIG.length, total: BIG.length });
    expect(events.filter((e) => e.type === 'file')).toEqual([expect.objectContaining({ key: 'big.bin', path: 'external-files/s3/Bucket/big.bin', size: BIG.length })]);
    expect(events.at(-1)).toMatchObject({ type: 'end', files: 1, bytes: BIG.length });
    expect(r.stderr).toBe('');
    expect(sha(Buffer.from((await projectFile('external-files/s3/Bucket/big.bin')).rawPayload))).toBe(sha(BIG));
  }, 60_000);

  it('on a terminal, draws a bar for the file and for the total (bytes, rate, ETA)', async () => {
    // `script` gives the CLI a real pseudo-terminal as stderr.
    const cmd = ['stty cols 120 rows 40;', ...[process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'files', 'import', ...P(), '--integration', 'Bucket', 'big.bin', 'sales.csv'].map((a) => `'${a}'`)].join(' ');
    const r = await new Promise<Run>((resolve, reject) => {
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, ATRIUM_URL: url, ATRIUM_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr: '' }));
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/Total 0\/2 +█*░+ +\d+% {2}[\d.]+ [kMG]?B of 50\.3 MB · [\d.]+ [kMG]?B\/s · ETA /);
    expect(r.stdout).toMatch(/big\.bin +[█░]+ +\d+%/);
    expect(r.stdout).toContain('\x1b[?25l'); // cli-progress hides the cursor while it draws…
    expect(r.stdout).toContain('\x1b[0J'); // …and clears the bars at the end
    expect(r.stdout).toContain('[1/2] big.bin → external-files/s3/Bucket/big.bin');
    expect(r.stdout).toMatch(/Imported 2 files \(50\.3 MB\)/);
  }, 60_000);

  it('Ctrl-C stops the import: exit 130, and the server discards the file it was moving', async () => {
    // Imported by the tests above (when they ran): start without it.
    expect([204, 404]).toContain((await editor.del(`/api/v1/projects/${project}/files/content?path=external-files/s3/Bucket/big.bin`)).statusCode);
    let sent = false;
    const r = await cli(['import', ...P(), '--integration', 'Bucket', '--json', 'big.bin', 'sales.csv'], {
      onStdout: (soFar, child) => {
        // Interrupt at the first progress line of big.bin that is not its end.
        const mid = soFar.split('\n').some((l) => l.includes('"type":"progress"') && !l.includes(`"loaded":${BIG.length}`));
        if (mid && !sent) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(r.stderr).toMatch(/^atrium: Interrupted: the request was cancelled/);
    expect(r.stdout).not.toContain('"type":"end"');
    // The server notices the hang-up, stops, and audits an incomplete import of 0 of 2 files…
    const db = t.atrium.services.store.db;
    let audited: Record<string, unknown> | undefined;
    for (let i = 0; i < 100 && !audited; i++) {
      const rows = await db.selectFrom('audit_events').select(['details']).where('action', '=', 'file_integration.import').execute();
      audited = rows.map((row) => (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as Record<string, unknown>).find((d) => d.planned === 2 && d.complete === false);
      if (!audited) await new Promise((res) => setTimeout(res, 100));
    }
    expect(audited).toMatchObject({ projectId: project, files: 0, planned: 2, complete: false });
    // …and the file it was moving is not placed.
    expect((await projectFile('external-files/s3/Bucket/big.bin')).statusCode).toBe(404);
  }, 60_000);
});

describe('export', () => {
  it('with writeback off fails with the server’s writeback_disabled message and exit 1', async () => {
    const r = await cli(['export', ...P(), '--integration', 'Read only', 'external-files/s3/Bucket/sales.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^atrium: .*writeback.* \(writeback_disabled\)\n$/i);
    expect(r.stdout).toBe('');
  }, 30_000);

  it('with writeback on sends a project file to the bucket, with progress lines', async () => {
    const up = await editor.request('PUT', `/api/v1/projects/${project}/files/content?path=external-files/s3/Bucket/exported/report.txt`, 'made by a project', { 'content-type': 'application/octet-stream' });
    expect(up.statusCode).toBe(200);
    const r = await cli(['export', ...P(), '--integration', 'bucket', 'external-files/s3/Bucket/exported/report.txt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Exporting 1 file (17 B) to 'Bucket'");
    expect(r.stderr).toContain('[1/1] external-files/s3/Bucket/exported/report.txt → exported/report.txt (17 B');
    const obj = await raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/exported/report.txt` }));
    expect(await obj.Body!.transformToString()).toBe('made by a project');
  }, 30_000);
});

describe('list and browse', () => {
  it('list shows size, modified and path; --json is the server’s list', async () => {
    const r = await cli(['list', ...P(), '--prefix', 'external-files/s3/Bucket/']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ +32 B {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}external-files\/s3\/Bucket\/sales\.csv$/m);
    expect(r.stdout).toMatch(/^ +13 B {2}.* {2}external-files\/s3\/Bucket\/dir\/notes\.txt$/m);
    expect(r.stderr).toMatch(/file\(s\) under external-files\/s3\/Bucket\/; the project holds \d+ of 10000 files/);
    const j = await cli(['list', ...P(), '--json']);
    const body = JSON.parse(j.stdout) as { files: { path: string; size: number }[]; usage: { files: number } };
    expect(body.files).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'external-files/s3/Bucket/sales.csv', size: CSV.length })]));
    expect(body.usage.files).toBe(body.files.length);
  }, 30_000);

  it('browse shows folders and objects of one level, by name or id', async () => {
    const r = await cli(['browse', ...P(), '--integration', 'Bucket']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ +DIR {20}dir\/$/m);
    expect(r.stdout).toMatch(/^ +32 B {2}\d{4}-.* {2}sales\.csv$/m);
    expect(r.stdout).toMatch(/^ +50\.3 MB {2}.* {2}big\.bin$/m);
    const sub = JSON.parse((await cli(['browse', ...P(), '--integration', ids.bucket, '--prefix', 'dir', '--json'])).stdout);
    expect(sub).toMatchObject({ integration: { id: ids.bucket, name: 'Bucket' }, prefix: 'dir/', folders: [], truncated: false });
    expect(sub.objects.map((o: { key: string }) => o.key)).toEqual(['dir/notes.txt']);
  }, 30_000);

  it('browse follows the pages past 1,000 keys, or stops at --limit', async () => {
    const all = JSON.parse((await cli(['browse', ...P(), '--integration', 'Fixtures', '--json'])).stdout);
    expect(all.objects.length).toBe(1100);
    expect(new Set(all.objects.map((o: { key: string }) => o.key)).size).toBe(1100);
    expect(all.folders.map((f: { prefix: string }) => f.prefix).sort()).toEqual(['sub-a/', 'sub-b/']);
    expect(all.truncated).toBe(false);
    const some = await cli(['browse', ...P(), '--integration', 'Fixtures', '--limit', '5']);
    expect(some.code).toBe(0);
    expect(some.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect(some.stderr).toContain('more not shown (--limit 5)');
  }, 60_000);
});

describe('upload and download', () => {
  it('round-trip a file, streamed, and download to standard output', async () => {
    const local = path.join(tmp, 'local.bin');
    const data = randomBytes(3 * 1024 * 1024 + 17);
    fs.writeFileSync(local, data);
    const up = await cli(['upload', ...P(), local, '--as', 'results/run-1/local.bin', '--json']);
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ path: 'results/run-1/local.bin', size: data.length });
    expect(up.stderr).toBe(''); // --json: the result only, no progress
    const dest = path.join(tmp, 'back.bin');
    const down = await cli(['download', ...P(), 'results/run-1/local.bin', '-o', dest]);
    expect(down.code, down.stderr).toBe(0);
    expect(sha(fs.readFileSync(dest))).toBe(sha(data));
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.part'))).toEqual([]);
    const toStdout = await cli(['download', ...P(), 'external-files/s3/Bucket/sales.csv', '-o', '-']);
    expect(toStdout.stdout).toBe(CSV);
    const del = await cli(['rm', ...P(), 'results/run-1/local.bin']);
    expect(del.code).toBe(0);
    expect((await projectFile('results/run-1/local.bin')).statusCode).toBe(404);
  }, 60_000);

  it('a missing file is the server’s not_found, and no file is left behind', async () => {
    const dest = path.join(tmp, 'nothing.txt');
    const r = await cli(['download', ...P(), 'no/such/file.txt', '-o', dest]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^atrium: .+ \(not_found\)\n$/);
    expect(fs.existsSync(dest)).toBe(false);
  }, 30_000);
});

describe('errors are one clear line with an exit code', () => {
  it('a wrong token', async () => {
    const r = await cli(['list', ...P()], { env: { ATRIUM_TOKEN: 'atr_not-a-real-token' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^atrium: .+ \(unauthenticated\)\n$/);
  }, 30_000);

  it('a read-only token cannot import, and is told why', async () => {
    const r = await cli(['import', ...P(), '--integration', 'Bucket', 'sales.csv'], { env: { ATRIUM_TOKEN: readOnlyToken } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('atrium: This API token is read-only; create a token with the write scope to make changes. (forbidden)\n');
  }, 30_000);

  it('an integration the project does not import', async () => {
    const r = await cli(['browse', ...P(), '--integration', 'Nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^atrium: The project imports no file integration called 'Nope' \(it imports .*'Bucket'.*\)/);
  }, 30_000);

  it('no token, and missing arguments, are usage errors (exit 2)', async () => {
    const r = await cli(['list', ...P()], { env: { ATRIUM_TOKEN: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^atrium: Set ATRIUM_TOKEN/);
    const noKeys = await cli(['import', ...P(), '--integration', 'Bucket']);
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toContain('Name the object keys to import');
    expect((await cli(['list'])).code).toBe(2);
  }, 30_000);

  it('an unreachable server (exit 3)', async () => {
    const port = await freePort();
    const r = await cli(['list', ...P()], { env: { ATRIUM_URL: `http://127.0.0.1:${port}` } });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`atrium: Cannot reach Atrium at http://127.0.0.1:${port} (ECONNREFUSED). Check --url or ATRIUM_URL, and that the server runs.\n`);
  }, 30_000);

  it('--help lists the exit codes', async () => {
    const r = await cli(['import', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:\n {2}0 +done\n {2}1 +the server refused[^\n]*\n {2}2 +wrong arguments[^\n]*\n {2}3 +the server could not be reached\n {2}130 +interrupted/);
  }, 30_000);
});
