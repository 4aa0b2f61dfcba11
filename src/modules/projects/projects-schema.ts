/** Projects, their sharing (grants) and the caller's access: request and response shapes. */
import { z } from 'zod';
import { Level } from '../../access/access-types.js';
import { ConfirmFields, GrantLevelSchema, Id, IdParam, ImpactSchema, LevelSchema, Name, ProjectAllowedActions, RoleSchema, Timestamp } from '../../http/http-schemas.js';

// ---- requests
export const ProjectListQuery = z.strictObject({ minLevel: z.enum(['can_view', 'can_edit', 'full_access']).optional() });
export const GrantParams = z.strictObject({ projectId: IdParam, subject: z.string().min(1).max(300).describe('user:<userId>, group:<groupId>, group:workspace or public') });
export const ProjectBody = z.strictObject({ name: Name, description: z.string().max(5000).optional() });
export const ProjectPatch = z.strictObject({ name: Name.optional(), description: z.string().max(5000).optional() });
export const GrantBody = z.strictObject({ level: GrantLevelSchema, ...ConfirmFields });
export const GrantRemoveQuery = z.strictObject({ dryRun: z.enum(['true', 'false']).optional() });
export const ExplainQuery = z.strictObject({ user: IdParam.describe('user id') });

// ---- responses
/** Who a grant is for: a user, a group (custom, or `workspace`), or everyone on the web. */
export const GrantSubjectSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('user'), userId: Id }),
    z.object({ type: z.literal('group'), groupId: Id }),
    z.object({ type: z.literal('public') }),
  ])
  .meta({ id: 'GrantSubject' });

/** A project with the caller's level and allowed actions. */
export const Project = z
  .object({
    id: Id,
    workspaceId: Id,
    name: z.string(),
    description: z.string(),
    createdBy: Id.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    access: z.object({ level: LevelSchema }).describe("The caller's effective level"),
    allowedActions: ProjectAllowedActions,
  })
  .meta({ id: 'Project' });
export const ProjectList = z.object({ projects: z.array(Project) });

export const Grant = z
  .object({ subject: GrantSubjectSchema, label: z.string().describe('An email, a group name, "Workspace" or "Anyone on the web"'), level: LevelSchema, createdAt: Timestamp })
  .meta({ id: 'Grant' });
export const GrantList = z.object({ grants: z.array(Grant), allowedActions: ProjectAllowedActions });

/** Rule 7: a grantee who would get ≥ can_edit but lacks access to an imported asset. */
export const DowngradedGrantee = z
  .object({ userId: Id, granted: LevelSchema, effective: LevelSchema, missingAssets: z.array(Id) })
  .meta({ id: 'DowngradedGrantee' });
export const GrantResult = z
  .object({ applied: z.boolean(), downgraded: z.array(DowngradedGrantee), drops: ImpactSchema })
  .meta({ id: 'GrantResult' });
/** DELETE …/grants/{subject}?dryRun=true: whose level would drop. */
export const GrantRemovePreview = z.object({ applied: z.boolean().describe('Always false: a preview'), drops: ImpactSchema }).meta({ id: 'GrantRemovePreview' });

export const ProjectAccess = z
  .object({
    projectId: Id,
    level: LevelSchema,
    granted: LevelSchema.describe('Before the role cap and downgrade'),
    cappedBy: z.literal('viewer_role').optional(),
    downgradedBy: z.array(Id).describe('Imported assets the caller lacks access to, when they lowered the level'),
    allowedActions: ProjectAllowedActions,
  })
  .meta({ id: 'ProjectAccess' });

export const AccessExplanation = z
  .object({
    userId: Id.nullable(),
    projectId: Id,
    role: RoleSchema.nullable(),
    level: LevelSchema,
    granted: LevelSchema,
    capped: LevelSchema,
    cappedBy: z.literal('viewer_role').nullable(),
    grant: GrantSubjectSchema.nullable().describe('The best matching grant'),
    matchingGrants: z.array(z.object({ subject: GrantSubjectSchema, level: z.enum(Level).describe('Numeric level: 0 none, 1 can_view, 2 can_edit, 3 full_access') })),
    downgradedBy: z.array(Id),
    text: z.array(z.string()).describe('One line per step, for people'),
  })
  .meta({ id: 'AccessExplanation' });
