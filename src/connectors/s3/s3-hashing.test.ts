/**
 * The hashing worker against the in-thread EtagVerifier: same digests, the file written whole,
 * files hashed by the worker reading them itself (an upload's), and a write failure that fails
 * the stream and lets go of the fd.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtagVerifier } from './s3-etag.js';
import { hashFile, hashingSink } from './s3-hashing.js';

const MiB = 1024 * 1024;
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-s3-hashing-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `data` in chunks of odd sizes, so batches and parts never line up with them. */
function chunked(data: Buffer, size = 65_537): Readable {
  const parts: Buffer[] = [];
  for (let off = 0; off < data.length; off += size) parts.push(data.subarray(off, off + size));
  return Readable.from(parts);
}

describe('hashing worker', () => {
  const data = randomBytes(13 * MiB + 777);
  const plan = { wholeMd5: true, partSizes: [5 * MiB, 8 * MiB] };
  const inThread = new EtagVerifier(plan);
  inThread.update(data);

  it('a sink writes the bytes to the fd and hashes them as the main thread would', async () => {
    const file = path.join(dir, 'sink.bin');
    const fd = fs.openSync(file, 'wx');
    let seen = 0;
    const sink = await hashingSink(fd, plan, { fsync: true, onBytes: (n) => (seen = n) });
    await pipeline(chunked(data), sink);
    await sink.settled;
    fs.closeSync(fd);
    expect(sink.digests()).toEqual(inThread.digests());
    expect(seen).toBe(data.length);
    expect(createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('hashFile reads the file by itself and hashes it as the main thread would', async () => {
    const file = path.join(dir, 'upload.bin');
    fs.writeFileSync(file, data);
    const fd = fs.openSync(file, 'r');
    const h = await hashFile(fd, data.length, plan);
    expect(await h.digests).toEqual(inThread.digests());
    await h.settled;
    fs.closeSync(fd);
  });

  it('many transfers at once each get their own digests', async () => {
    const blobs = [randomBytes(3 * MiB + 1), randomBytes(2 * MiB), randomBytes(100), Buffer.alloc(0)];
    const results = await Promise.all(
      blobs.map(async (b, i) => {
        const file = path.join(dir, `many-${i}.bin`);
        fs.writeFileSync(file, b);
        const fd = fs.openSync(file, 'r');
        const h = await hashFile(fd, b.length, { wholeMd5: true, partSizes: [] });
        const d = await h.digests;
        await h.settled;
        fs.closeSync(fd);
        return d.md5;
      }),
    );
    expect(results).toEqual(blobs.map((b) => createHash('md5').update(b).digest('hex')));
  });

  it('hashFile fails with file_changed when the file is shorter than it was', async () => {
    const file = path.join(dir, 'shrunk.bin');
    fs.writeFileSync(file, data.subarray(0, 2 * MiB));
    const fd = fs.openSync(file, 'r');
    const h = await hashFile(fd, 3 * MiB, plan);
    await expect(h.digests).rejects.toMatchObject({ code: 'file_changed' });
    await h.settled;
    fs.closeSync(fd);
  });

  it('a dropped hashFile lets go of its fd', async () => {
    const file = path.join(dir, 'dropped-read.bin');
    fs.writeFileSync(file, data);
    const fd = fs.openSync(file, 'r');
    const h = await hashFile(fd, data.length, plan);
    h.drop();
    await h.settled;
    fs.closeSync(fd);
  });

  it('a write the worker cannot do fails the stream, and the fd is let go', async () => {
    const fd = fs.openSync(path.join(dir, 'readonly.bin'), 'w');
    fs.closeSync(fd);
    const ro = fs.openSync(path.join(dir, 'readonly.bin'), 'r');
    const sink = await hashingSink(ro, plan, { fsync: true });
    await expect(pipeline(chunked(data), sink)).rejects.toMatchObject({ code: 'EBADF' });
    await sink.settled;
    fs.closeSync(ro);
  });

  it('a destroyed sink is dropped by the worker before its fd may be closed', async () => {
    const fd = fs.openSync(path.join(dir, 'dropped.bin'), 'w');
    const sink = await hashingSink(fd, plan, { fsync: false });
    const failed = new Promise((r) => sink.on('error', r));
    await new Promise<void>((r) => sink.write(data.subarray(0, 3 * MiB), () => r()));
    sink.destroy(new Error('cancelled'));
    expect(await failed).toMatchObject({ message: 'cancelled' });
    await sink.settled;
    fs.closeSync(fd);
    expect(() => sink.digests()).toThrow(/not finished/);
  });
});
