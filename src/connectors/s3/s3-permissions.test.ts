/**
 * Permission checks and connection errors against a real radosgw whose bucket policy gives each
 * test user a different set of permissions (scripts/services/radosgw.sh).
 */
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { createS3Client, guardedLookup, type S3Connector } from './s3-connector.js';
import { assertCode, closedPort, connectorFor, expectNoSecret, failure, rawClient, silentServer, testOptions, testS3 } from './s3-test-support.js';

const s3 = testS3();
const open: S3Connector[] = [];
const conn = (...args: Parameters<typeof connectorFor>) => {
  const c = connectorFor(...args);
  open.push(c);
  return c;
};
afterAll(() => {
  for (const c of open) c.close();
});

describe('checkPermissions names each missing permission for the right user', () => {
  it('full: everything granted, with and without writeback', async () => {
    const r = await conn(s3, 'full').checkPermissions({ writeback: true });
    expect(r).toEqual({ ok: true, granted: ['s3:ListBucket', 's3:GetObject', 's3:PutObject'], missing: [], unverified: [] });
    const ro = await conn(s3, 'full').checkPermissions({ writeback: false });
    expect(ro).toEqual({ ok: true, granted: ['s3:ListBucket', 's3:GetObject'], missing: [], unverified: [] });
  });

  it('noPut: s3:PutObject is missing when writeback is on, nothing when it is off', async () => {
    const r = await conn(s3, 'noPut').checkPermissions({ writeback: true });
    expect(r.ok).toBe(false);
    expect(r.granted).toEqual(['s3:ListBucket', 's3:GetObject']);
    expect(r.missing.map((m) => m.permission)).toEqual(['s3:PutObject']);
    expect(r.missing[0]!.message).toMatch(/^Writeback needs s3:PutObject .*which this key lacks\.$/);
    expect(r.unverified).toEqual([]);
    const ro = await conn(s3, 'noPut').checkPermissions({ writeback: false });
    expect(ro).toMatchObject({ ok: true, missing: [] });
  });

  it('noList: s3:ListBucket is missing; s3:GetObject cannot be told; s3:PutObject granted', async () => {
    const r = await conn(s3, 'noList').checkPermissions({ writeback: true });
    expect(r.ok).toBe(false);
    expect(r.missing.map((m) => m.permission)).toEqual(['s3:ListBucket']);
    expect(r.missing[0]!.message).toMatch(/^Browsing needs s3:ListBucket .*which this key lacks\.$/);
    expect(r.unverified.map((m) => m.permission)).toEqual(['s3:GetObject']);
    expect(r.granted).toEqual(['s3:PutObject']);
  });

  it('the message names the prefix the integration is limited to', async () => {
    const r = await conn(s3, 'noPut', { prefix: 'some/where' }).checkPermissions({ writeback: true });
    expect(r.missing[0]!.message).toContain("under 'some/where/' in the bucket 'atrium-test'");
  });

  it('the probes leave no object and no pending multipart upload behind', async () => {
    for (const u of ['full', 'noPut', 'noList'] as const) await conn(s3, u).checkPermissions({ writeback: true });
    const raw = rawClient(s3);
    try {
      const objs = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: '.atrium-permission-check' }));
      expect(objs.Contents ?? []).toEqual([]);
      const mpu = await raw.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: '.atrium-permission-check' }));
      expect(mpu.Uploads ?? []).toEqual([]);
    } finally {
      raw.destroy();
    }
  });

  it('the operations themselves are refused where the policy says so', async () => {
    assertCode(await failure(() => conn(s3, 'noList').list({})), 'access_denied');
    const e = await failure(() => conn(s3, 'noList').list({}));
    expect(e.message).toContain('s3:ListBucket');
    // noPut may list, but not write.
    await conn(s3, 'noPut').list({ maxKeys: 1 });
    const tmp = await import('node:os').then((os) => os.tmpdir());
    const fs = await import('node:fs/promises');
    const src = `${tmp}/atrium-s3-noput-${process.pid}.txt`;
    await fs.writeFile(src, 'noPut may not write this');
    try {
      const put = await failure(() => conn(s3, 'noPut').upload(src, `perm-tests/noput-${process.pid}.txt`));
      assertCode(put, 'access_denied');
      expect(put.message).toContain('s3:PutObject');
    } finally {
      await fs.rm(src, { force: true });
    }
  });
});

