/**
 * The shared tier of the artifact cache: Atrium's own bucket (`ATRIUM_FILES_S3_*`, the one the
 * project file store uses) under its own prefix, `<prefix>/<key>.tar`, so every node of a
 * multi-node deployment finds what any node built. Keys are content-addressed by the install's
 * inputs (`artifactKey`), so a key names one artifact whoever built it.
 *
 * - **Verified.** Each object carries the sha256 of its bytes as metadata (`x-amz-meta-sha256`,
 *   written with the object, so a metadata value always belongs to the body it came with). A
 *   download is hashed as it is written and discarded unless digest and length match.
 * - **Written once.** An upload is skipped when the object is there already; otherwise it is a
 *   conditional put (`If-None-Match: *`), which radosgw and AWS honour for a single PUT (412 →
 *   someone else stored it first). For a multipart upload radosgw ignores the condition, so two
 *   nodes finishing at once leave the last writer's object: still one whole, self-consistent object.
 * - Bodies are always consumed or destroyed (an abandoned body keeps its socket).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

export interface SharedCacheS3Settings {
  bucket: string;
  region: string;
  endpoint?: string;
  pathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  /** Key prefix without leading or trailing slash, e.g. `atrium-package-cache`. */
  prefix: string;
}

export type SharedFetch = { status: 'fetched'; bytes: number } | { status: 'absent' } | { status: 'corrupt'; reason: string };

/** Where a node's cache looks before building, and puts what it built. */
export interface SharedArtifactStore {
  /** For logs: `s3://bucket/prefix/`. */
  readonly where: string;
  /** Downloads `key` to `dest` (created; removed again unless verified). */
  fetch(key: string, dest: string): Promise<SharedFetch>;
  /** Stores the file under `key` unless it is there already (`overwrite`: replace a corrupt one). */
  put(key: string, file: string, opts?: { overwrite?: boolean }): Promise<'stored' | 'exists'>;
  /** Deletes one artifact (tests, a corrupt object). */
  remove(key: string): Promise<void>;
  close(): void;
}

const HEX64 = /^[0-9a-f]{64}$/;
const MiB = 1024 * 1024;

const statusOf = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const isMissing = (e: unknown) => statusOf(e) === 404 || (e as { name?: string }).name === 'NoSuchKey' || (e as { name?: string }).name === 'NotFound';

function destroyBody(body: unknown): void {
  const b = body as { destroy?: () => void } | undefined;
  try {
    b?.destroy?.();
  } catch {
    // already closed
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: MiB }), async function* (src: AsyncIterable<Buffer>) {
    for await (const chunk of src) h.update(chunk);
  });
  return h.digest('hex');
}

export function createS3ArtifactStore(s: SharedCacheS3Settings): SharedArtifactStore {
  const prefix = s.prefix.replace(/^\/+|\/+$/g, '');
  const agent = { keepAlive: true, maxSockets: 16 };
  // Our own bucket, configured by the operator: no SSRF policy applies (it may well be internal).
  const client = new S3Client({
    region: s.region,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    forcePathStyle: s.pathStyle,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    // Streamed uploads with the SDK's default trailing checksum are refused by radosgw.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000, throwOnRequestTimeout: true, httpAgent: new http.Agent(agent), httpsAgent: new https.Agent(agent) },
  });
  const keyOf = (key: string) => {
    if (!HEX64.test(key)) throw new Error('invalid artifact key');
    return `${prefix}/${key}.tar`;
  };

  async function head(key: string): Promise<{ sha256: string | null; size: number } | null> {
    try {
      const h = await client.send(new HeadObjectCommand({ Bucket: s.bucket, Key: keyOf(key) }));
      return { sha256: h.Metadata?.sha256 ?? null, size: Number(h.ContentLength ?? -1) };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  return {
    where: `s3://${s.bucket}/${prefix}/`,
    async fetch(key, dest) {
      let body: Readable | undefined;
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: s.bucket, Key: keyOf(key) }));
        body = r.Body as Readable | undefined;
        const want = r.Metadata?.sha256;
        if (!body) return { status: 'corrupt', reason: 'the store sent no body' };
        if (!want || !HEX64.test(want)) {
          destroyBody(body);
          return { status: 'corrupt', reason: 'the object has no sha256 metadata' };
        }
        const h = createHash('sha256');
        let bytes = 0;
        const hashing = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            h.update(chunk);
            bytes += chunk.length;
            cb(null, chunk);
          },
        });
        try {
          await pipeline(body, hashing, fs.createWriteStream(dest, { flags: 'wx', flush: true }));
        } catch (e) {
          await fsp.rm(dest, { force: true });
          throw e;
        }
        const got = h.digest('hex');
        const length = r.ContentLength ?? bytes;
        if (got !== want || bytes !== length) {
          await fsp.rm(dest, { force: true });
          return { status: 'corrupt', reason: got !== want ? 'its sha256 does not match the bytes' : `it ended after ${bytes} of ${length} bytes` };
        }
        return { status: 'fetched', bytes };
      } catch (e) {
        destroyBody(body);
        if (isMissing(e)) return { status: 'absent' };
        throw e;
      }
    },
    async put(key, file, opts = {}) {
      if (!opts.overwrite) {
        const h = await head(key);
        if (h?.sha256 && HEX64.test(h.sha256)) return 'exists';
      }
      const [sha256, st] = await Promise.all([sha256OfFile(file), fsp.stat(file)]);
      const body = fs.createReadStream(file, { highWaterMark: MiB });
      const upload = new Upload({
        client,
        params: {
          Bucket: s.bucket,
          Key: keyOf(key),
          Body: body,
          ContentLength: st.size,
          ContentType: 'application/x-tar',
          Metadata: { sha256 },
          ...(opts.overwrite ? {} : { IfNoneMatch: '*' }),
        },
        partSize: Math.max(8 * MiB, Math.ceil(st.size / 10_000 / MiB) * MiB),
        queueSize: 2,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
        return 'stored';
      } catch (e) {
        if (statusOf(e) === 412 || (e as { name?: string }).name === 'PreconditionFailed') return 'exists';
        throw e;
      } finally {
        body.destroy();
      }
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: s.bucket, Key: keyOf(key) }));
    },
    close: () => client.destroy(),
  };
}
