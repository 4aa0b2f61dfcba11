/**
 * The hashing worker (a `worker_threads` thread, started by s3-hashing.ts): MD5s the bytes of
 * transfers off the main thread and, for downloads, writes them to the temp file too, then
 * fsyncs it once at the end. The main thread then only parses HTTP and copies each chunk once.
 *
 * Protocol (one worker, many jobs, all messages carry the job `id`):
 *   in:  open {plan, fd|null} · data {buf, len} (the ArrayBuffer is transferred) · end {fsync} · drop
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
  | { t: 'open'; id: number; plan: HashPlan; fd: number | null }
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

port?.on('message', (m: HashWorkerIn) => {
  if (m.t === 'open') {
    jobs.set(m.id, { verifier: new EtagVerifier(m.plan), fd: m.fd, failed: false });
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
