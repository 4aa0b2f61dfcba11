/** Workspaces and their members: parse, call the workspaces service's `api`, present. */
import { callerOf } from '../../http/http-auth.js';
import { ConfirmQuery, errorResponses, ImpactResult, WsParams, type ZApp } from '../../http/http-schemas.js';
import type { WorkspacesApi } from './workspaces-service.js';
import { ChangeRoleBody, MemberList, MemberParams, PatchWorkspaceBody, RoleChangeResult, Workspace, WorkspaceList, WorkspaceRecord } from './workspaces-schema.js';

export function registerWorkspacesRoutes(app: ZApp, s: { workspaces: WorkspacesApi }): void {
  const tags = ['workspaces'];

  app.get('/workspaces', { schema: { tags, summary: "The caller's workspaces", response: { 200: WorkspaceList, ...errorResponses } } }, async (req) => s.workspaces.list(callerOf(req)));

  app.get('/workspaces/:ws', { schema: { tags, summary: 'A workspace', params: WsParams, response: { 200: Workspace, ...errorResponses } } }, async (req) => s.workspaces.show(callerOf(req), req.params.ws));

  app.patch('/workspaces/:ws', { schema: { tags, summary: 'Rename a workspace or change its plan (admins)', params: WsParams, body: PatchWorkspaceBody, response: { 200: WorkspaceRecord, ...errorResponses } } }, async (req) =>
    s.workspaces.update(callerOf(req), req.params.ws, req.body),
  );

  app.get('/workspaces/:ws/members', { schema: { tags: ['members'], summary: 'Members and their roles', params: WsParams, response: { 200: MemberList, ...errorResponses } } }, async (req) =>
    s.workspaces.members(callerOf(req), req.params.ws),
  );

  app.patch('/workspaces/:ws/members/:userId', { schema: { tags: ['members'], summary: "Change a member's role (previews downgrades; needs confirm when any)", params: MemberParams, body: ChangeRoleBody, response: { 200: RoleChangeResult, ...errorResponses } } }, async (req) =>
    s.workspaces.changeRole(callerOf(req), req.params.ws, req.params.userId, req.body.role as never, { confirm: !!req.body.confirm, dryRun: !!req.body.dryRun }),
  );

  app.delete('/workspaces/:ws/members/:userId', { schema: { tags: ['members'], summary: 'Remove a member (previews downgrades; needs ?confirm=true when any)', params: MemberParams, querystring: ConfirmQuery, response: { 200: ImpactResult, ...errorResponses } } }, async (req) =>
    s.workspaces.removeMember(callerOf(req), req.params.ws, req.params.userId, { confirm: req.query.confirm === 'true', dryRun: req.query.dryRun === 'true' }),
  );
}
