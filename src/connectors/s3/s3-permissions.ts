/**
 * Which of s3:ListBucket, s3:GetObject and (with writeback) s3:PutObject a key lacks, found by
 * asking the store, without leaving anything behind. Why each probe is what it is (checked on
 * Ceph radosgw 16 and matching AWS's documented behaviour):
 *
 * - ListBucket: ListObjectsV2 with MaxKeys=1 under the prefix. Bad key id / secret, unknown bucket
 *   and network failures surface here first and are thrown (they are not "missing permissions").
 * - GetObject: GetObject of a random key that does not exist. NoSuchKey means the read was
 *   authorized; AccessDenied means it was not — but only when the key may list: without
 *   s3:ListBucket, S3 (and radosgw) answer AccessDenied for every missing key so as not to reveal
 *   which keys exist. Then GetObject is reported as unverified rather than guessed.
 * - PutObject: PutObject of a random key with a Content-MD5 that does not match the body. The store
 *   authorizes first (AccessDenied) and then refuses the bytes (BadDigest) without storing them.
 *   Rejected alternative: CreateMultipartUpload + AbortMultipartUpload — the abort needs
 *   s3:AbortMultipartUpload, which a key with PutObject alone lacks, and radosgw then keeps the
 *   pending upload (seen in testing). Should a store ignore Content-MD5 and store the probe, it is
 *   deleted straight away.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3ConnectorError } from './s3-errors.js';
import type { S3Context, S3Permission, S3PermissionIssue, S3PermissionReport } from './s3-types.js';

type Probe = 'granted' | 'denied';

export async function checkPermissions(ctx: S3Context, opts: { writeback: boolean; signal?: AbortSignal }): Promise<S3PermissionReport> {
  await ctx.guard();
  const { bucket, prefix } = ctx.config;
  const where = prefix ? `under '${prefix}' in the bucket '${bucket}'` : `in the bucket '${bucket}'`;
  const probeKey = `${prefix}.atrium-permission-check-${randomUUID()}`;
  const send = ctx.client.send.bind(ctx.client);
  const abortSignal = opts.signal;

  const listing = await probe(ctx, 'list', async () => {
    await send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }), { abortSignal });
  });

  const reading = await probe(ctx, 'get', async () => {
    try {
      const res = await send(new GetObjectCommand({ Bucket: bucket, Key: probeKey }), { abortSignal });
      // A random key should not exist; if it does, do not leave its body holding a socket.
      destroyBody(res.Body);
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey') return;
      throw e;
    }
  });

  let writing: Probe | null = null;
  if (opts.writeback) {
    writing = await probe(ctx, 'put', async () => {
      const body = Buffer.from('atrium permission check: this object is never stored');
      const wrongMd5 = createHash('md5').update('not the body').digest('base64');
      try {
        await send(new PutObjectCommand({ Bucket: bucket, Key: probeKey, Body: body, ContentMD5: wrongMd5 }), { abortSignal });
      } catch (e) {
        if ((e as { name?: string }).name === 'BadDigest') return;
        throw e;
      }
      // The store ignored Content-MD5 and kept the probe: remove it (best effort).
      await send(new DeleteObjectCommand({ Bucket: bucket, Key: probeKey })).catch(() => undefined);
    });
  }

  const granted: S3Permission[] = [];
  const missing: S3PermissionIssue[] = [];
  const unverified: S3PermissionIssue[] = [];
  if (listing === 'granted') granted.push('s3:ListBucket');
  else missing.push({ permission: 's3:ListBucket', message: `Browsing needs s3:ListBucket ${where}, which this key lacks.` });
  if (reading === 'granted') granted.push('s3:GetObject');
  else if (listing === 'granted') missing.push({ permission: 's3:GetObject', message: `Importing needs s3:GetObject ${where}, which this key lacks.` });
  else {
    unverified.push({
      permission: 's3:GetObject',
      message: 's3:GetObject could not be checked: without s3:ListBucket the store refuses every read of a missing object, allowed or not.',
    });
  }
  if (writing === 'granted') granted.push('s3:PutObject');
  else if (writing === 'denied') missing.push({ permission: 's3:PutObject', message: `Writeback needs s3:PutObject ${where}, which this key lacks.` });
  return { ok: missing.length === 0, granted, missing, unverified };
}

/** Runs one probe: resolved = granted, AccessDenied = denied, anything else is thrown. */
async function probe(ctx: S3Context, op: 'list' | 'get' | 'put', fn: () => Promise<void>): Promise<Probe> {
  try {
    await fn();
    return 'granted';
  } catch (e) {
    const err = e instanceof S3ConnectorError ? e : ctx.fail(e, op);
    if (err.code === 'access_denied') return 'denied';
    throw err;
  }
}

export function destroyBody(body: unknown): void {
  const b = body as { destroy?: () => void } | undefined;
  if (b && typeof b.destroy === 'function') b.destroy();
}
