/**
 * Downloads and uploads against a real radosgw: round trips with checksums, bounded memory on a
 * 200 MB object, and cancels that leave nothing behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Connector } from './s3-connector.js';
import { assertCode, connectorFor, failure, peakRssGrowth, rawClient, testS3 } from './s3-test-support.js';

const s3 = testS3();
const MiB = 1024 * 1024;
const RUN = `transfer-tests/${process.pid}-${Date.now()}/`;
const BIG = 200 * MiB;
const RSS_BOUND = 128 * MiB;

let dir: string;
let full: S3Connector;
let raw: S3Client;
let bigPath: string;
let bigSha: string;

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** A file of `size` bytes whose every MiB differs (so a misplaced part cannot go unnoticed). */
async function makeFile(file: string, size: number): Promise<string> {
  const base = randomBytes(MiB);
  const h = createHash('sha256');
  const fh = await open(file, 'w');
  try {
    for (let off = 0, i = 0; off < size; off += MiB, i++) {
      const chunk = Buffer.from(base.subarray(0, Math.min(MiB, size - off)));
      if (chunk.length >= 4) chunk.writeUInt32BE(i, 0);
      h.update(chunk);
      await fh.write(chunk);
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'atrium-s3-transfer-'));
  full = connectorFor(s3, 'full', { prefix: RUN });
  raw = rawClient(s3);
  bigPath = path.join(dir, 'big.bin');
  bigSha = await makeFile(bigPath, BIG);
}, 120_000);