describe('connection failures have distinct codes and never carry the secret', () => {
  it('wrong secret → auth_failed (SignatureDoesNotMatch)', async () => {
    const secret = 'Wr0ng-secret-unmistakable-91f3';
    const e = await failure(() => conn(s3, 'full', { secret }).checkPermissions({ writeback: false }));
    assertCode(e, 'auth_failed');
    expect(e.s3Code).toBe('SignatureDoesNotMatch');
    expect(e.message).toMatch(/secret access key does not match/);
    expectNoSecret(e, secret);
    expectNoSecret(e, s3.users.full.secretAccessKey);
  });

  it('unknown access key id → auth_failed (InvalidAccessKeyId)', async () => {
    const e = await failure(() => conn(s3, 'full', { accessKeyId: 'ATRIUMNOSUCHKEY00009' }).list({}));
    assertCode(e, 'auth_failed');
    expect(e.s3Code).toBe('InvalidAccessKeyId');
    expectNoSecret(e, s3.users.full.secretAccessKey);
  });

  it('unknown bucket → bucket_not_found', async () => {
    const e = await failure(() => conn(s3, 'full', { bucket: 'atrium-no-such-bucket' }).checkPermissions({ writeback: true }));
    assertCode(e, 'bucket_not_found');
    expect(e.message).toContain("'atrium-no-such-bucket'");
  });

  it('nothing listening → host_unreachable', async () => {
    const port = await closedPort();
    const e = await failure(() => conn(s3, 'full', { endpoint: `http://127.0.0.1:${port}` }).checkPermissions({ writeback: false }));
    assertCode(e, 'host_unreachable');
    expectNoSecret(e, s3.users.full.secretAccessKey);
  });

  it('a server that never answers → timeout', async () => {
    const srv = await silentServer();
    try {
      const c = conn(s3, 'full', { endpoint: `http://127.0.0.1:${srv.port}`, opts: { requestTimeoutMs: 500 } });
      const started = Date.now();
      const e = await failure(() => c.list({}));
      assertCode(e, 'timeout');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await srv.close();
    }
  });
});

describe('SSRF guard on custom endpoints', () => {
  it('the cloud metadata address is refused before any request', async () => {
    const c = createS3Client({ bucket: 'b-1', endpoint: 'http://169.254.169.254', pathStyle: true }, { accessKeyId: 'k', secretAccessKey: 's' }, testOptions());
    open.push(c);
    for (const op of [() => c.checkPermissions({ writeback: true }), () => c.list({}), () => c.download('x', '/tmp/never-written')]) {
      const e = await failure(op);
      assertCode(e, 'ssrf_blocked');
      expect(e.message).toMatch(/169\.254\.169\.254/);
    }
  });

  it('an IPv4-mapped IPv6 form of it and a metadata host name are refused too', async () => {
    for (const endpoint of ['http://[::ffff:169.254.169.254]', 'http://metadata.google.internal']) {
      const c = createS3Client({ bucket: 'b-1', endpoint, pathStyle: true }, { accessKeyId: 'k', secretAccessKey: 's' }, testOptions());
      open.push(c);
      assertCode(await failure(() => c.list({})), 'ssrf_blocked');
    }
  });

  it('the socket lookup is the guard itself, so a name is checked again at connect time', async () => {
    const lookup = guardedLookup({ enabled: true });
    const err = await new Promise<unknown>((resolve) => {
      (lookup as unknown as (h: string, o: object, cb: (e: unknown) => void) => void)('metadata.google.internal', { all: true }, resolve);
    });
    expect((err as { code?: string }).code).toBe('ssrf_blocked');
    const ok = await new Promise<unknown[]>((resolve, reject) => {
      (lookup as unknown as (h: string, o: object, cb: (e: unknown, a: unknown[]) => void) => void)('localhost', { all: true }, (e, a) =>
        e ? reject(e as Error) : resolve(a),
      );
    });
    expect(ok.length).toBe(1);
  });
});
