/**
 * Checking bytes against an S3 ETag while they stream past.
 *
 * A single-part object's ETag is the hex MD5 of its bytes. A multipart object's is
 * `md5(md5(part1) ‖ md5(part2) ‖ …)-N`, which depends on where the parts were cut. The store does
 * not always say (AWS answers HeadObject with partNumber=1; Ceph 16 ignores partNumber), so the
 * part size is worked out: the uploader cut N parts of one size P except a shorter last one, so
 * (N-1)·P < size ≤ N·P, and tools cut at whole MiB (the AWS SDKs 5 or 8 MiB, the CLI 8 MiB, ours
 * 8 MiB). A handful of candidates are hashed side by side; one of them matching proves the bytes.
 * None matching means "could not verify", not "corrupt": the uploader may have used odd sizes.
 *
 * Objects encrypted with SSE-KMS or SSE-C have ETags that are not MD5s at all; callers skip them.
 *
 * The hashing itself runs in a worker thread during transfers (s3-hashing.ts); `EtagDigests` is
 * what it hands back and `checkDigests` judges it.
 */
import { createHash, type Hash } from 'node:crypto';

const MiB = 1024 * 1024;

export type ParsedEtag = { kind: 'md5'; md5: string } | { kind: 'multipart'; md5: string; parts: number };

/** The ETag as the store sent it (quoted or not); null when it is not an MD5-based ETag. */
export function parseEtag(etag: string | undefined): ParsedEtag | null {
  if (!etag) return null;
  const t = etag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1').toLowerCase();
  if (/^[0-9a-f]{32}$/.test(t)) return { kind: 'md5', md5: t };
  const m = /^([0-9a-f]{32})-(\d{1,5})$/.exec(t);
  if (m) {
    const parts = Number(m[2]);
    if (parts >= 1 && parts <= 10_000) return { kind: 'multipart', md5: m[1]!, parts };
  }
  return null;
}

/** Part sizes commonly chosen by uploaders, tried first. */
const COMMON_MIB = [8, 5, 16, 10, 15, 32, 25, 64, 50, 100, 128, 256, 512, 1024];

/**
 * Uniform part sizes that cut `size` bytes into exactly `parts` parts: a size the store reported
 * first, then whole-MiB sizes (common ones first), at most `limit` in all.
 */
export function candidatePartSizes(size: number, parts: number, opts: { known?: number; limit?: number } = {}): number[] {
  const limit = opts.limit ?? 4;
  const fits = (p: number) => p > 0 && (parts - 1) * p < size && size <= parts * p;
  const out: number[] = [];
  const add = (p: number) => {
    if (out.length < limit && fits(p) && !out.includes(p)) out.push(p);
  };
  if (parts === 1) {
    // Any part size ≥ size gives the same single part.
    add(Math.max(size, 1));
    return out;
  }
  if (opts.known !== undefined) add(opts.known);
  for (const m of COMMON_MIB) add(m * MiB);
  const lo = Math.max(1, Math.ceil(size / parts / MiB));
  const hi = Math.floor((size - 1) / (parts - 1) / MiB);
  for (let m = lo; m <= hi && out.length < limit; m++) add(m * MiB);
  return out;
}

/** Hashes parts of one fixed size and gives the multipart ETag they make. */
class PartHasher {
  private readonly digests: Buffer[] = [];
  private hash: Hash = createHash('md5');
  private filled = 0;

  constructor(readonly partSize: number) {}

  update(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(this.partSize - this.filled, chunk.length - off);
      this.hash.update(n === chunk.length ? chunk : chunk.subarray(off, off + n));
      this.filled += n;
      off += n;
      if (this.filled === this.partSize) {
        this.digests.push(this.hash.digest());
        this.hash = createHash('md5');
        this.filled = 0;
      }
    }
  }

  /** `md5(digests)-N`. */
  etag(): { multipart: string; parts: number } {
    const digests = this.filled > 0 || this.digests.length === 0 ? [...this.digests, this.hash.copy().digest()] : this.digests;
    const md5 = createHash('md5').update(Buffer.concat(digests)).digest('hex');
    return { multipart: `${md5}-${digests.length}`, parts: digests.length };
  }
}

