/**
 * Git packages: request and response shapes. A package names a provider, a repository, a ref
 * (branch, tag or commit) and optional install commands; a project pins it to a commit.
 * Provider credentials never appear here.
 */
import { z } from 'zod';
import { AccessGroups, AssetAllowedActions, ConfirmFields, Id, IdParam, ImpactSchema, Name, ProjectAllowedActions, Timestamp, WorkspaceAllowedActions, PositiveInt32 } from '../../http/http-schemas.js';
import { AccessList } from '../assets/assets-schema.js';

// ---- requests
export const GitRefSchema = z
  .strictObject({ kind: z.enum(['branch', 'tag', 'commit']), name: z.string().trim().min(1).max(255).describe('A branch or tag name, or a full commit id') })
  .meta({ id: 'GitRef' });
const Repository = z.string().trim().min(1).max(500).describe('The repository path on the provider, e.g. acme/tools');
const Commands = z.array(z.string().max(4000)).max(50).describe('Install commands: shell lines run in order in the sandbox (set -e), in the package’s directory');
const PackageName = Name.refine((n) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(n), 'letters, digits, ".", "_" and "-" only (it becomes a directory name)');
export const CreateGitPackageBody = z.strictObject({
  name: PackageName,
  description: z.string().max(2000).optional(),
  providerId: IdParam,
  repository: Repository,
  ref: GitRefSchema,
  installCommands: Commands.optional(),
  network: z.boolean().optional().describe('Let the install commands reach the network (admins; off by default)'),
  access: AccessList.optional(),
});
export const GitPackagePatch = z.strictObject({
  name: PackageName.optional(),
  description: z.string().max(2000).optional(),
  providerId: IdParam.optional(),
  repository: Repository.optional(),
  ref: GitRefSchema.optional(),
  installCommands: Commands.optional(),
  network: z.boolean().optional(),
  expectedVersion: PositiveInt32.optional(),
});
export const GitPackageParams = z.strictObject({ ws: IdParam, id: IdParam });
export const UpdatePinsBody = z.strictObject({ ...ConfirmFields });
export const ImportPackageBody = z.strictObject({ packageId: IdParam, ...ConfirmFields });
export const ProjectPackageParams = z.strictObject({ projectId: IdParam, name: z.string().min(1).max(200) });
export const ArchiveQuery = z.strictObject({ format: z.enum(['tar', 'zip']).optional() });

// ---- responses
export const SanitizedGitPackageSchema = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string(),
    provider: z.object({ id: Id, name: z.string(), kind: z.string() }),
    repository: z.string(),
    ref: GitRefSchema,
    installCommands: z.array(z.string()),
    network: z.boolean(),
    resolvedCommit: z.string().nullable().describe('The commit the ref named when last resolved'),
    resolvedAt: Timestamp.nullable(),
    access: AccessGroups,
    version: z.number().int(),
    usageCount: z.number().int(),
    allowedActions: AssetAllowedActions,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'GitPackage' });
export const GitPackageList = z.object({ packages: z.array(SanitizedGitPackageSchema), allowedActions: WorkspaceAllowedActions });

export const PinChange = z.object({ projectId: Id, projectName: z.string(), from: z.string(), to: z.string() });
export const UpdatePinsResult = z
  .object({ applied: z.boolean(), commit: z.string().describe('The branch’s head now'), changes: z.array(PinChange).describe('Projects whose pin moves (names only of projects the caller can view)') })
  .meta({ id: 'GitPackageUpdateResult' });

const InstallStatus = z.enum(['pending', 'installing', 'installed', 'failed']);
export const ProjectPackageSchema = z
  .object({
    id: Id,
    name: z.string().nullable().describe('null unless the caller may see the package, or was granted can_edit on the project'),
    visible: z.boolean(),
    usable: z.boolean().describe('Rule 5: the caller may install and download it here'),
    repository: z.string().optional(),
    ref: GitRefSchema.optional(),
    commit: z.string().nullable().optional().describe('The pinned commit (null until pinned)'),
    status: InstallStatus.optional(),
    artifactKey: z.string().nullable().optional(),
    log: z.string().optional().describe('The install log (capped)'),
    error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
    pinnedAt: Timestamp.nullable().optional(),
    installedAt: Timestamp.nullable().optional(),
    outdated: z.boolean().optional().describe('Installed with other install commands or another network switch than the package has now: reinstall to rebuild at the same commit'),
    outdatedReason: z.string().nullable().optional().describe('What changed since the install, when outdated'),
  })
  .meta({ id: 'ProjectPackage' });
export const ProjectPackageList = z.object({ packages: z.array(ProjectPackageSchema), allowedActions: ProjectAllowedActions });

export const ImportPackageResult = z
  .object({ applied: z.boolean(), alreadyImported: z.boolean(), impact: ImpactSchema, package: ProjectPackageSchema.nullable() })
  .meta({ id: 'ImportPackageResult' });

export const InstallEvent = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('status'), status: InstallStatus, commit: z.string() }),
    z.object({ type: z.literal('log'), line: z.string() }),
    z.object({ type: z.literal('end'), status: InstallStatus, commit: z.string(), artifactKey: z.string().nullable(), cached: z.boolean() }),
    z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  ])
  .meta({ id: 'PackageInstallEvent' });
/** The 200 of an install is a stream (never serialized by Fastify): NDJSON of PackageInstallEvent. */
export const InstallStream = z.unknown().meta({
  description: 'NDJSON, one PackageInstallEvent per line: status, log lines, then end or error.',
  content: { 'application/x-ndjson': { schema: { $ref: '#/components/schemas/PackageInstallEvent' } } },
});
/** The 200 of a download is the archive's bytes. */
export const ArchiveBody = z.unknown().meta({
  description: 'The installed package as a tar (default) or zip archive.',
  content: { 'application/x-tar': { schema: { type: 'string', format: 'binary' } }, 'application/zip': { schema: { type: 'string', format: 'binary' } } },
});

export const RuntimePackages = z
  .object({
    packages: z.array(
      z.object({
        name: z.string(),
        commit: z.string().nullable(),
        status: z.enum(['installed', 'failed']),
        artifactKey: z.string().nullable(),
        archivePath: z.string().nullable().describe('GET this (tar) to materialize it under packages/<name>/; null when the install failed'),
        error: z.object({ code: z.string(), message: z.string() }).nullable(),
      }),
    ),
  })
  .meta({ id: 'RuntimePackages' });
