/**
 * The entry point of the S3 connector: `createS3Client(config, credentials, opts)`. No HTTP routes
 * and no app database here: the caller authorizes, decrypts the secret and passes it in.
 *
 * Every connection goes through the SSRF guard twice: the endpoint is checked once before the
 * first request (so an IP literal such as 169.254.169.254 is refused with a clear error), and the
 * sockets' DNS lookup is the guard itself, so a name that later resolves somewhere forbidden (DNS
 * rebinding, a virtual-hosted bucket name) is refused at connect time too.
 */
import type { LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { resolveSafeHost, SqlConnectorError, type SsrfPolicy } from '../sql/sql-connector.js';
import { parseS3Config, s3CredentialsSchema, type S3Credentials } from './s3-config.js';
import { S3ConnectorError, toS3Error, type S3Operation } from './s3-errors.js';
import { checkPermissions } from './s3-permissions.js';
import { downloadObject, uploadFile } from './s3-transfer.js';
import type { S3ClientOptions, S3Connector, S3Context, S3ListOptions, S3ListPage } from './s3-types.js';

export * from './s3-types.js';
export * from './s3-errors.js';
export { parseS3Config, s3ConfigSchema, s3CredentialsSchema } from './s3-config.js';

const MiB = 1024 * 1024;

/** Throws S3ConnectorError('config_invalid') for invalid settings or credentials. */
export function createS3Client(config: unknown, credentials: S3Credentials, opts: S3ClientOptions): S3Connector {
  const cfg = parseS3Config(config);
  const creds = s3CredentialsSchema.safeParse(credentials);
  if (!creds.success) throw new S3ConnectorError('config_invalid', 'The access key id and secret access key are both required.');
  const secret = creds.data.secretAccessKey;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  const where = cfg.endpoint ? `the S3 endpoint ${cfg.endpoint}` : 'AWS S3';

  const lookup = guardedLookup(opts.ssrf);
  const agentOpts = { keepAlive: true, maxSockets: 32, lookup };
  const client = new S3Client({
    region: cfg.region,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    forcePathStyle: cfg.pathStyle,
    credentials: { accessKeyId: creds.data.accessKeyId, secretAccessKey: secret },
    // Streamed uploads with the SDK's default (a trailing CRC32 over aws-chunked encoding) are
    // refused by Ceph and stored corrupted by some other S3-compatible stores.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_SUPPORTED',
    followRegionRedirects: false,
    maxAttempts: opts.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: connectTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Without it the SDK only logs a warning and a server that never answers hangs the call.
      throwOnRequestTimeout: true,
      httpAgent: new http.Agent(agentOpts),
      httpsAgent: new https.Agent(agentOpts),
    },
  });

  let guarded: Promise<void> | null = null;
  const ctx: S3Context = {
    client,
    config: cfg,
    where,
    secret,
    requestTimeoutMs,
    partSize: Math.max(5 * MiB, opts.partSize ?? 8 * MiB),
    queueSize: Math.max(1, opts.queueSize ?? 3),
    seen: {},
    guard() {
      if (!cfg.endpoint) return Promise.resolve();
      guarded ??= resolveSafeHost(new URL(cfg.endpoint).hostname, opts.ssrf).then(
        () => undefined,
        (e: unknown) => {
          guarded = null; // a DNS hiccup should not stick
          throw fromGuard(e, where) ?? toS3Error(e, { op: 'probe', bucket: cfg.bucket, where, secret });
        },
      );
      return guarded;
    },
    fullKey(key) {
      return cfg.prefix + checkKey(key);
    },
    fail(e, op, key) {
      return fromGuard(e, where) ?? toS3Error(e, { op, bucket: cfg.bucket, key, where, secret, timeoutMs: requestTimeoutMs });
    },
  };

  return {
    config: cfg,
    checkPermissions: (o) => checkPermissions(ctx, o),
    list: (o) => list(ctx, o ?? {}),
    download: (key, destPath, o) => downloadObject(ctx, key, destPath, o ?? {}),
    upload: (srcPath, key, o) => uploadFile(ctx, srcPath, key, o ?? {}),
    close: () => client.destroy(),
  };
}

