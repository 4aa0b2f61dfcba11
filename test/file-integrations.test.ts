/**
 * File integrations end to end over HTTP, against a real S3 that checks signatures and bucket
 * policies (radosgw; ATRIUM_TEST_S3, users full / noPut / noList): each missing permission named on
 * save, wrong secret refused, browse past 1,000 keys, import and export with progress, writeback
 * off refused, the project's files for viewers and web viewers, hostile paths, SQL cells reading
 * imported CSV and Parquet files (and not another project's), delete with cascade — and a leak
 * scan: the secret key appears in no response, log line, audit event or database page.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureListFixtures, rawClient, testS3 } from '../src/connectors/s3/s3-test-support.js';
import { type Client, type TestApp, startTestApp } from './helpers/test-app.js';

const s3 = testS3();
const RUN = `atrium-it/${randomUUID()}`;
const ws = '/api/v1/workspaces/demo';
const SECRET = s3.users.full.secretAccessKey;
const SECRETS = [s3.users.full.secretAccessKey, s3.users.noPut.secretAccessKey, s3.users.noList.secretAccessKey, 'wrong-secret-LEAKCANARY-51'];
const CSV = 'region,amount\nnorth,10\nsouth,32\n';

let t: TestApp;
const c = {} as Record<'admin' | 'editor' | 'viewer' | 'guest' | 'anon', Client>;
const responses: { url: string; body: string }[] = [];
const ids = {} as Record<'revenue' | 'churn' | 'kpis' | 'interview' | 'raw' | 'fixtures' | 'noWriteback' | 'duck', string>;
const raw = rawClient(s3);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-fi-'));

function recording(client: Client): Client {
  const wrap = (fn: (...a: any[]) => Promise<LightMyRequestResponse>) => async (...a: any[]) => {
    const r = await fn(...a);
    responses.push({ url: `${a[0]} ${a[1] ?? ''}`, body: r.body });
    return r;
  };
  return { ...client, request: wrap(client.request), get: wrap(client.get), post: wrap(client.post), put: wrap(client.put), patch: wrap(client.patch), del: wrap(client.del) };
}

const settings = (user: 'full' | 'noPut' | 'noList', over: Record<string, unknown> = {}) => ({
  bucket: s3.bucket,
  region: s3.region,
  endpoint: s3.endpoint,
  pathStyle: true,
  prefix: RUN,
  accessKeyId: s3.users[user].accessKeyId,
  secretAccessKey: s3.users[user].secretAccessKey,
  ...over,
});

const lines = (r: LightMyRequestResponse) =>
  r.body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; [k: string]: any });

beforeAll(async () => {
  // The 1,100 objects browsed past a page: created once per S3 server, shared with the connector's tests.
  await ensureListFixtures(s3);
  t = await startTestApp();
  for (const r of ['admin', 'editor', 'viewer', 'guest'] as const) c[r] = recording(await t.login(`${r}@demo.local`));
  c.anon = recording(t.anonymous);
  const db = t.atrium.services.store.db;
  const byName = async (name: string) => (await db.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  ids.revenue = await byName('Revenue dashboard');
  ids.churn = await byName('Churn analysis');
  ids.kpis = await byName('Public KPIs');
  ids.interview = await byName('Interview exercise');
  // Objects of this run: a CSV, a Parquet file, a nested one.
  const parquet = path.join(tmp, 'sales.parquet');
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  await conn.run(`COPY (SELECT 'east' AS region, 7 AS amount UNION ALL SELECT 'west', 35) TO '${parquet}' (FORMAT parquet)`);
  conn.closeSync();
  duck.closeSync();
  await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/sales.csv`, Body: CSV }));
  await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/sales.parquet`, Body: fs.readFileSync(parquet) }));
  await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/nested/deep/notes.txt`, Body: 'hello from s3' }));
}, 180_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const k of ['sales.csv', 'sales.parquet', 'nested/deep/notes.txt', 'out/result.txt', 'cli/rows.txt']) await raw.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/${k}` })).catch(() => {});
  raw.destroy();
});

describe('saving an integration checks the key', () => {
  it('needs the Professional plan, naming it', async () => {
    await c.admin.patch(ws, { plan: 'community' });
    const r = await c.admin.post(`${ws}/file-integrations`, { name: 'Raw', ...settings('full') });
    expect(r.statusCode).toBe(402);
    expect(r.json().error).toMatchObject({ code: 'plan_required', details: { requiredPlan: 'professional' } });
    await c.admin.patch(ws, { plan: 'professional' });
  });

  it('only admins add integrations', async () => {
    expect((await c.editor.post(`${ws}/file-integrations`, { name: 'Raw', ...settings('full') })).statusCode).toBe(403);
    expect((await c.anon.post(`${ws}/file-integrations`, { name: 'Raw', ...settings('full') })).statusCode).toBe(401);
  });

  it('names s3:PutObject when writeback is on and the key lacks it', async () => {
    const r = await c.admin.post(`${ws}/file-integrations`, { name: 'No put', writeback: true, ...settings('noPut') });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('s3_permissions_missing');
    expect(r.json().error.details.missing).toEqual(['s3:PutObject']);
    expect(r.json().error.message).toMatch(/Writeback needs s3:PutObject .*which this key lacks/);
    // Without writeback the same key is fine.
    const ok = await c.admin.post(`${ws}/file-integrations`, { name: 'No put', writeback: false, ...settings('noPut') });
    expect(ok.statusCode).toBe(201);
    ids.noWriteback = ok.json().id;
    // And turning writeback on later is checked again.
    const on = await c.admin.patch(`${ws}/file-integrations/${ids.noWriteback}`, { writeback: true });
    expect(on.statusCode).toBe(422);
    expect(on.json().error.details.missing).toEqual(['s3:PutObject']);
  });

  it('names s3:ListBucket for a key that cannot list', async () => {
    const r = await c.admin.post(`${ws}/file-integrations`, { name: 'No list', ...settings('noList') });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.details.missing).toContain('s3:ListBucket');
    expect(r.json().error.message).toContain('s3:ListBucket');
  });

  it('refuses a wrong secret', async () => {
    const r = await c.admin.post(`${ws}/file-integrations`, { name: 'Wrong', ...settings('full', { secretAccessKey: 'wrong-secret-LEAKCANARY-51' }) });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('auth_failed');
  });

  it('"test" reports what a key lacks without saving anything', async () => {
    const r = await c.admin.post(`${ws}/file-integrations/test`, { writeback: true, ...settings('noPut') });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ ok: false, missing: [{ permission: 's3:PutObject' }] });
    expect(r.json().granted).toEqual(expect.arrayContaining(['s3:ListBucket', 's3:GetObject']));
    const saved = await c.admin.post(`${ws}/file-integrations/${ids.noWriteback}/test`);
    expect(saved.json()).toMatchObject({ ok: true, missing: [] });
  });

  it('a full key saves; the secret is write-only', async () => {
    const r = await c.admin.post(`${ws}/file-integrations`, { name: 'Raw', writeback: true, ...settings('full') });
    expect(r.statusCode).toBe(201);
    const body = r.json();
    ids.raw = body.id;
    expect(body).toMatchObject({ name: 'Raw', bucket: s3.bucket, prefix: `${RUN}/`, writeback: true, hasCredentials: true, folder: 'external-files/s3/Raw', access: ['workspace'], usageCount: 0 });
    expect(body.accessKeyIdHint).toBe(`…${s3.users.full.accessKeyId.slice(-4)}`);
    expect(JSON.stringify(body)).not.toContain(s3.users.full.accessKeyId);
    const fx = await c.admin.post(`${ws}/file-integrations`, { name: 'Fixtures', ...settings('full', { prefix: 'fixtures/list-1100' }) });
    expect(fx.statusCode).toBe(201);
    ids.fixtures = fx.json().id;
    const list = (await c.viewer.get(`${ws}/file-integrations`)).json();
    expect(list.fileIntegrations.map((f: { name: string }) => f.name)).toEqual(['Fixtures', 'No put', 'Raw']);
    expect((await c.guest.get(`${ws}/file-integrations`)).json().fileIntegrations).toEqual([]);
  });
});

describe('inside a project', () => {
  it('the project must import the integration first (rule 5)', async () => {
    const r = await c.editor.get(`/api/v1/projects/${ids.revenue}/file-integrations/${ids.raw}/objects`);
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toContain('import it first');
    for (const id of [ids.raw, ids.fixtures, ids.noWriteback]) expect((await c.editor.post(`/api/v1/projects/${ids.revenue}/imports`, { assetId: id })).statusCode).toBe(201);
    expect((await c.editor.post(`/api/v1/projects/${ids.kpis}/imports`, { assetId: ids.raw })).statusCode).toBe(201);
    const list = (await c.editor.get(`/api/v1/projects/${ids.revenue}/file-integrations`)).json();
    expect(list.fileIntegrations.find((f: { id: string }) => f.id === ids.raw)).toMatchObject({ name: 'Raw', canUse: true, writeback: true });
  });

  it('browses folders and objects, by page past 1,000 keys, with a name filter', async () => {
    const root = (await c.editor.get(`/api/v1/projects/${ids.revenue}/file-integrations/${ids.raw}/objects`)).json();
    expect(root.folders).toEqual([{ prefix: 'nested/', name: 'nested' }]);
    expect(root.objects.map((o: { key: string; size: number }) => [o.key, o.size])).toEqual([
      ['sales.csv', CSV.length],
      ['sales.parquet', expect.any(Number)],
    ]);
    expect(root.objects[0].modified).toMatch(/^\d{4}-/);

    const base = `/api/v1/projects/${ids.revenue}/file-integrations/${ids.fixtures}/objects`;
    const keys: string[] = [];
    const folders: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await c.editor.get(`${base}${token ? `?pageToken=${encodeURIComponent(token)}` : ''}`);
      expect(r.statusCode).toBe(200);
      keys.push(...r.json().objects.map((o: { key: string }) => o.key));
      folders.push(...r.json().folders.map((f: { prefix: string }) => f.prefix));
      token = r.json().nextPageToken;
      pages++;
    } while (token);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(keys.length).toBe(1100);
    expect(new Set(keys).size).toBe(1100);
    expect(folders.sort()).toEqual(['sub-a/', 'sub-b/']);
    const found: string[] = [];
    token = undefined;
    do {
      const r: { objects: { key: string }[]; nextPageToken?: string } = (await c.editor.get(`${base}?q=FILE-1099${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`)).json();
      found.push(...r.objects.map((o: { key: string }) => o.key));
      token = r.nextPageToken;
    } while (token);
    expect(found).toEqual(['file-1099.txt']);
  });

  it('viewers, guests without access and anonymous callers cannot browse', async () => {
    const url = `/api/v1/projects/${ids.revenue}/file-integrations/${ids.raw}/objects`;
    expect((await c.viewer.get(url)).statusCode).toBe(403);
    expect((await c.guest.get(url)).statusCode).toBe(404);
    expect((await c.anon.get(url)).statusCode).toBe(401);
  });

  it('imports objects with progress into external-files/s3/<integration>/', async () => {
    const r = await c.editor.post(`/api/v1/projects/${ids.revenue}/file-integrations/${ids.raw}/import`, { keys: ['sales.csv', 'sales.parquet'], prefix: 'nested/' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('application/x-ndjson');
    const ev = lines(r);
    expect(ev[0]).toMatchObject({ type: 'start', direction: 'import', files: 3 });
    expect(ev.filter((e) => e.type === 'file').map((e) => e.path).sort()).toEqual(['external-files/s3/Raw/nested/deep/notes.txt', 'external-files/s3/Raw/sales.csv', 'external-files/s3/Raw/sales.parquet']);
    expect(ev.filter((e) => e.type === 'file').every((e) => e.verifiedBy.length > 0)).toBe(true);
    expect(ev.at(-1)).toMatchObject({ type: 'end', files: 3 });
    const files = (await c.viewer.get(`/api/v1/projects/${ids.revenue}/files`)).json();
    expect(files.files.map((f: { path: string }) => f.path)).toEqual(['external-files/s3/Raw/nested/deep/notes.txt', 'external-files/s3/Raw/sales.csv', 'external-files/s3/Raw/sales.parquet']);
    expect(files.usage).toMatchObject({ files: 3 });
    expect(files.files[0].sqlPath).toBeUndefined(); // viewers do not run SQL cells
    const ev2 = (await c.admin.get(`${ws}/audit-events?action=file_integration.import`)).json().events[0];
    expect(ev2.details).toMatchObject({ projectId: ids.revenue, files: 3, complete: true });
  });

  it('an unknown key is refused before anything moves', async () => {
    const r = await c.editor.post(`/api/v1/projects/${ids.revenue}/file-integrations/${ids.raw}/import`, { keys: ['missing.csv'] });
    expect(r.statusCode).toBe(404);
  });

  it('viewers and anonymous web viewers download files (rule 6) but cannot import or export', async () => {
    const url = `/api/v1/projects/${ids.revenue}/files/content?path=${encodeURIComponent('external-files/s3/Raw/sales.csv')}`;
    const d = await c.viewer.get(url);
    expect(d.statusCode, d.body).toBe(200);
    expect(d.body).toBe(CSV);
    expect(d.headers['content-disposition']).toBe(`attachment; filename="sales.csv"; filename*=UTF-8''sales.csv`);
    expect(d.headers['content-type']).toBe('application/octet-stream');
    expect((await c.viewer.post(`/api/v1/projects/${ids.revenue}/file-integrations/${ids.raw}/import`, { keys: ['sales.csv'] })).statusCode).toBe(403);
    expect((await c.viewer.post(`/api/v1/projects/${ids.revenue}/file-integrations/${ids.raw}/export`, { prefix: '' })).statusCode).toBe(403);
    expect((await c.viewer.del(url)).statusCode).toBe(403);

    // The public project: an editor imports, anyone with the link downloads.
    expect((await c.editor.post(`/api/v1/projects/${ids.kpis}/file-integrations/${ids.raw}/import`, { keys: ['sales.csv'] })).statusCode).toBe(200);
    const pub = await c.anon.get(`/api/v1/projects/${ids.kpis}/files/content?path=external-files/s3/Raw/sales.csv`);
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toBe(CSV);
    expect((await c.anon.get(`/api/v1/projects/${ids.kpis}/files`)).json().files).toHaveLength(1);
    expect((await c.anon.post(`/api/v1/projects/${ids.kpis}/file-integrations/${ids.raw}/import`, { keys: ['sales.csv'] })).statusCode).toBe(401);
    expect((await c.anon.post(`/api/v1/projects/${ids.kpis}/file-integrations/${ids.raw}/export`, { prefix: '' })).statusCode).toBe(401);
  });

  it('a guest without access to the project or the integration is refused', async () => {
    expect((await c.guest.get(`/api/v1/projects/${ids.revenue}/files`)).statusCode).toBe(404);
    expect((await c.guest.get(`/api/v1/projects/${ids.revenue}/files/content?path=external-files/s3/Raw/sales.csv`)).statusCode).toBe(404);
    // In the guest's own project, an imported integration they lack access to downgrades them (rule 4).
    expect((await c.admin.post(`/api/v1/projects/${ids.interview}/imports`, { assetId: ids.raw, confirm: true })).statusCode).toBe(201);
    expect((await c.guest.get(`/api/v1/projects/${ids.interview}/file-integrations/${ids.raw}/objects`)).statusCode).toBe(404);
    expect((await c.guest.post(`/api/v1/projects/${ids.interview}/file-integrations/${ids.raw}/import`, { keys: ['sales.csv'] })).statusCode).toBe(404);
    const pi = (await c.guest.get(`/api/v1/projects/${ids.interview}/file-integrations`)).json();
    expect(pi.fileIntegrations).toEqual([expect.objectContaining({ id: ids.raw, visible: false, canUse: false, writeback: null })]);
  });

  it('refuses hostile paths', async () => {
    const base = `/api/v1/projects/${ids.revenue}/files/content?path=`;
    for (const p of ['../../../etc/passwd', '/etc/passwd', 'a\\..\\b', 'a%00b', 'external-files/../../x', 'x'.repeat(1500), 'a//b', './a']) {
      const r = await c.editor.get(base + (p.includes('%') ? p : encodeURIComponent(p)));
      expect(r.statusCode, p).toBe(400);
      expect(r.json().error.code, p).toBe('validation_failed');
      expect(r.body).not.toContain(t.db.dataDir);
    }
    expect((await c.editor.get(`${base}nope.csv`)).statusCode).toBe(404);
    const up = await c.editor.request('PUT', `/api/v1/projects/${ids.revenue}/files/content?path=${encodeURIComponent('../escape.txt')}`, Buffer.from('x'), { 'content-type': 'application/octet-stream' });
    expect(up.statusCode).toBe(400);
    expect(fs.existsSync(path.join(t.db.dataDir, 'project-files', 'escape.txt'))).toBe(false);
  });

  it('export is refused when writeback is off', async () => {
    const r = await c.editor.post(`/api/v1/projects/${ids.revenue}/file-integrations/${ids.noWriteback}/export`, { paths: ['external-files/s3/Raw/sales.csv'] });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('writeback_disabled');
  });

  it('exports project files to the bucket with writeback', async () => {
    const up = await c.editor.request('PUT', `/api/v1/projects/${ids.revenue}/files/content?path=${encodeURIComponent('external-files/s3/Raw/out/result.txt')}`, Buffer.from('computed'), { 'content-type': 'application/octet-stream' });
    expect(up.statusCode).toBe(200);
    const r = await c.editor.post(`/api/v1/projects/${ids.revenue}/file-integrations/${ids.raw}/export`, { paths: ['external-files/s3/Raw/out/result.txt'] });
    expect(r.statusCode).toBe(200);
    const ev = lines(r);
    expect(ev.find((e) => e.type === 'file')).toMatchObject({ key: 'out/result.txt', size: 8 });
    expect(ev.at(-1)).toMatchObject({ type: 'end', files: 1 });
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/out/result.txt` }));
    expect(head.ContentLength).toBe(8);
  });

  it('a SQL cell reads the project’s imported CSV and Parquet files, and not another project’s', async () => {
    const duck = await c.admin.post(`${ws}/data-connections`, { name: 'Files duck', type: 'duckdb', config: { path: ':memory:' }, readOnly: true });
    expect(duck.statusCode).toBe(201);
    ids.duck = duck.json().id;
    expect((await c.editor.post(`/api/v1/projects/${ids.revenue}/imports`, { assetId: ids.duck })).statusCode).toBe(201);
    const files = (await c.editor.get(`/api/v1/projects/${ids.revenue}/files`)).json().files as { path: string; sqlPath: string }[];
    const csvPath = files.find((f) => f.path.endsWith('sales.csv'))!.sqlPath;
    const pqPath = files.find((f) => f.path.endsWith('sales.parquet'))!.sqlPath;
    const q = async (project: string, sqlText: string) => c.editor.post(`/api/v1/projects/${project}/queries`, { sql: sqlText, connectionId: ids.duck });
    const rowsOf = (r: LightMyRequestResponse) => lines(r).filter((e) => e.type === 'rows').flatMap((e) => e.rows);
    const a = await q(ids.revenue, `select sum(amount) as total from read_csv('${csvPath}')`);
    expect(a.statusCode, a.body).toBe(200);
    expect(rowsOf(a)).toEqual([[42]]);
    const b = await q(ids.revenue, `select region from read_parquet('${pqPath}') order by region`);
    expect(b.statusCode, b.body).toBe(200);
    expect(rowsOf(b)).toEqual([['east'], ['west']]);

    // The same file imported into another project is not readable from this one.
    expect((await c.admin.post(`/api/v1/projects/${ids.churn}/imports`, { assetId: ids.raw })).statusCode).toBe(201);
    expect((await c.admin.post(`/api/v1/projects/${ids.churn}/file-integrations/${ids.raw}/import`, { keys: ['sales.csv'] })).statusCode).toBe(200);
    expect((await c.admin.post(`/api/v1/projects/${ids.churn}/imports`, { assetId: ids.duck })).statusCode).toBe(201);
    const other = (await c.admin.get(`/api/v1/projects/${ids.churn}/files`)).json().files[0].sqlPath as string;
    // Paths are relative to the project's own files (no host path is ever shown)…
    expect(csvPath).toBe('external-files/s3/Raw/sales.csv');
    expect(other).toBe(csvPath);
    // …and the other project's copy, named by its host path or by climbing out, is not there.
    for (const path of [`${t.db.dataDir}/project-files/${ids.churn}/${other}`, `../project-files/${ids.churn}/${other}`, `/project/../${ids.churn}/${other}`]) {
      const x = await q(ids.revenue, `select * from read_csv('${path}')`);
      const failed = x.statusCode !== 200 || lines(x).some((e) => e.type === 'error');
      expect(failed, `${path}: ${x.body}`).toBe(true);
      expect(x.statusCode === 200 ? rowsOf(x) : []).toEqual([]);
    }
    // …while its own project reads it.
    const own = await c.admin.post(`/api/v1/projects/${ids.churn}/queries`, { sql: `select count(*) from read_csv('${other}')`, connectionId: ids.duck });
    expect(rowsOf(own)).toEqual([[2]]);
  });

  it('editors delete files', async () => {
    const url = `/api/v1/projects/${ids.revenue}/files/content?path=${encodeURIComponent('external-files/s3/Raw/out/result.txt')}`;
    expect((await c.editor.del(url)).statusCode).toBe(204);
    expect((await c.editor.del(url)).statusCode).toBe(404);
  });

  it('the runtime lists what the caller may use, for a token with the write scope', async () => {
    const r = await c.editor.get(`/api/v1/projects/${ids.revenue}/runtime/files`);
    expect(r.statusCode).toBe(200);
    const raw_ = r.json().integrations.find((i: { id: string }) => i.id === ids.raw);
    expect(raw_).toMatchObject({ name: 'Raw', folder: 'external-files/s3/Raw', writeback: true });
    expect(raw_.files.map((f: { path: string }) => f.path)).toContain('external-files/s3/Raw/sales.csv');
    const ro = await t.tokenClient('editor@demo.local', ['read']);
    expect((await ro.get(`/api/v1/projects/${ids.revenue}/runtime/files`)).statusCode).toBe(403);
    expect((await c.viewer.get(`/api/v1/projects/${ids.revenue}/runtime/files`)).statusCode).toBe(403);
  });

  it('atrium run places the files in its working directory and writes back what the command made', async () => {
    const tok = (await c.editor.post('/api/v1/me/tokens', { name: 'run', scopes: ['read', 'write'] })).json().token;
    await t.atrium.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.atrium.app.server.address() as { port: number };
    // Reads an imported file, changes nothing else, writes a new one under the integration's folder.
    const script = `const fs = require('fs');
      const csv = fs.readFileSync('external-files/s3/Raw/sales.csv', 'utf8');
      fs.mkdirSync('external-files/s3/Raw/cli', { recursive: true });
      fs.writeFileSync('external-files/s3/Raw/cli/rows.txt', String(csv.trim().split('\\n').length - 1));
      process.stdout.write('cwd-ok');`;
    const out = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--project', ids.revenue, '--url', `http://127.0.0.1:${addr.port}`, '--', process.execPath, '-e', script], { env: { ...process.env, ATRIUM_TOKEN: tok } });
    expect(out.stdout).toBe('cwd-ok');
    expect(out.stderr).toContain("file(s) of 'Raw' in external-files/s3/Raw/ (writeback on)");
    expect(out.stderr).toContain("atrium: exported cli/rows.txt to 'Raw'");
    expect(out.stderr).not.toContain('sales.csv to'); // unchanged files stay where they are
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/cli/rows.txt` }));
    expect(head.ContentLength).toBe(1);
    const back = await c.viewer.get(`/api/v1/projects/${ids.revenue}/files/content?path=external-files/s3/Raw/cli/rows.txt`);
    expect(back.body).toBe('2');
    // The project's own copy is removed again so later counts hold.
    expect((await c.editor.del(`/api/v1/projects/${ids.revenue}/files/content?path=external-files/s3/Raw/cli/rows.txt`)).statusCode).toBe(204);
  }, 60_000);
});

describe('delete', () => {
  it('previews the usage, then removes the integration from every project (files stay: they are results)', async () => {
    const pre = await c.admin.del(`${ws}/file-integrations/${ids.raw}`);
    expect(pre.statusCode).toBe(409);
    expect(pre.json().error, pre.body).toMatchObject({ code: 'confirmation_required', details: { usage: { count: 4 } } });
    expect((await c.editor.del(`${ws}/file-integrations/${ids.raw}?confirm=true`)).statusCode).toBe(403);
    const r = await c.admin.del(`${ws}/file-integrations/${ids.raw}?confirm=true`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ applied: true, usage: { count: 4 } });
    const db = t.atrium.services.store.db;
    expect(await db.selectFrom('project_imports').selectAll().where('asset_id', '=', ids.raw).execute()).toEqual([]);
    expect(await db.selectFrom('file_integrations').selectAll().where('asset_id', '=', ids.raw).execute()).toEqual([]);
    expect((await c.editor.get(`/api/v1/projects/${ids.revenue}/file-integrations/${ids.raw}/objects`)).statusCode).toBe(404);
    expect((await c.admin.get(`${ws}/file-integrations/${ids.raw}`)).statusCode).toBe(404);
    expect((await c.viewer.get(`/api/v1/projects/${ids.revenue}/files`)).json().files.length).toBe(3);
  });
});

describe('leak scan', () => {
  it('the secret keys occur in no response', () => {
    expect(responses.length).toBeGreaterThan(40);
    for (const r of responses) for (const s of SECRETS) expect(r.body, r.url).not.toContain(s);
    // the scan reads real bodies: the bucket name is in them
    expect(responses.some((r) => r.body.includes(s3.bucket))).toBe(true);
  });

  it('never in the logs or the audit log', async () => {
    const logs = t.logs.join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    for (const s of SECRETS) expect(logs).not.toContain(s);
    const audit = JSON.stringify(await t.atrium.services.store.db.selectFrom('audit_events').selectAll().execute());
    expect(audit).toContain('file_integration.create');
    for (const s of SECRETS) expect(audit).not.toContain(s);
  });

  it('never in the database in plaintext', async () => {
    const s = t.atrium.services.store;
    if (s.dialect === 'sqlite') {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(s.db);
      const files = fs.readdirSync(t.db.dataDir).filter((f) => f.startsWith('atrium.db'));
      const bytes = Buffer.concat(files.map((f) => fs.readFileSync(path.join(t.db.dataDir, f))));
      expect(bytes.includes(Buffer.from(s3.bucket))).toBe(true);
      for (const v of SECRETS) expect(bytes.includes(Buffer.from(v))).toBe(false);
    } else {
      for (const tb of ['file_integrations', 'assets', 'audit_events'] as const) {
        const dump = JSON.stringify(await (s.db as any).selectFrom(tb).selectAll().execute());
        for (const v of SECRETS) expect(dump, tb).not.toContain(v);
      }
    }
  });
});
void SECRET;
