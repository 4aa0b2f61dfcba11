/** The S3 connector's public shapes. Keys in and out are relative to the integration's prefix. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SsrfPolicy } from '../sql/sql-connector.js';
import type { S3Config } from './s3-config.js';
import type { S3ConnectorError, S3Operation } from './s3-errors.js';

export type { S3Config, S3Credentials } from './s3-config.js';

export interface S3ClientOptions {
  /** The SSRF guard applied to every connection (custom endpoints and AWS alike). */
  ssrf: SsrfPolicy;
  /** TCP connect limit per request (default 5 s). */
  connectTimeoutMs?: number;
  /** Longest silence on an open request before it fails (default 30 s; a stalled transfer too). */
  requestTimeoutMs?: number;
  /** Attempts per request, retries included (default 3; 1 for a quick "test" button). */
  maxAttempts?: number;
  /** Upload part size in bytes (default 8 MiB; raised for files that would need > 10,000 parts). */
  partSize?: number;
  /** Parts uploaded at once (default 3). Memory held ≈ (queueSize + 1) × partSize: 32 MiB with 8 MiB parts. */
  queueSize?: number;
}

export const S3_PERMISSIONS = ['s3:ListBucket', 's3:GetObject', 's3:PutObject'] as const;
export type S3Permission = (typeof S3_PERMISSIONS)[number];

export interface S3PermissionIssue {
  permission: S3Permission;
  /** A sentence for the admin, e.g. "Writeback needs s3:PutObject, which this key lacks." */
  message: string;
}

export interface S3PermissionReport {
  /** True when nothing the integration needs is missing. */
  ok: boolean;
  granted: S3Permission[];
  missing: S3PermissionIssue[];
  /** Could not be told either way (see README: GetObject without ListBucket). */
  unverified: S3PermissionIssue[];
}

export interface S3ListOptions {
  /** Relative to the integration's prefix; '' is its root. A folder is 'a/b/'. */
  prefix?: string;
  /** '/' (default) lists one folder level; '' lists every key under the prefix. */
  delimiter?: '/' | '';
  /** `nextPageToken` of the previous page. */
  pageToken?: string;
  /** Keeps entries whose name (last path segment) contains this text, case-insensitively. */
  nameFilter?: string;
  /** 1–1000 (default 1000, the most S3 returns per request). */
  maxKeys?: number;
}

export interface S3Folder {
  /** Relative prefix ending in '/', to list next. */
  prefix: string;
  name: string;
}

export interface S3ObjectInfo {
  key: string;
  name: string;
  size: number;
  /** ISO 8601, or null when the store did not say. */
  modified: string | null;
  /** Without quotes. */
  etag: string | null;
}

export interface S3ListPage {
  folders: S3Folder[];
  objects: S3ObjectInfo[];
  /** Present when there is more; a filtered page can be short (or empty) and still have more. */
  nextPageToken?: string;
}

export interface S3TransferProgress {
  loaded: number;
  /** Null when the size is not known. */
  total: number | null;
}

export interface S3TransferOptions {
  signal?: AbortSignal;
  onProgress?: (p: S3TransferProgress) => void;
}

export type S3Verification = 'etag-md5' | 'etag-multipart-md5' | 'sdk-checksum';

export interface S3DownloadResult {
  key: string;
  size: number;
  etag: string | null;
  /** How the bytes were proven intact; empty with `unverifiedReason` when they could not be. */
  verifiedBy: S3Verification[];
  unverifiedReason?: string;
}

export interface S3UploadResult {
  key: string;
  size: number;
  etag: string | null;
  multipart: boolean;
  verifiedBy: S3Verification[];
  unverifiedReason?: string;
}

export interface S3Connector {
  readonly config: S3Config;
  /** Which of the permissions the integration needs this key lacks, probed without writing anything. */
  checkPermissions(opts: { writeback: boolean; signal?: AbortSignal }): Promise<S3PermissionReport>;
  list(opts?: S3ListOptions & { signal?: AbortSignal }): Promise<S3ListPage>;
  /** Streams an object to `destPath` (written to a temp file beside it, renamed when verified). */
  download(key: string, destPath: string, opts?: S3TransferOptions): Promise<S3DownloadResult>;
  /** Uploads a file, multipart when larger than the part size. */
  upload(srcPath: string, key: string, opts?: S3TransferOptions & { contentType?: string }): Promise<S3UploadResult>;
  /** Closes the pooled sockets. */
  close(): void;
}

/** What the operations share (internal). */
export interface S3Context {
  client: S3Client;
  config: S3Config;
  /** "the S3 endpoint http://host:port" or "AWS S3", for messages. */
  where: string;
  secret: string;
  requestTimeoutMs: number;
  partSize: number;
  queueSize: number;
  /** What this store was seen to do (e.g. ignore HeadObject partNumber), to skip useless requests. */
  seen: { ignoresPartNumber?: boolean };
  /** Resolves when the endpoint passed the SSRF guard; throws S3ConnectorError otherwise. */
  guard(): Promise<void>;
  /** Relative key → full key in the bucket; throws S3ConnectorError('invalid_key'). */
  fullKey(key: string): string;
  /** Maps any error to an S3ConnectorError for the given operation. */
  fail(e: unknown, op: S3Operation, key?: string): S3ConnectorError;
}