/** What to hash: the whole stream's MD5 and/or the multipart ETag for each of these part sizes. */
export interface HashPlan {
  wholeMd5: boolean;
  partSizes: number[];
}

export type EtagCheck =
  /** The bytes match the ETag. `method` says how it was known. */
  | { verified: true; method: 'md5' | 'multipart-md5' }
  /** The ETag says nothing checkable (not MD5-based, or no candidate part size). */
  | { verified: false; reason: string }
  /** The bytes do NOT match: corrupted or truncated. */
  | { verified: false; mismatch: true; reason: string };

/**
 * Feeds on the bytes of one object and checks them against an ETag at the end. `expected` may be
 * given late (after an upload), in which case `plan` says which part sizes to hash.
 */
export class EtagVerifier {
  private readonly whole: Hash | null;
  private readonly parts: PartHasher[];
  private bytes = 0;

  /**
   * `wholeMd5`: also hash the whole stream (single-part ETags). `partSizes`: candidate part sizes
   * for a multipart ETag.
   */
  constructor(plan: HashPlan) {
    this.whole = plan.wholeMd5 ? createHash('md5') : null;
    this.parts = plan.partSizes.map((p) => new PartHasher(p));
  }

  /** The hashing this ETag needs, for an object of `size` bytes. */
  static planFor(etag: ParsedEtag | null, size: number, knownPartSize?: number): HashPlan {
    if (!etag) return { wholeMd5: false, partSizes: [] };
    if (etag.kind === 'md5') return { wholeMd5: true, partSizes: [] };
    // A part size the store reported is hashed alone: one pass over the bytes, not one per guess.
    if (knownPartSize !== undefined) {
      const known = candidatePartSizes(size, etag.parts, { known: knownPartSize, limit: 1 });
      if (known[0] === knownPartSize) return { wholeMd5: false, partSizes: known };
    }
    return { wholeMd5: false, partSizes: candidatePartSizes(size, etag.parts) };
  }

  update(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.whole?.update(chunk);
    for (const p of this.parts) p.update(chunk);
  }

  get byteCount(): number {
    return this.bytes;
  }

  /** The hex MD5 of everything fed (only when `wholeMd5` was planned). */
  md5(): string | null {
    return this.whole ? this.whole.copy().digest('hex') : null;
  }

  /** What was hashed, as plain data (it crosses from the hashing worker to the transfer). */
  digests(): EtagDigests {
    return { bytes: this.bytes, md5: this.md5(), multipart: this.parts.map((p) => ({ partSize: p.partSize, etag: p.etag().multipart })) };
  }

  check(etag: ParsedEtag | null): EtagCheck {
    return checkDigests(this.digests(), etag);
  }

  /** The multipart ETag these bytes make when cut at `partSize` (one of the planned sizes). */
  multipartEtag(partSize: number): string | null {
    return this.parts.find((h) => h.partSize === partSize)?.etag().multipart ?? null;
  }
}

/** The hashes of one stream: its length, whole MD5 (if planned), multipart ETag per part size tried. */
export interface EtagDigests {
  bytes: number;
  md5: string | null;
  multipart: { partSize: number; etag: string }[];
}

/** Whether hashed bytes match an ETag (see EtagCheck). */
export function checkDigests(d: EtagDigests, etag: ParsedEtag | null): EtagCheck {
  if (!etag) return { verified: false, reason: 'the ETag is not an MD5 (encrypted with KMS or customer keys, or a store that uses other ETags)' };
  if (etag.kind === 'md5') {
    if (d.md5 === null) return { verified: false, reason: 'the whole-object MD5 was not computed' };
    return d.md5 === etag.md5 ? { verified: true, method: 'md5' } : { verified: false, mismatch: true, reason: `MD5 ${d.md5} does not match the ETag ${etag.md5}` };
  }
  const wanted = `${etag.md5}-${etag.parts}`;
  if (d.multipart.some((p) => p.etag === wanted)) return { verified: true, method: 'multipart-md5' };
  if (d.multipart.length === 0) return { verified: false, reason: `no whole-MiB part size cuts ${d.bytes} bytes into ${etag.parts} parts` };
  return { verified: false, reason: `the part size the uploader used is not one of those tried (${d.multipart.map((p) => p.partSize).join(', ')} bytes)` };
}
