import { z } from 'zod';
import { WorkspaceAction } from '../../access/access-types.js';
import { contextOf, requirePrincipal } from '../../http/http-auth.js';
import { ConfirmFields, ConfirmQuery, Email, IdParam, Name, PlanSchema, RoleSchema, WsParams, type ZApp } from '../../http/http-schemas.js';
import type { Services } from '../../http/http-services.js';
import { PASSWORD_MIN_LENGTH } from '../auth/auth-passwords.js';
import { authorize } from '../authz/authz-service.js';

const MemberParams = z.strictObject({ ws: IdParam, userId: IdParam });
const AddMemberBody = z.strictObject({
  email: Email,
  name: Name.optional(),
  role: RoleSchema,
  password: z.string().min(PASSWORD_MIN_LENGTH, `must have at least ${PASSWORD_MIN_LENGTH} characters`).max(1024).optional().describe('Initial password when the user is new'),
});
const ChangeRoleBody = z.strictObject({ role: RoleSchema, ...ConfirmFields });
const PatchWorkspaceBody = z.strictObject({ name: Name.optional(), plan: PlanSchema.optional() });

export function registerWorkspacesRoutes(app: ZApp, s: Services): void {
  const tags = ['workspaces'];

  app.get('/workspaces', { schema: { tags, summary: "The caller's workspaces" } }, async (req) => {
    const p = requirePrincipal(req);
    const list = await s.workspaces.listForUser(p.userId);
    return { workspaces: list.map((w) => ({ ...w, allowedActions: s.authz.index.workspaceActions(p.userId, w.id) })) };
  });

  app.get('/workspaces/:ws', { schema: { tags, summary: 'A workspace', params: WsParams } }, async (req) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    return { ...ws, role: s.authz.index.roleIn(p.userId, ws.id), allowedActions: s.authz.index.workspaceActions(p.userId, ws.id) };
  });

  app.patch('/workspaces/:ws', { schema: { tags, summary: 'Rename a workspace or change its plan (admins)', params: WsParams, body: PatchWorkspaceBody } }, async (req) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, WorkspaceAction.manage_members, { type: 'workspace', workspaceId: ws.id });
    return s.workspaces.update(ws, req.body, contextOf(req));
  });

  app.get('/workspaces/:ws/members', { schema: { tags: ['members'], summary: 'Members and their roles', params: WsParams } }, async (req) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, WorkspaceAction.view_members, { type: 'workspace', workspaceId: ws.id });
    return { members: await s.workspaces.listMembers(ws.id) };
  });

  app.post('/workspaces/:ws/members', { schema: { tags: ['members'], summary: 'Add a member (creates the user if new)', params: WsParams, body: AddMemberBody } }, async (req, reply) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, WorkspaceAction.manage_members, { type: 'workspace', workspaceId: ws.id });
    const m = await s.workspaces.addMember(ws, { ...req.body, role: req.body.role as never }, contextOf(req));
    return reply.status(201).send(m);
  });

  app.patch('/workspaces/:ws/members/:userId', { schema: { tags: ['members'], summary: "Change a member's role (previews downgrades; needs confirm when any)", params: MemberParams, body: ChangeRoleBody } }, async (req) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, WorkspaceAction.manage_members, { type: 'workspace', workspaceId: ws.id });
    return s.workspaces.changeRole(ws, req.params.userId, req.body.role as never, { confirm: !!req.body.confirm, dryRun: !!req.body.dryRun }, contextOf(req));
  });

  app.delete('/workspaces/:ws/members/:userId', { schema: { tags: ['members'], summary: 'Remove a member (previews downgrades; needs ?confirm=true when any)', params: MemberParams, querystring: ConfirmQuery } }, async (req) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, WorkspaceAction.manage_members, { type: 'workspace', workspaceId: ws.id });
    return s.workspaces.removeMember(ws, req.params.userId, { confirm: req.query.confirm === 'true', dryRun: req.query.dryRun === 'true' }, contextOf(req));
  });
}
