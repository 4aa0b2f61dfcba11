/**
 * Zod shapes shared by several modules: request pieces (strict objects: unknown fields are
 * refused) and the response pieces every domain reuses — ids, times, the one error shape, impact
 * previews and allowed actions. Shapes with a `meta({ id })` become named
 * `components.schemas` in the OpenAPI document (see `jsonSchemaTransformObject` in
 * http-server.ts), so the console's generated client gets named types and enum unions.
 *
 * Response objects are plain (non-strict) `z.object`s on purpose: the serializer parses every
 * response with them, which drops any field a schema does not name — a credential a service
 * might return by mistake cannot reach the wire.
 */
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ASSET_KINDS, AssetAction, type AssetKind, LEVELS, ProjectAction, Role, WorkspaceAction } from '../access/access-types.js';

// ---------------------------------------------------------------------------------------------
// Enums (named, so the generated client gets unions)

export const LevelSchema = z.enum(LEVELS).meta({ id: 'Level', description: 'Project permission level' });
export const GrantLevelSchema = z.enum(['can_view', 'can_edit', 'full_access']);
export const RoleSchema = z.enum(Role).meta({ id: 'Role', description: 'Workspace role' });
export const PlanSchema = z.enum(['community', 'professional', 'team', 'enterprise']).meta({ id: 'Plan' });
export const AssetKindSchema = z.enum(ASSET_KINDS as unknown as [AssetKind, ...AssetKind[]]).meta({ id: 'AssetKind' });
export const ProjectActionSchema = z.enum(ProjectAction).meta({ id: 'ProjectAction' });
export const AssetActionSchema = z.enum(AssetAction).meta({ id: 'AssetAction' });
export const WorkspaceActionSchema = z.enum(WorkspaceAction).meta({ id: 'WorkspaceAction' });

/** What the caller may do, computed by the server: the console never guesses permissions. */
export const ProjectAllowedActions = z.array(ProjectActionSchema).describe('Actions the caller may take on the project');
export const AssetAllowedActions = z.array(AssetActionSchema).describe('Actions the caller may take on the asset');
export const WorkspaceAllowedActions = z.array(WorkspaceActionSchema).describe('Actions the caller may take in the workspace');

// ---------------------------------------------------------------------------------------------
// Request pieces

export const IdParam = z.string().min(1).max(200);
export const WsParams = z.strictObject({ ws: IdParam.describe('Workspace id or slug') });
export const ProjectParams = z.strictObject({ projectId: IdParam });

export const Name = z.string().trim().min(1, 'must not be empty').max(200);
/**
 * A positive whole number that fits the stores' `integer` columns (versions, audit sequence
 * numbers, GitHub ids): past 2^31 − 1 PostgreSQL refuses it, so it is refused here first, as a 400.
 */
export const MAX_INT32 = 2_147_483_647;
export const PositiveInt32 = z.number().int().min(1).max(MAX_INT32);
export const Email = z.string().trim().toLowerCase().pipe(z.email('must be an email address')).pipe(z.string().max(320));

/** For mutating calls that can lower someone's access (rule 7). */
export const ConfirmFields = {
  confirm: z.boolean().optional().describe('Proceed although some users would lose access.'),
  dryRun: z.boolean().optional().describe('Only return the impact preview; change nothing.'),
};
export const ConfirmQuery = z.strictObject({
  confirm: z.enum(['true', 'false']).optional(),
  dryRun: z.enum(['true', 'false']).optional(),
});

// ---------------------------------------------------------------------------------------------
// Response pieces

export const Id = z.string();
/** Times are stored and sent as ISO-8601 UTC strings. */
export const Timestamp = z.string().meta({ format: 'date-time', description: 'ISO-8601 time (UTC)' });
/** Groups with access to an asset: custom group ids or built-in ones. */
export const AccessGroups = z.array(z.string()).describe('Groups with access: custom group ids, "workspace", "workspace-guests" or "public"');

/** One (user, project) pair whose effective level would drop. */
export const ImpactEntry = z
  .object({
    userId: Id,
    projectId: Id,
    from: LevelSchema,
    to: LevelSchema,
    missingAssets: z.array(Id).optional().describe('Imported assets the user lacks access to, when they cause the drop'),
  })
  .meta({ id: 'ImpactEntry' });
export const ImpactSchema = z.array(ImpactEntry).describe('Every (user, project) whose effective level drops (or would drop)');

/** The answer of a change that previews its impact (dryRun) or applies it (rule 7). */
export const ImpactResult = z
  .object({ applied: z.boolean().describe('false for a dryRun preview'), impact: ImpactSchema })
  .meta({ id: 'ImpactResult' });

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().describe('Stable snake_case code'),
      message: z.string().describe('What went wrong, for a person'),
      details: z.record(z.string(), z.unknown()),
    }),
    requestId: z.string(),
  })
  .meta({ id: 'Error' });
/** Every route answers failures with the one error shape (http-errors.ts). */
export const errorResponses = { '4xx': ErrorResponse, '5xx': ErrorResponse } as const;

/** 204 No Content. */
export const NoContent = z.undefined().describe('No content');

export type ZApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** One of the caller's workspaces, with their role (in the workspace list and in /me). */
export const WorkspaceSummary = z
  .object({ id: Id, slug: z.string(), name: z.string(), plan: PlanSchema, role: RoleSchema, allowedActions: WorkspaceAllowedActions })
  .meta({ id: 'WorkspaceSummary' });
