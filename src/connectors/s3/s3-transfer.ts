/**
 * Downloads and uploads, streamed with bounded memory and checked against the store's checksums.
 *
 * Download: GetObject's body is piped (with backpressure) into the hashing worker, which hashes
 * and writes it to a temp file beside the destination and fsyncs it once at the end; only a
 * complete, verified file is renamed into place (then the directory is synced), so a failed or
 * cancelled transfer leaves nothing half-written. The body is always either consumed by
 * the pipeline or destroyed: an abandoned body keeps its socket, and the SDK's pool runs dry.
 *
 * Upload: lib-storage's `Upload` (one PutObject up to the part size, multipart above it, at most
 * `queueSize` parts in flight) streams the file; the hashing worker reads the same open file by
 * itself, cut at the same part boundaries as the upload, and the resulting ETag is compared with
 * the one the store reports.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { S3ConnectorError } from './s3-errors.js';
import { checkDigests, type EtagDigests, EtagVerifier, parseEtag, type ParsedEtag } from './s3-etag.js';
import { hashFile, hashingSink, type HashingStream } from './s3-hashing.js';
import { destroyBody } from './s3-permissions.js';
import type { S3Context, S3DownloadResult, S3TransferOptions, S3UploadResult, S3Verification } from './s3-types.js';

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;
/** Progress callbacks at most this often (bytes), plus the last one. */
const PROGRESS_STEP = 256 * 1024;

