/**
 * The hashing worker (a `worker_threads` thread, started by s3-hashing.ts): MD5s the bytes of
 * transfers off the main thread and, for downloads, writes them to the temp file too, then
 * fsyncs it once at the end. The main thread then only parses HTTP and copies each chunk once.
 *
 * Protocol (one worker, many jobs, all messages carry the job `id`):
 *   in:  open {plan, fd|null, read?} (with `read`, the worker reads and hashes that many bytes of
 *        fd itself, then answers done) · data {buf, len} (the ArrayBuffer is transferred) · end {fsync} · drop
 *   out: ack {buf} (the buffer, transferred back for reuse) · done {digests} · fail {code, message}
 *        · dropped
 * Messages are handled in order, so after `done`, `fail` or `dropped` this thread never touches
 * the job's fd again: only then may the main thread close it. After a failure the job's further
 * data is acknowledged and ignored.
 */
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { EtagVerifier, type HashPlan } from './s3-etag.js';

export type HashWorkerIn =
  | { t: 'open'; id: number; plan: HashPlan; fd: number | null; read?: number }
  | { t: 'data'; id: number; buf: ArrayBuffer; len: number }
  | { t: 'end'; id: number; fsync: boolean }
  | { t: 'drop'; id: number };

export type HashWorkerOut =
  | { t: 'ack'; id: number; buf: ArrayBuffer }
  | { t: 'done'; id: number; digests: ReturnType<EtagVerifier['digests']> }
  | { t: 'fail'; id: number; code: string | null; message: string }
  | { t: 'dropped'; id: number };

interface Job {
  verifier: EtagVerifier;
  fd: number | null;
  failed: boolean;
}

const jobs = new Map<number, Job>();
const port = parentPort;

function post(m: HashWorkerOut, transfer?: ArrayBuffer[]): void {
  port!.postMessage(m, transfer);
}

function fail(id: number, job: Job, e: unknown): void {
  job.failed = true;
  jobs.delete(id);
  const code = (e as { code?: unknown } | null)?.code;
  post({ t: 'fail', id, code: typeof code === 'string' ? code : null, message: e instanceof Error ? e.message : String(e) });
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

const READ_CHUNK = 1024 * 1024;

/**
 * An upload's hashes: the worker reads the first `size` bytes of `fd` itself, a chunk per turn of
 * its event loop (other jobs' messages are handled in between), while the main thread streams the
 * same fd to S3 untouched. Positional reads: the two readers never move each other's offset.
 */
function readAndHash(id: number, job: Job, size: number): void {
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  let pos = 0;
  const step = (): void => {
    if (jobs.get(id) !== job || job.failed) return; // dropped: the fd is no longer ours
    try {
      if (pos >= size) {
        jobs.delete(id);
        post({ t: 'done', id, digests: job.verifier.digests() });
        return;
      }
      const got = fs.readSync(job.fd!, buf, 0, Math.min(READ_CHUNK, size - pos), pos);
      if (got === 0) throw Object.assign(new Error(`The file ended after ${pos} of its ${size} bytes while it was read.`), { code: 'file_changed' });
      job.verifier.update(buf.subarray(0, got));
      pos += got;
      setImmediate(step);
    } catch (e) {
      fail(id, job, e);
    }
  };
  setImmediate(step);
}

port?.on('message', (m: HashWorkerIn) => {
  if (m.t === 'open') {
    const job: Job = { verifier: new EtagVerifier(m.plan), fd: m.fd, failed: false };
    jobs.set(m.id, job);
    if (m.read !== undefined && m.fd !== null) readAndHash(m.id, job, m.read);
    return;
  }
  const job = jobs.get(m.id);
  if (m.t === 'data') {
    if (job && !job.failed) {
      const bytes = new Uint8Array(m.buf, 0, m.len);
      try {
        job.verifier.update(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        if (job.fd !== null) writeAll(job.fd, bytes);
      } catch (e) {
        fail(m.id, job, e);
      }
    }
    post({ t: 'ack', id: m.id, buf: m.buf }, [m.buf]);
    return;
  }
  jobs.delete(m.id);
  if (m.t === 'drop') return post({ t: 'dropped', id: m.id });
  if (!job || job.failed) return;
  try {
    // The one fsync of a download: its data is on disk before the file is renamed into place.
    if (m.fsync && job.fd !== null) fs.fsyncSync(job.fd);
    post({ t: 'done', id: m.id, digests: job.verifier.digests() });
  } catch (e) {
    fail(m.id, job, e);
  }
});
