/**
 * The per-project byte limit holds under concurrency: an import in flight holds its room, so a
 * second import that fits alone but not together with it is refused (file_limit_exceeded), and
 * the first completes. Over HTTP, against radosgw (ATRIUM_TEST_S3); objects deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rawClient, testS3 } from '../src/connectors/s3/s3-test-support.js';
import { type TestApp, startTestApp } from './helpers/test-app.js';

const s3 = testS3();
const MiB = 1024 * 1024;
const RUN = `atrium-limits/${randomUUID()}`;
const raw = rawClient(s3);
let t: TestApp;

function bytes(size: number, seed: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(MiB, size - sent);
      this.push(Buffer.alloc(n, (seed + sent / MiB) & 0xff));
      sent += n;
    },
  });
}

beforeAll(async () => {
  await new Upload({ client: raw, params: { Bucket: s3.bucket, Key: `${RUN}/first.bin`, Body: bytes(160 * MiB, 1) }, partSize: 8 * MiB, queueSize: 4 }).done();
  await new Upload({ client: raw, params: { Bucket: s3.bucket, Key: `${RUN}/second.bin`, Body: bytes(40 * MiB, 2) }, partSize: 8 * MiB, queueSize: 4 }).done();
  // Each import fits the 180 MiB limit alone; both together (200 MiB) do not.
  t = await startTestApp({ env: { ATRIUM_PROJECT_FILES_MAX_BYTES: String(180 * MiB) } });
}, 180_000);
afterAll(async () => {
  await t?.close();
  for (const k of ['first.bin', 'second.bin']) await raw.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/${k}` })).catch(() => {});
  raw.destroy();
});

it('a second import that fits alone but not with the one in flight is refused; the first completes', async () => {
  const admin = await t.login('admin@demo.local');
  const editor = await t.login('editor@demo.local');
  const created = await admin.post('/api/v1/workspaces/demo/file-integrations', { name: 'Limits', bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, pathStyle: true, prefix: RUN, accessKeyId: s3.users.full.accessKeyId, secretAccessKey: s3.users.full.secretAccessKey });
  expect(created.statusCode, created.body).toBe(201);
  const fi = created.json().id as string;
  const projectId = (await t.atrium.services.store.db.selectFrom('projects').select('id').where('name', '=', 'Revenue dashboard').executeTakeFirstOrThrow()).id;
  expect((await editor.post(`/api/v1/projects/${projectId}/imports`, { assetId: fi })).statusCode).toBe(201);
  const url = `/api/v1/projects/${projectId}/file-integrations/${fi}/import`;

  const first = editor.post(url, { keys: ['first.bin'] });
  // The first import has passed its checks once its temp file exists: now start the second.
  const folder = path.join(t.db.dataDir, 'project-files', projectId, 'external-files/s3/Limits');
  const deadline = Date.now() + 60_000;
  while (!(fs.existsSync(folder) && fs.readdirSync(folder).some((n) => n.endsWith('.part')))) {
    if (Date.now() > deadline) throw new Error(`the first import never started writing: ${(await first).body.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const second = await editor.post(url, { keys: ['second.bin'] });
  expect(second.statusCode, second.body).toBe(413);
  // Refused because of the import in flight (its 160 MiB), not because it had already finished.
  expect(second.json()).toMatchObject({ error: { code: 'file_limit_exceeded', details: { limit: 'bytes', inFlight: 160 * MiB, adding: 40 * MiB } } });

  const done = await first;
  expect(done.statusCode).toBe(200);
  const events = done.body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string });
  expect(events.at(-1)).toMatchObject({ type: 'end', files: 1, bytes: 160 * MiB });
  expect(fs.statSync(path.join(folder, 'first.bin')).size).toBe(160 * MiB);
  expect(fs.readdirSync(folder)).toEqual(['first.bin']);

  // The first import's room is now its file: the second still does not fit, for that reason.
  const again = await editor.post(url, { keys: ['second.bin'] });
  expect(again.json()).toMatchObject({ error: { code: 'file_limit_exceeded', details: { current: 160 * MiB, inFlight: 0 } } });
  // Deleting the file frees the room; a failed import (unknown key) would have released it too.
  expect((await editor.del(`/api/v1/projects/${projectId}/files/content?path=${encodeURIComponent('external-files/s3/Limits/first.bin')}`)).statusCode).toBe(204);
  const last = await editor.post(url, { keys: ['second.bin'] });
  expect(last.statusCode, last.body).toBe(200);
}, 300_000);
