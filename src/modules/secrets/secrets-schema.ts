/**
 * Secrets: request and response shapes. The value is write-only: `SanitizedSecretSchema` and the
 * list shapes have no value field, so the serializer drops one if a service ever returned it.
 * Only reveal (`SecretReveal`) and the runtime env (`RuntimeEnv`) carry values, by design.
 */
import { z } from 'zod';
import { AccessGroups, AssetAllowedActions, Id, IdParam, ProjectAllowedActions, Timestamp, WorkspaceAllowedActions, PositiveInt32 } from '../../http/http-schemas.js';
import { AccessList } from '../assets/assets-schema.js';

// ---- requests
const SecretName = z.string().min(1).max(200).describe('An environment variable name: ^[A-Z_][A-Z0-9_]*$');
const Value = z.string().max(64 * 1024).describe('Write-only: never returned except by reveal and runtime env');
const Description = z.string().max(2000);
const ExpectedVersion = PositiveInt32;
export const CreateWorkspaceSecretBody = z.strictObject({ name: SecretName, description: Description.optional(), value: Value, access: AccessList.optional() });
export const CreateProjectSecretBody = z.strictObject({ name: SecretName, description: Description.optional(), value: Value });
export const SecretPatch = z.strictObject({ name: SecretName.optional(), description: Description.optional(), value: Value.optional(), expectedVersion: ExpectedVersion.optional().describe('Check-and-set: the value version you read (409 if it changed)') });
export const RollbackBody = z.strictObject({ version: PositiveInt32, expectedVersion: ExpectedVersion.optional() });
export const WsSecretParams = z.strictObject({ ws: IdParam, id: IdParam });
export const ProjectSecretParams = z.strictObject({ projectId: IdParam, name: SecretName });
export const SecretDeleteQuery = z.strictObject({ confirm: z.enum(['true', 'false']).optional(), dryRun: z.enum(['true', 'false']).optional() });

// ---- responses
const secretFields = {
  id: Id,
  name: z.string(),
  description: z.string(),
  scope: z.enum(['workspace', 'project']),
  projectId: Id.nullable(),
  access: AccessGroups,
  currentVersion: z.number().int().describe('The value version in force'),
  version: z.number().int().describe('The asset version, for optimistic concurrency of edits'),
  hasValue: z.literal(true),
  lastUsedAt: Timestamp.nullable(),
  lastUsedProjectId: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

/** A secret without its value. */
export const SanitizedSecretSchema = z
  .object({ ...secretFields, usageCount: z.number().int(), allowedActions: AssetAllowedActions })
  .meta({ id: 'Secret' });
export const WorkspaceSecretList = z.object({ secrets: z.array(SanitizedSecretSchema), allowedActions: WorkspaceAllowedActions });

/**
 * A secret of a project's list. To a caller who may see it, the whole view (`visible: true`); to
 * one who may not (rule 2), only its id and scope, and its name only when their granted level on
 * the project is ≥ can_edit — no description, groups or last use.
 */
export const SanitizedProjectSecretSchema = z
  .object({
    id: Id,
    name: z.string().nullable().describe('null unless the caller may see the secret, or was granted can_edit on the project'),
    scope: secretFields.scope,
    projectId: secretFields.projectId,
    visible: z.boolean().describe('whether the caller may see the secret; when false, only the fields above are present'),
    canReveal: z.boolean(),
    description: secretFields.description.optional(),
    access: secretFields.access.optional(),
    currentVersion: secretFields.currentVersion.optional(),
    version: secretFields.version.optional(),
    hasValue: secretFields.hasValue.optional(),
    lastUsedAt: secretFields.lastUsedAt.optional(),
    lastUsedProjectId: secretFields.lastUsedProjectId.optional(),
    createdAt: secretFields.createdAt.optional(),
    updatedAt: secretFields.updatedAt.optional(),
  })
  .meta({ id: 'ProjectSecret' });
export const ProjectSecretList = z.object({ secrets: z.array(SanitizedProjectSecretSchema), allowedActions: ProjectAllowedActions });

export const SecretVersionList = z.object({ versions: z.array(z.object({ version: z.number().int(), createdBy: Id.nullable(), createdAt: Timestamp })) });

/** The one answer with a secret's value (audited). */
export const SecretReveal = z.object({ name: z.string(), value: z.string(), version: z.number().int() }).meta({ id: 'SecretReveal' });
/** Every secret of a project by name (audited). */
export const RuntimeEnv = z.object({ env: z.record(z.string(), z.string()) }).meta({ id: 'RuntimeEnv' });
