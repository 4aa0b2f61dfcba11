/**
 * The hashing worker against the in-thread EtagVerifier: same digests, the file written whole,
 * backpressure (a slow reader of the tap holds at most a few batches), and a write failure that
 * fails the stream and lets go of the fd.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtagVerifier } from './s3-etag.js';
import { hashingSink, hashingTap } from './s3-hashing.js';

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

  it('a tap passes the bytes on unchanged, and a slow reader holds back the source', async () => {
    const tap = await hashingTap(plan);
    const got: Buffer[] = [];
    let pulled = 0;
    let maxAhead = 0;
    const source = chunked(data, MiB);
    source.on('data', (c: Buffer) => {
      pulled += c.length;
      maxAhead = Math.max(maxAhead, pulled - got.reduce((s, b) => s + b.length, 0));
    });
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _e, cb) {
        got.push(chunk);
        setTimeout(cb, 2);
      },
    });
    await pipeline(source, tap, slow);
    expect(Buffer.concat(got).equals(data)).toBe(true);
    expect(tap.digests()).toEqual(inThread.digests());
    // Stream buffers plus the worker's batches in flight, never the whole 13 MiB.
    expect(maxAhead).toBeLessThan(8 * MiB);
  });

  it('many transfers at once each get their own digests', async () => {
    const blobs = [randomBytes(3 * MiB + 1), randomBytes(2 * MiB), randomBytes(100)];
    const results = await Promise.all(
      blobs.map(async (b) => {
        const tap = await hashingTap({ wholeMd5: true, partSizes: [] });
        await pipeline(chunked(b, 4096), tap, new Writable({ write: (_c, _e, cb) => cb() }));
        return tap.digests().md5;
      }),
    );
    expect(results).toEqual(blobs.map((b) => createHash('md5').update(b).digest('hex')));
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