export async function downloadObject(ctx: S3Context, key: string, destPath: string, opts: S3TransferOptions): Promise<S3DownloadResult> {
  const full = ctx.fullKey(key);
  await ctx.guard();
  if (opts.signal?.aborted) throw new S3ConnectorError('cancelled', 'The transfer was cancelled.');
  const dest = path.resolve(destPath);
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomUUID()}.part`);
  let res: GetObjectCommandOutput | undefined;
  let file: FileHandle | undefined;
  let sink: (Writable & HashingStream) | undefined;
  let tmpCreated = false;
  try {
    res = await ctx.client.send(new GetObjectCommand({ Bucket: ctx.config.bucket, Key: full, ChecksumMode: 'ENABLED' }), {
      abortSignal: opts.signal,
    });
    const body = res.Body as Readable | undefined;
    if (!body) throw new S3ConnectorError('request_failed', `${ctx.where} sent no body for '${key}'.`);
    const size = res.ContentLength ?? null;
    const etag = etagIfMd5Based(res.ETag, res.ServerSideEncryption, res.SSECustomerAlgorithm);
    // The SDK checks a full-object checksum header (CRC32, SHA-256…) as the body ends and fails
    // the stream on a mismatch; that is the proof then, and the ETag is not hashed as well.
    // Composite (per-part) checksums the SDK skips: the ETag is checked instead.
    const sdkChecked = hasFullObjectChecksum(res);
    const known = !sdkChecked && etag?.kind === 'multipart' && size !== null ? await partOneSize(ctx, full, etag, size, opts.signal) : undefined;
    const plan = sdkChecked ? { wholeMd5: false, partSizes: [] } : EtagVerifier.planFor(etag, size ?? 0, known);
    let reported = 0;
    const onBytes = (n: number) => {
      if (opts.onProgress && n - reported >= PROGRESS_STEP) {
        reported = n;
        opts.onProgress({ loaded: n, total: size });
      }
    };
    await mkdir(path.dirname(dest), { recursive: true });
    file = await open(tmp, 'wx');
    tmpCreated = true;
    // The worker thread hashes and writes the bytes, then fsyncs the file once: the data is on
    // disk before the rename makes the file visible (and the directory is synced after it).
    sink = await hashingSink(file.fd, plan, { fsync: true, onBytes });
    await pipeline(body, sink, { signal: opts.signal });
    const got = sink.digests();
    if (size !== null && got.bytes !== size) {
      throw new S3ConnectorError('checksum_mismatch', `The download of '${key}' ended after ${got.bytes} of ${size} bytes.`);
    }
    const check = checkDigests(got, etag);
    if ('mismatch' in check) throw new S3ConnectorError('checksum_mismatch', `The download of '${key}' is corrupted: ${check.reason}.`);
    const verifiedBy: S3Verification[] = [];
    if (sdkChecked) verifiedBy.push('sdk-checksum');
    else if (check.verified) verifiedBy.push(check.method === 'md5' ? 'etag-md5' : 'etag-multipart-md5');
    await file.close();
    file = undefined;
    await rename(tmp, dest);
    tmpCreated = false;
    await syncDir(path.dirname(dest));
    opts.onProgress?.({ loaded: got.bytes, total: size });
    const out: S3DownloadResult = { key, size: got.bytes, etag: res.ETag?.replace(/"/g, '') ?? null, verifiedBy };
    if (verifiedBy.length === 0 && !check.verified) out.unverifiedReason = check.reason;
    return out;
  } catch (e) {
    destroyBody(res?.Body);
    if (sink) {
      if (!sink.destroyed) sink.destroy();
      // The worker may still hold batches for this fd: it must let go before the fd is closed.
      await sink.settled;
    }
    await file?.close().catch(() => undefined);
    if (tmpCreated) await rm(tmp, { force: true }).catch(() => undefined);
    throw fileOrS3Error(ctx, e, 'get', key, 'Writing the downloaded file failed');
  }
}

/** Makes a rename durable: the directory entry is on disk too. */
async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

export async function uploadFile(
  ctx: S3Context,
  srcPath: string,
  key: string,
  opts: S3TransferOptions & { contentType?: string },
): Promise<S3UploadResult> {
  const full = ctx.fullKey(key);
  await ctx.guard();
  if (opts.signal?.aborted) throw new S3ConnectorError('cancelled', 'The transfer was cancelled.');
  // One open file for both readers (the upload's stream and the worker's hashing), so a file
  // replaced meanwhile (project files are renamed into place) cannot give them different bytes.
  let fh: FileHandle;
  let size: number;
  try {
    fh = await open(srcPath, 'r');
  } catch (e) {
    throw fileOrS3Error(ctx, e, 'upload', key, 'Reading the file to upload failed');
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new S3ConnectorError('file_error', 'The file to upload is not a regular file.');
    size = st.size;
  } catch (e) {
    await fh.close();
    throw fileOrS3Error(ctx, e, 'upload', key, 'Reading the file to upload failed');
  }
  // S3 allows 10,000 parts: big files get bigger parts, in whole MiB (see s3-etag.ts).
  const partSize = Math.max(ctx.partSize, Math.ceil(size / MAX_PARTS / MiB) * MiB);
  const multipart = size > partSize;
  // Hashed by the worker thread reading the file itself, cut at the same part boundaries as the
  // upload: the main thread streams the file to S3 exactly as a bare Upload would.
  let hashing: Awaited<ReturnType<typeof hashFile>>;
  try {
    hashing = await hashFile(fh.fd, size, { wholeMd5: !multipart, partSizes: multipart ? [partSize] : [] });
  } catch (e) {
    await fh.close();
    throw fileOrS3Error(ctx, e, 'upload', key, 'Reading the file to upload failed');
  }
  const source = fh.createReadStream({ highWaterMark: MiB, start: 0, ...(size > 0 ? { end: size - 1 } : {}), autoClose: false });
  // Cancel by failing the source rather than Upload.abort(): Upload.abort() makes done() reject at
  // once while parts are still in flight and the multipart upload is aborted later, unobserved.
  // A failed source makes done() reject only after Upload has aborted the multipart upload.
  const onAbort = () => source.destroy(Object.assign(new Error('The transfer was cancelled.'), { name: 'AbortError' }));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const upload = new Upload({
    client: ctx.client,
    params: { Bucket: ctx.config.bucket, Key: full, Body: size > 0 ? source : Buffer.alloc(0), ContentLength: size, ...(opts.contentType ? { ContentType: opts.contentType } : {}) },
    partSize,
    queueSize: ctx.queueSize,
    leavePartsOnError: false,
  });
  let lastReported = -1;
  upload.on('httpUploadProgress', (p) => {
    const loaded = p.loaded ?? 0;
    if (opts.onProgress && loaded !== lastReported) {
      lastReported = loaded;
      opts.onProgress({ loaded, total: size });
    }
  });
  try {
    const out = await upload.done();
    let sent: EtagDigests;
    try {
      sent = await hashing.digests;
    } catch (e) {
      await deleteQuietly(ctx, full);
      if ((e as { code?: unknown }).code === 'file_changed') throw new S3ConnectorError('file_error', `The file changed while it was uploaded (${(e as Error).message}); the upload was discarded.`);
      throw e;
    }
    // radosgw answers CompleteMultipartUpload with an empty ETag: ask for it.
    let etagText = out.ETag || undefined;
    let sse = out.ServerSideEncryption as string | undefined;
    let ssec = (out as { SSECustomerAlgorithm?: string }).SSECustomerAlgorithm;
    if (!etagText) {
      const head = await ctx.client.send(new HeadObjectCommand({ Bucket: ctx.config.bucket, Key: full }));
      etagText = head.ETag;
      sse = head.ServerSideEncryption;
      ssec = head.SSECustomerAlgorithm;
    }
    const etag = etagIfMd5Based(etagText, sse, ssec);
    const expected = multipart ? (sent.multipart.find((p) => p.partSize === partSize)?.etag ?? null) : sent.md5;
    const result: S3UploadResult = { key, size, etag: etagText?.replace(/"/g, '') ?? null, multipart, verifiedBy: [] };
    if (!etag) {
      result.unverifiedReason = 'the store returned an ETag that is not an MD5 (server-side encryption with KMS or customer keys?)';
      return result;
    }
    const got = etag.kind === 'md5' ? etag.md5 : `${etag.md5}-${etag.parts}`;
    if (got !== expected) {
      await deleteQuietly(ctx, full);
      throw new S3ConnectorError('checksum_mismatch', `The store kept different bytes for '${key}' than were sent (ETag ${got}, expected ${expected}); the object was deleted.`);
    }
    result.verifiedBy.push(multipart ? 'etag-multipart-md5' : 'etag-md5');
    return result;
  } catch (e) {
    source.destroy();
    throw fileOrS3Error(ctx, e, 'upload', key, 'Reading the file to upload failed');
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    // The worker may still be reading the fd: close it only once the worker has let go.
    hashing.drop();
    await hashing.settled;
    await fh.close().catch(() => undefined);
  }
}

/** The ETag, when it is an MD5 of the bytes (not for SSE-KMS / SSE-C objects). */
function etagIfMd5Based(etag: string | undefined, sse: string | undefined, ssec: string | undefined): ParsedEtag | null {
  if (ssec || (sse && sse.startsWith('aws:kms'))) return null;
  return parseEtag(etag);
}

/**
 * The size of part 1 of a multipart object, when the store answers HeadObject with partNumber
 * (AWS does, with `x-amz-mp-parts-count`; Ceph 16 ignores it and describes the whole object,
 * which is recognised, dropped and remembered for the connector's later downloads).
 */
async function partOneSize(ctx: S3Context, full: string, etag: ParsedEtag & { kind: 'multipart' }, size: number, signal?: AbortSignal): Promise<number | undefined> {
  if (ctx.seen.ignoresPartNumber) return undefined;
  try {
    const h = await ctx.client.send(new HeadObjectCommand({ Bucket: ctx.config.bucket, Key: full, PartNumber: 1 }), { abortSignal: signal });
    if (h.PartsCount === etag.parts && h.ContentLength !== undefined && (h.ContentLength < size || etag.parts === 1)) return h.ContentLength;
    if (h.PartsCount === undefined && h.ContentLength === size) ctx.seen.ignoresPartNumber = true;
  } catch {
    // Only a hint: without it the part size is worked out from the ETag.
  }
  return undefined;
}

function hasFullObjectChecksum(res: GetObjectCommandOutput): boolean {
  const values = [res.ChecksumCRC32, res.ChecksumCRC32C, res.ChecksumCRC64NVME, res.ChecksumSHA1, res.ChecksumSHA256];
  return res.ChecksumType !== 'COMPOSITE' && values.some((v) => typeof v === 'string' && v !== '' && !v.includes('-'));
}

async function deleteQuietly(ctx: S3Context, full: string): Promise<void> {
  await ctx.client.send(new DeleteObjectCommand({ Bucket: ctx.config.bucket, Key: full })).catch(() => undefined);
}

const FS_ERROR_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EROFS', 'EMFILE', 'ENFILE', 'EIO', 'EFBIG', 'ENAMETOOLONG', 'ELOOP']);

/** Local file-system errors become `file_error` (no server path in the message); the rest go to toS3Error. */
function fileOrS3Error(ctx: S3Context, e: unknown, op: 'get' | 'upload', key: string, what: string): S3ConnectorError {
  if (e instanceof S3ConnectorError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FS_ERROR_CODES.has(code)) {
    if (code === 'ENOENT' && op === 'upload') return new S3ConnectorError('file_error', 'The file to upload does not exist.', {}, e);
    return new S3ConnectorError('file_error', `${what} (${code}).`, {}, e);
  }
  return ctx.fail(e, op, key);
}
