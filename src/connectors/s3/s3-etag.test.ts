/** ETag arithmetic and config parsing (pure; no server). */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseS3Config } from './s3-config.js';
import { S3ConnectorError } from './s3-errors.js';
import { candidatePartSizes, checkDigests, EtagVerifier, parseEtag } from './s3-etag.js';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest();

/** The multipart ETag computed the plain way: slice, hash, hash the hashes. */
function multipartEtag(data: Buffer, partSize: number): string {
  const digests: Buffer[] = [];
  for (let off = 0; off < data.length; off += partSize) digests.push(md5(data.subarray(off, off + partSize)));
  return `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}`;
}

/** Feeds the data in irregular chunks, as a socket would. */
function feed(v: EtagVerifier, data: Buffer): void {
  let off = 0;
  let n = 1;
  while (off < data.length) {
    const len = Math.min(data.length - off, (n * 7919) % 300_000 + 1);
    v.update(data.subarray(off, off + len));
    off += len;
    n++;
  }
}

describe('parseEtag', () => {
  it('reads single-part, multipart and rejects the rest', () => {
    expect(parseEtag('"5d41402abc4b2a76b9719d911017c592"')).toEqual({ kind: 'md5', md5: '5d41402abc4b2a76b9719d911017c592' });
    expect(parseEtag('"1894E60ECDFFD6548584A244AF6BA84B-3"')).toEqual({ kind: 'multipart', md5: '1894e60ecdffd6548584a244af6ba84b', parts: 3 });
    expect(parseEtag(undefined)).toBeNull();
    expect(parseEtag('"abc"')).toBeNull();
    expect(parseEtag('"1894e60ecdffd6548584a244af6ba84b-0"')).toBeNull();
  });
});

describe('candidatePartSizes', () => {
  it('only sizes that cut the object into exactly N parts, common ones first', () => {
    expect(candidatePartSizes(12 * MiB, 3)).toEqual([5 * MiB, 4 * MiB]);
    expect(candidatePartSizes(200 * MiB, 25)).toEqual([8 * MiB]);
    expect(candidatePartSizes(20 * MiB + 1, 3)).toEqual([8 * MiB, 10 * MiB, 7 * MiB, 9 * MiB]);
    expect(candidatePartSizes(100, 1)).toEqual([100]);
    for (const p of candidatePartSizes(1000 * MiB + 17, 2, { limit: 50 })) expect(Math.ceil((1000 * MiB + 17) / p)).toBe(2);
  });

  it('puts a size reported by the store first', () => {
    expect(candidatePartSizes(12 * MiB, 3, { known: 4 * MiB })[0]).toBe(4 * MiB);
  });
});

describe('EtagVerifier', () => {
  const data = randomBytes(11 * MiB + 12345);

  it('verifies a single-part ETag and catches one flipped byte', () => {
    const etag = parseEtag(md5(data).toString('hex'));
    const ok = new EtagVerifier(EtagVerifier.planFor(etag, data.length));
    feed(ok, data);
    expect(ok.check(etag)).toEqual({ verified: true, method: 'md5' });
    const bad = Buffer.from(data);
    bad[5_000_000] = bad[5_000_000]! ^ 1;
    const v = new EtagVerifier(EtagVerifier.planFor(etag, data.length));
    feed(v, bad);
    expect(v.check(etag)).toMatchObject({ verified: false, mismatch: true });
  });

  it('verifies a multipart ETag whose part size it had to work out', () => {
    for (const partSize of [5 * MiB, 4 * MiB]) {
      const etag = parseEtag(multipartEtag(data, partSize));
      const v = new EtagVerifier(EtagVerifier.planFor(etag, data.length));
      feed(v, data);
      expect(v.check(etag)).toEqual({ verified: true, method: 'multipart-md5' });
      expect(v.multipartEtag(partSize)).toBe(multipartEtag(data, partSize));
    }
  });

  it('a part size the store reported is the only one hashed (one pass), a wrong report falls back to guessing', () => {
    const etag = parseEtag(multipartEtag(data, 4 * MiB));
    expect(EtagVerifier.planFor(etag, data.length, 4 * MiB)).toEqual({ wholeMd5: false, partSizes: [4 * MiB] });
    // 7 MiB cannot cut this object into 3 parts: ignored, the whole-MiB guesses are planned.
    expect(EtagVerifier.planFor(etag, data.length, 7 * MiB)).toEqual({ wholeMd5: false, partSizes: [5 * MiB, 4 * MiB] });
    expect(EtagVerifier.planFor(parseEtag(md5(data).toString('hex')), data.length, 4 * MiB)).toEqual({ wholeMd5: true, partSizes: [] });
  });

  it('digests() carries everything check() needs, as plain data', () => {
    const etag = parseEtag(multipartEtag(data, 5 * MiB));
    const v = new EtagVerifier(EtagVerifier.planFor(etag, data.length));
    feed(v, data);
    const d = structuredClone(v.digests());
    expect(d.bytes).toBe(data.length);
    expect(checkDigests(d, etag)).toEqual({ verified: true, method: 'multipart-md5' });
    expect(checkDigests({ ...d, bytes: 1 }, parseEtag(md5(data).toString('hex')))).toMatchObject({ verified: false });
  });

  it('a multipart ETag that no candidate reproduces is "unverified", never "verified"', () => {
    const etag = parseEtag(multipartEtag(data, 5 * MiB).replace(/^./, (c) => (c === '0' ? '1' : '0')));
    const v = new EtagVerifier(EtagVerifier.planFor(etag, data.length));
    feed(v, data);
    const r = v.check(etag);
    expect(r.verified).toBe(false);
    expect(r).not.toHaveProperty('mismatch');
  });

  it('an ETag that is not an MD5 is not checked', () => {
    const v = new EtagVerifier(EtagVerifier.planFor(null, 10));
    v.update(Buffer.from('0123456789'));
    expect(v.check(null).verified).toBe(false);
  });
});

describe('parseS3Config', () => {
  it('normalises the prefix and the endpoint', () => {
    expect(parseS3Config({ bucket: 'my-bucket', prefix: '/data/in/' })).toEqual({ bucket: 'my-bucket', region: 'us-east-1', pathStyle: false, prefix: 'data/in/' });
    expect(parseS3Config({ bucket: 'b.1', endpoint: 'https://S3.Example.com:9000/', pathStyle: true }).endpoint).toBe('https://s3.example.com:9000');
  });

  it('refuses endpoints with a path, credentials or another scheme, and prefixes with ..', () => {
    for (const bad of [
      { bucket: 'b-1', endpoint: 'https://s3.example.com/path' },
      { bucket: 'b-1', endpoint: 'https://user:pw@s3.example.com' },
      { bucket: 'b-1', endpoint: 'ftp://s3.example.com' },
      { bucket: 'b-1', prefix: 'a/../b' },
      { bucket: 'B' },
      { bucket: 'b-1', extra: true },
    ]) {
      expect(() => parseS3Config(bad)).toThrow(S3ConnectorError);
    }
  });
});
