/** Workspaces and their members: request and response shapes. */
import { z } from 'zod';
import { ConfirmFields, Id, IdParam, ImpactSchema, Name, PlanSchema, RoleSchema, Timestamp, WorkspaceAllowedActions, WorkspaceSummary } from '../../http/http-schemas.js';

// ---- requests
export const MemberParams = z.strictObject({ ws: IdParam, userId: IdParam });
export const ChangeRoleBody = z.strictObject({ role: RoleSchema, ...ConfirmFields });
export const PatchWorkspaceBody = z.strictObject({ name: Name.optional(), plan: PlanSchema.optional() });

// ---- responses
/** A workspace in the caller's list (and in /me): with their role and allowed actions. */
export const WorkspaceList = z.object({ workspaces: z.array(WorkspaceSummary) });

/** A workspace's settings, as stored (the answer of PATCH). */
export const WorkspaceRecord = z
  .object({ id: Id, slug: z.string(), name: z.string(), plan: PlanSchema, defaultConnectionId: Id.nullable(), createdAt: Timestamp })
  .meta({ id: 'WorkspaceRecord' });
/** A workspace with the caller's role and allowed actions. */
export const Workspace = WorkspaceRecord.extend({ role: RoleSchema, allowedActions: WorkspaceAllowedActions }).meta({ id: 'Workspace' });

export const Member = z
  .object({ userId: Id, email: z.string(), name: z.string(), role: RoleSchema, joinedAt: Timestamp })
  .meta({ id: 'Member' });
export const MemberList = z.object({ members: z.array(Member) });

/** A role change: a preview (applied false) or the change made, with who lost access. */
export const RoleChangeResult = z
  .object({
    applied: z.boolean(),
    from: RoleSchema.optional().describe('Set when applied'),
    to: RoleSchema.optional().describe('Set when applied'),
    impact: ImpactSchema,
  })
  .meta({ id: 'RoleChangeResult' });
