/** Zod shapes shared by several modules' routes. Objects are strict: unknown fields are refused. */
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LEVELS } from '../access/access-types.js';

export const LevelSchema = z.enum(LEVELS);
export const GrantLevelSchema = z.enum(['can_view', 'can_edit', 'full_access']);
export const RoleSchema = z.enum(['admin', 'editor', 'viewer', 'guest']);
export const PlanSchema = z.enum(['community', 'professional', 'team', 'enterprise']);

export const IdParam = z.string().min(1).max(200);
export const WsParams = z.strictObject({ ws: IdParam.describe('Workspace id or slug') });

export const Name = z.string().trim().min(1, 'must not be empty').max(200);
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

export const ImpactSchema = z.array(
  z.object({ userId: z.string(), projectId: z.string(), from: LevelSchema, to: LevelSchema, missingAssets: z.array(z.string()).optional() }),
);

export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
  requestId: z.string(),
});

export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
};

export type ZApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
