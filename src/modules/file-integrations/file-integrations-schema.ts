/**
 * File integrations (S3 buckets) and their transfers: request and response shapes. The access key
 * id and secret are write-only: `SanitizedFileIntegrationSchema` has only `hasCredentials` and the
 * key id's last four characters, so no response can carry a credential.
 */
import { z } from 'zod';
import { s3ConfigSchema } from '../../connectors/s3/s3-config.js';
import { S3_PERMISSIONS } from '../../connectors/s3/s3-types.js';
import { AccessGroups, AssetAllowedActions, ErrorResponse, Id, IdParam, Name, Timestamp, WorkspaceAllowedActions, PositiveInt32 } from '../../http/http-schemas.js';
import { AccessList } from '../assets/assets-schema.js';

// ---- requests
const cfg = s3ConfigSchema.shape;
const AccessKeyId = z.string().trim().min(1).max(256).describe('Write-only: only its last four characters are shown');
const SecretAccessKey = z.string().min(1).max(1024).describe('Write-only: never returned');
export const CreateFileIntegrationBody = z.strictObject({
  name: Name,
  bucket: cfg.bucket,
  region: cfg.region,
  endpoint: cfg.endpoint.describe('For S3-compatible stores, e.g. https://s3.example.com:9000; absent for AWS S3'),
  pathStyle: cfg.pathStyle,
  prefix: cfg.prefix.describe('Limit the integration to this folder of the bucket'),
  accessKeyId: AccessKeyId,
  secretAccessKey: SecretAccessKey,
  writeback: z.boolean().default(false).describe('Allow exporting project files to the bucket (needs s3:PutObject)'),
  access: AccessList.optional(),
});
export const FileIntegrationPatch = z.strictObject({
  name: Name.optional(),
  bucket: cfg.bucket.optional(),
  region: z.string().trim().regex(/^[a-z0-9-]{2,40}$/).optional(),
  endpoint: cfg.endpoint.unwrap().nullable().optional().describe('null for AWS S3 itself'),
  pathStyle: z.boolean().optional(),
  prefix: z.string().max(512).optional(),
  accessKeyId: AccessKeyId.optional(),
  secretAccessKey: SecretAccessKey.optional(),
  writeback: z.boolean().optional(),
  expectedVersion: PositiveInt32.optional().describe('The version you read: a stale one gets 409'),
});
export const TestFileIntegrationBody = CreateFileIntegrationBody.omit({ name: true, access: true });
export const WsIntegrationParams = z.strictObject({ ws: IdParam, id: IdParam });
export const ProjectIntegrationParams = z.strictObject({ projectId: IdParam, id: IdParam });
export const BrowseQuery = z.strictObject({
  prefix: z.string().max(1024).optional().describe("A folder of the bucket, relative to the integration's prefix, ending in '/'"),
  pageToken: z.string().max(4096).optional(),
  q: z.string().max(200).optional().describe('Keep entries whose name contains this (case-insensitive); applies per page'),
});
export const ImportBody = z
  .strictObject({
    keys: z.array(z.string().min(1).max(1024)).max(1000).optional().describe('Object keys (relative to the integration prefix)'),
    prefix: z.string().max(1024).optional().describe("A folder: every object under it (use '' for everything)"),
  })
  .refine((b) => b.keys !== undefined || b.prefix !== undefined, { message: 'give keys or a prefix' });
export const ExportBody = z
  .strictObject({
    paths: z.array(z.string().min(1).max(1024)).max(1000).optional().describe('Project file paths'),
    prefix: z.string().max(1024).optional().describe("A project folder: every file under it ('' for the integration's own folder)"),
  })
  .refine((b) => b.paths !== undefined || b.prefix !== undefined, { message: 'give paths or a prefix' });

// ---- responses
const PermissionSchema = z.enum(S3_PERMISSIONS);
const PermissionIssue = z.object({ permission: PermissionSchema, message: z.string() });
export const PermissionReport = z
  .object({
    ok: z.boolean().describe('Nothing the integration needs is missing'),
    granted: z.array(PermissionSchema),
    missing: z.array(PermissionIssue),
    unverified: z.array(PermissionIssue).describe('Could not be told either way (GetObject without ListBucket)'),
  })
  .meta({ id: 'FileIntegrationPermissionReport' });

const integrationFields = {
  id: Id,
  name: z.string(),
  bucket: z.string(),
  region: z.string(),
  endpoint: z.string().nullable(),
  pathStyle: z.boolean(),
  prefix: z.string(),
  writeback: z.boolean(),
  hasCredentials: z.literal(true).describe('The key id and secret are write-only'),
  accessKeyIdHint: z.string().describe('The last four characters of the access key id'),
  folder: z.string().describe("Where imported files go in a project: external-files/s3/<name>"),
  access: AccessGroups,
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};
/** A file integration: its non-secret settings, never its credentials. */
export const SanitizedFileIntegrationSchema = z
  .object({ ...integrationFields, usageCount: z.number().int(), allowedActions: AssetAllowedActions })
  .meta({ id: 'FileIntegration' });
export const FileIntegrationList = z.object({ fileIntegrations: z.array(SanitizedFileIntegrationSchema), allowedActions: WorkspaceAllowedActions });

/** An integration as a project sees it: name hidden (null) from callers who may not name it. */
export const ProjectFileIntegration = z
  .object({
    id: Id,
    name: z.string().nullable(),
    folder: z.string().nullable(),
    writeback: z.boolean().nullable(),
    visible: z.boolean(),
    canUse: z.boolean().describe('Browse, import and (with writeback) export: can_edit and access (rule 5)'),
  })
  .meta({ id: 'ProjectFileIntegration' });
export const ProjectFileIntegrationList = z.object({ fileIntegrations: z.array(ProjectFileIntegration) });

export const ObjectListing = z
  .object({
    folders: z.array(z.object({ prefix: z.string(), name: z.string() })),
    objects: z.array(z.object({ key: z.string(), name: z.string(), size: z.number(), modified: Timestamp.nullable() })),
    nextPageToken: z.string().optional().describe('Present when there is more; a filtered page can be short and still have more'),
  })
  .meta({ id: 'S3ObjectListing' });

/** The NDJSON lines of an import or export. */
export const TransferEvent = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('start'), direction: z.enum(['import', 'export']), files: z.number().int(), bytes: z.number() }),
    z.object({ type: z.literal('progress'), key: z.string(), path: z.string(), loaded: z.number(), total: z.number().nullable(), filesDone: z.number().int(), bytesDone: z.number() }),
    z.object({ type: z.literal('file'), key: z.string(), path: z.string(), size: z.number(), verifiedBy: z.array(z.string()), unverifiedReason: z.string().optional() }),
    z.object({ type: z.literal('end'), files: z.number().int(), bytes: z.number(), durationMs: z.number() }),
    z.object({ type: z.literal('error'), error: ErrorResponse.shape.error, filesDone: z.number().int() }),
  ])
  .meta({ id: 'FileTransferEvent' });
export const TransferStream = z.unknown().meta({
  description: 'NDJSON, one FileTransferEvent per line: start, progress…, file…, then end or error.',
  content: { 'application/x-ndjson': { schema: { $ref: '#/components/schemas/FileTransferEvent' } } },
});

export const RuntimeFiles = z
  .object({
    integrations: z.array(
      z.object({
        id: Id,
        name: z.string(),
        folder: z.string(),
        writeback: z.boolean(),
        files: z.array(z.object({ path: z.string(), size: z.number(), modified: Timestamp })),
      }),
    ),
  })
  .meta({ id: 'RuntimeFiles' });