afterAll(async () => {
  full?.close();
  if (raw) {
    const r = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: RUN }));
    await Promise.all((r.Contents ?? []).map((o) => raw.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: o.Key! }))));
    raw.destroy();
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('round trips', () => {
  it('a small file: one PUT, checked against its MD5 ETag both ways', async () => {
    const src = path.join(dir, 'small.bin');
    await writeFile(src, randomBytes(300 * 1024 + 7));
    const progress: number[] = [];
    const up = await full.upload(src, 'small.bin', { onProgress: (p) => progress.push(p.loaded) });
    expect(up).toMatchObject({ key: 'small.bin', size: 300 * 1024 + 7, multipart: false, verifiedBy: ['etag-md5'] });
    expect(progress.at(-1)).toBe(300 * 1024 + 7);
    const dest = path.join(dir, 'out', 'small.bin');
    const down = await full.download('small.bin', dest);
    expect(down).toMatchObject({ key: 'small.bin', size: 300 * 1024 + 7, verifiedBy: ['etag-md5'] });
    expect(await sha256(dest)).toBe(await sha256(src));
  });

  it('an empty file round-trips', async () => {
    const src = path.join(dir, 'empty.bin');
    await writeFile(src, '');
    expect(await full.upload(src, 'empty.bin')).toMatchObject({ size: 0, multipart: false, verifiedBy: ['etag-md5'] });
    const dest = path.join(dir, 'empty.out');
    expect(await full.download('empty.bin', dest)).toMatchObject({ size: 0, verifiedBy: ['etag-md5'] });
    expect((await stat(dest)).size).toBe(0);
  });

  it('a multipart file: our 8 MiB parts, ETag worked out on the way back', async () => {
    const src = path.join(dir, 'mp.bin');
    const sha = await makeFile(src, 20 * MiB + 1);
    const up = await full.upload(src, 'mp.bin');
    expect(up).toMatchObject({ multipart: true, verifiedBy: ['etag-multipart-md5'] });
    expect(up.etag).toMatch(/^[0-9a-f]{32}-3$/);
    const dest = path.join(dir, 'mp.out');
    const down = await full.download('mp.bin', dest);
    expect(down.verifiedBy).toEqual(['etag-multipart-md5']);
    expect(await sha256(dest)).toBe(sha);
  });

  it("someone else's multipart upload (the SDK's 5 MiB parts) is verified too", async () => {
    const body = randomBytes(12 * MiB + 3);
    await new Upload({ client: raw, params: { Bucket: s3.bucket, Key: `${RUN}sdk-5mib.bin`, Body: body }, partSize: 5 * MiB }).done();
    const dest = path.join(dir, 'sdk-5mib.out');
    const down = await full.download('sdk-5mib.bin', dest);
    expect(down.etag).toMatch(/-3$/);
    expect(down.verifiedBy).toEqual(['etag-multipart-md5']);
    expect(await sha256(dest)).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('noList may download a key it knows; a missing key is object_not_found and writes nothing', async () => {
    const noList = connectorFor(s3, 'noList', { prefix: RUN });
    try {
      const down = await noList.download('small.bin', path.join(dir, 'nolist.bin'));
      expect(down.verifiedBy).toEqual(['etag-md5']);
      // Without s3:ListBucket a missing key is AccessDenied (S3 hides which keys exist).
      assertCode(await failure(() => noList.download('nope.bin', path.join(dir, 'nope-nolist.bin'))), 'access_denied');
    } finally {
      noList.close();
    }
    const dest = path.join(dir, 'nope.bin');
    assertCode(await failure(() => full.download('nope.bin', dest)), 'object_not_found');
    await expect(stat(dest)).rejects.toThrow();
  });

  it('keys that could escape a local folder or the prefix are refused', async () => {
    for (const key of ['../x', 'a/../../x', '/abs', '', 'folder/']) {
      assertCode(await failure(() => full.download(key, path.join(dir, 'k'))), 'invalid_key');
    }
    assertCode(await failure(() => full.upload(path.join(dir, 'missing-file'), 'x.bin')), 'file_error');
  });
});

describe('200 MB', () => {
  it(`upload and download keep the process's RSS growth under ${RSS_BOUND / MiB} MB, and the bytes intact`, async () => {
    const up = await peakRssGrowth(() => full.upload(bigPath, 'big.bin'));
    expect(up.result).toMatchObject({ size: BIG, multipart: true, verifiedBy: ['etag-multipart-md5'] });
    const dest = path.join(dir, 'big.out');
    const down = await peakRssGrowth(() => full.download('big.bin', dest));
    expect(down.result).toMatchObject({ size: BIG, verifiedBy: ['etag-multipart-md5'] });
    console.log(`200 MB: upload RSS +${(up.growthBytes / MiB).toFixed(1)} MB, download RSS +${(down.growthBytes / MiB).toFixed(1)} MB`);
    expect(up.growthBytes).toBeLessThan(RSS_BOUND);
    expect(down.growthBytes).toBeLessThan(RSS_BOUND);
    expect(await sha256(dest)).toBe(bigSha);
    await rm(dest);
  }, 180_000);

  it('a download cancelled midway leaves no file and no temp file', async () => {
    const outDir = path.join(dir, 'cancel-down');
    const dest = path.join(outDir, 'big.out');
    const ac = new AbortController();
    let seen = 0;
    const e = await failure(() =>
      full.download('big.bin', dest, {
        signal: ac.signal,
        onProgress: (p) => {
          seen = p.loaded;
          if (p.loaded > 20 * MiB) ac.abort();
        },
      }),
    );
    assertCode(e, 'cancelled');
    expect(seen).toBeGreaterThan(20 * MiB);
    expect(seen).toBeLessThan(BIG);
    expect(await readdir(outDir)).toEqual([]);
    // The connector still works afterwards: the aborted body did not keep a pooled socket hostage.
    const again = await full.list({ maxKeys: 1 });
    expect(again.objects.length).toBe(1);
  }, 120_000);

  it('an upload cancelled midway leaves no object and no pending multipart upload', async () => {
    const ac = new AbortController();
    const e = await failure(() =>
      full.upload(bigPath, 'cancelled.bin', {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.loaded > 30 * MiB) ac.abort();
        },
      }),
    );
    assertCode(e, 'cancelled');
    await expect(raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${RUN}cancelled.bin` }))).rejects.toMatchObject({ name: 'NotFound' });
    const mpu = await raw.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: `${RUN}cancelled.bin` }));
    expect(mpu.Uploads ?? []).toEqual([]);
  }, 120_000);

  it('an already-cancelled signal starts nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    assertCode(await failure(() => full.download('big.bin', path.join(dir, 'never'), { signal: ac.signal })), 'cancelled');
    assertCode(await failure(() => full.upload(bigPath, 'never.bin', { signal: ac.signal })), 'cancelled');
    await expect(stat(path.join(dir, 'never'))).rejects.toThrow();
  });
});