async function list(ctx: S3Context, opts: S3ListOptions & { signal?: AbortSignal }): Promise<S3ListPage> {
  await ctx.guard();
  const rel = (opts.prefix ?? '').replace(/^\/+/, '');
  if (rel.split('/').some((s) => s === '.' || s === '..')) throw new S3ConnectorError('invalid_key', "A prefix must not contain '.' or '..' segments.");
  const maxKeys = Math.min(1000, Math.max(1, Math.floor(opts.maxKeys ?? 1000)));
  const base = ctx.config.prefix;
  let res;
  try {
    res = await ctx.client.send(
      new ListObjectsV2Command({
        Bucket: ctx.config.bucket,
        Prefix: base + rel,
        ...(opts.delimiter === '' ? {} : { Delimiter: '/' }),
        ...(opts.pageToken ? { ContinuationToken: opts.pageToken } : {}),
        MaxKeys: maxKeys,
      }),
      { abortSignal: opts.signal },
    );
  } catch (e) {
    throw ctx.fail(e, 'list');
  }
  const filter = opts.nameFilter?.trim().toLowerCase();
  const keep = (name: string) => !filter || name.toLowerCase().includes(filter);
  const strip = (k: string) => (k.startsWith(base) ? k.slice(base.length) : k);
  const folders = (res.CommonPrefixes ?? [])
    .map((p) => strip(p.Prefix ?? ''))
    .filter((p) => p !== '')
    .map((p) => ({ prefix: p, name: p.slice(0, -1).split('/').pop() ?? p }))
    .filter((f) => keep(f.name));
  const objects = (res.Contents ?? [])
    .map((o) => ({ key: strip(o.Key ?? ''), size: o.Size ?? 0, modified: o.LastModified?.toISOString() ?? null, etag: o.ETag?.replace(/"/g, '') ?? null }))
    // The zero-byte "folder" marker consoles create for the listed prefix itself is not a file.
    .filter((o) => o.key !== '' && o.key !== rel)
    .map((o) => ({ ...o, name: o.key.split('/').pop() ?? o.key }))
    .filter((o) => keep(o.name));
  const page: S3ListPage = { folders, objects };
  if (res.IsTruncated && res.NextContinuationToken) page.nextPageToken = res.NextContinuationToken;
  return page;
}

/** Keys are relative to the prefix; '.'/'..' segments are refused so a key maps safely to a local path. */
function checkKey(key: string): string {
  if (typeof key !== 'string' || key === '' || key.endsWith('/')) throw new S3ConnectorError('invalid_key', 'An object key must be a non-empty name that does not end with /.');
  if (Buffer.byteLength(key) > 1024) throw new S3ConnectorError('invalid_key', 'An object key must be at most 1024 bytes.');
  if (key.startsWith('/') || key.includes('\0') || key.split('/').some((s) => s === '.' || s === '..')) {
    throw new S3ConnectorError('invalid_key', "An object key must not start with /, contain NUL or have '.' or '..' segments.");
  }
  return key;
}

/** The SQL guard's errors, in the S3 connector's terms. */
function fromGuard(e: unknown, where: string): S3ConnectorError | null {
  if (!(e instanceof SqlConnectorError)) return null;
  if (e.code === 'ssrf_blocked') return new S3ConnectorError('ssrf_blocked', e.message.replace(/^Connections to/, `${where}: connections to`), {}, e);
  if (e.code === 'host_unreachable') return new S3ConnectorError('host_unreachable', e.message, {}, e);
  return null;
}

/**
 * A socket lookup that is the SSRF guard: the name is resolved by resolveSafeHost, every address
 * checked, and the socket connects to the checked one. Node skips lookup for IP literals; those
 * were checked by `guard()` before the first request.
 */
export function guardedLookup(policy: SsrfPolicy): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    resolveSafeHost(hostname, policy).then(
      (r) => {
        const family = net.isIP(r.address);
        // Guard off, or the host is on the operator's allow-list: resolve normally.
        if (family === 0) return dnsLookup(hostname, options as never, callback as never);
        if (options.all) callback(null, [{ address: r.address, family }]);
        else callback(null, r.address, family);
      },
      (e: unknown) => callback(e),
    );
  }) as unknown as LookupFunction;
}
