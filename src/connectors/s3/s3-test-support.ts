/** Shared by the S3 connector tests (not a test file itself). */
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createS3Client, S3ConnectorError, type S3ClientOptions, type S3Connector, type S3ErrorCode } from './s3-connector.js';

// The loopback stand-ins (a server that never answers, a port nobody listens on) are the SQL
// connector tests' own.
export { closedPort, silentServer } from '../sql/sql-test-support.js';

export interface TestS3 {
  endpoint: string;
  region: string;
  bucket: string;
  users: Record<'full' | 'noPut' | 'noList', { accessKeyId: string; secretAccessKey: string }>;
}

/** The radosgw started by scripts/services/radosgw.sh; the tests fail (never skip) without it. */
export function testS3(): TestS3 {
  const raw = process.env.ATRIUM_TEST_S3;
  if (!raw) {
    throw new Error(
      'ATRIUM_TEST_S3 is not set: the S3 connector tests need a real S3 that checks signatures and policies. ' +
        'Start one with `ATRIUM_TEST_S3="$(bash scripts/services/radosgw.sh start)"` and export it.',
    );
  }
  let parsed: TestS3;
  try {
    parsed = JSON.parse(raw) as TestS3;
  } catch {
    throw new Error('ATRIUM_TEST_S3 is not the JSON line printed by scripts/services/radosgw.sh start.');
  }
  for (const u of ['full', 'noPut', 'noList'] as const) {
    if (!parsed.users?.[u]?.accessKeyId) throw new Error(`ATRIUM_TEST_S3 has no '${u}' user: restart scripts/services/radosgw.sh.`);
  }
  return parsed;
}

export const testOptions = (over: Partial<S3ClientOptions> = {}): S3ClientOptions => ({
  ssrf: { enabled: true },
  maxAttempts: 1,
  connectTimeoutMs: 3_000,
  requestTimeoutMs: 20_000,
  ...over,
});

export function connectorFor(
  s3: TestS3,
  user: keyof TestS3['users'],
  over: { prefix?: string; secret?: string; accessKeyId?: string; bucket?: string; endpoint?: string; opts?: Partial<S3ClientOptions> } = {},
): S3Connector {
  const u = s3.users[user];
  return createS3Client(
    { bucket: over.bucket ?? s3.bucket, region: s3.region, endpoint: over.endpoint ?? s3.endpoint, pathStyle: true, prefix: over.prefix ?? '' },
    { accessKeyId: over.accessKeyId ?? u.accessKeyId, secretAccessKey: over.secret ?? u.secretAccessKey },
    testOptions(over.opts),
  );
}

/** A plain SDK client as the bucket owner, for arranging fixtures and checking what is stored. */
export function rawClient(s3: TestS3): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: s3.users.full,
  });
}

/** Runs `fn` and returns the S3ConnectorError it throws (fails if it does not throw one). */
export async function failure(fn: () => Promise<unknown>): Promise<S3ConnectorError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof S3ConnectorError) return e;
    throw new Error(`expected an S3ConnectorError, got: ${String(e)}`, { cause: e });
  }
  throw new Error('expected a failure, but it succeeded');
}

export function assertCode(e: S3ConnectorError, code: S3ErrorCode): void {
  if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
}

export function expectNoSecret(e: S3ConnectorError, secret: string): void {
  const text = `${e.message} ${JSON.stringify(e)} ${String(e)} ${e.stack ?? ''}`;
  if (text.includes(secret)) throw new Error(`the secret leaked into a ${e.code} error: ${e.message}`);
}

/** Samples this process's RSS while `fn` runs; returns the peak growth over the starting RSS. */
export async function peakRssGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; growthBytes: number }> {
  global.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthBytes: peak - start };
  } finally {
    clearInterval(t);
  }
}

/** A fixed prefix holding 1,100 objects and two folders, for listing past 1,000 keys. */
export const LIST_FIXTURES_PREFIX = 'fixtures/list-1100/';
const LIST_FIXTURE_KEYS = [...Array.from({ length: 1100 }, (_, i) => `file-${String(i).padStart(4, '0')}.txt`), 'sub-a/inner.txt', 'sub-b/deeper/x.txt'];

/** Creates the listing fixtures that are missing (once per server; later runs and files reuse them). */
export async function ensureListFixtures(s3: TestS3): Promise<void> {
  const raw = rawClient(s3);
  try {
    const have = new Set<string>();
    let token: string | undefined;
    do {
      const r = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: LIST_FIXTURES_PREFIX, ContinuationToken: token }));
      for (const o of r.Contents ?? []) have.add(o.Key!.slice(LIST_FIXTURES_PREFIX.length));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    const missing = LIST_FIXTURE_KEYS.filter((k) => !have.has(k));
    // Parallel batches: 1,100 sequential PUTs would take most of a minute.
    for (let i = 0; i < missing.length; i += 50) {
      await Promise.all(missing.slice(i, i + 50).map((k) => raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: LIST_FIXTURES_PREFIX + k, Body: `content of ${k}` }))));
    }
  } finally {
    raw.destroy();
  }
}
