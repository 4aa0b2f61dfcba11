/**
 * Non-secret settings of an S3 file integration. A strict object: the API validates requests with
 * it and stores what it outputs. The access key id and secret are a separate, write-only
 * credential.
 */
import { z } from 'zod';
import { S3ConnectorError } from './s3-errors.js';

/**
 * An http(s) origin with nothing else: a path, query or userinfo in an endpoint would be silently
 * ignored or, worse, sent along with every request.
 */
const endpoint = z
  .string()
  .trim()
  .max(2048)
  .refine(
    (v) => {
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        return false;
      }
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password && (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash;
    },
    { message: 'must be an http:// or https:// URL with no path, query or credentials, e.g. https://s3.example.com:9000' },
  )
  .transform((v) => new URL(v).origin);

/**
 * A key prefix inside the bucket the integration is limited to. Normalised to no leading slash and
 * one trailing slash, so "data", "/data" and "data/" mean the same folder.
 */
const prefix = z
  .string()
  .max(512)
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), { message: "must not contain '.' or '..' segments" })
  .transform((p) => {
    const t = p.replace(/^\/+/, '').replace(/\/+$/, '');
    return t === '' ? '' : `${t}/`;
  });

export const s3ConfigSchema = z.strictObject({
  /** DNS-style bucket names; dots and underscores for older and S3-compatible stores. */
  bucket: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, { message: 'must be 3-63 lower-case letters, digits, dots, hyphens or underscores' }),
  region: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{2,40}$/, { message: 'must be a region name such as us-east-1' })
    .default('us-east-1'),
  /** For S3-compatible stores (MinIO, Ceph, R2…). Absent: AWS S3 itself. */
  endpoint: endpoint.optional(),
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible stores need. */
  pathStyle: z.boolean().default(false),
  prefix: prefix.default(''),
});

export type S3Config = z.output<typeof s3ConfigSchema>;
export type S3ConfigInput = z.input<typeof s3ConfigSchema>;

/** Parses a stored or submitted config; throws S3ConnectorError('config_invalid'). */
export function parseS3Config(config: unknown): S3Config {
  const r = s3ConfigSchema.safeParse(config);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
    throw new S3ConnectorError('config_invalid', `Invalid S3 integration settings: ${issues}`);
  }
  return r.data;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const s3CredentialsSchema = z.strictObject({
  accessKeyId: z.string().trim().min(1).max(256),
  secretAccessKey: z.string().min(1).max(1024),
});
