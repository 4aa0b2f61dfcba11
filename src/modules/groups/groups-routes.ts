import { z } from 'zod';
import { WorkspaceAction } from '../../access/access-types.js';
import { contextOf, requirePrincipal } from '../../http/http-auth.js';
import { ConfirmFields, ConfirmQuery, IdParam, Name, WsParams, type ZApp } from '../../http/http-schemas.js';
import type { Services } from '../../http/http-services.js';
import { authorize } from '../authz/authz-service.js';

const GroupParams = z.strictObject({ ws: IdParam, groupId: IdParam });
const GroupBody = z.strictObject({ name: Name, description: z.string().max(2000).optional() });
const GroupPatch = z.strictObject({ name: Name.optional(), description: z.string().max(2000).optional() });
const UserIds = z.array(IdParam).min(1).max(1000);

export function registerGroupsRoutes(app: ZApp, s: Services): void {
  const tags = ['groups'];
  const load = async (req: { principal: unknown; params: { ws: string } }, action: WorkspaceAction) => {
    const p = requirePrincipal(req as never);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, action, { type: 'workspace', workspaceId: ws.id });
    return ws;
  };

  app.get('/workspaces/:ws/groups', { schema: { tags, summary: 'Built-in and custom groups', params: WsParams } }, async (req) => {
    const ws = await load(req, WorkspaceAction.view_members);
    return s.groups.list(ws.id);
  });

  app.post('/workspaces/:ws/groups', { schema: { tags, summary: 'Create a custom group (admins)', params: WsParams, body: GroupBody } }, async (req, reply) => {
    const ws = await load(req, WorkspaceAction.manage_groups);
    return reply.status(201).send(await s.groups.create(ws.id, req.body, contextOf(req)));
  });

  app.get('/workspaces/:ws/groups/:groupId', { schema: { tags, summary: 'A custom group and its members', params: GroupParams } }, async (req) => {
    const ws = await load(req, WorkspaceAction.view_members);
    const g = await s.groups.get(ws.id, req.params.groupId);
    return { id: g.id, name: g.name, description: g.description, createdAt: g.created_at, members: await s.groups.members(ws.id, g.id) };
  });

  app.patch('/workspaces/:ws/groups/:groupId', { schema: { tags, summary: 'Rename or describe a group (admins)', params: GroupParams, body: GroupPatch } }, async (req) => {
    const ws = await load(req, WorkspaceAction.manage_groups);
    const g = await s.groups.update(ws.id, req.params.groupId, req.body, contextOf(req));
    return { id: g.id, name: g.name, description: g.description, createdAt: g.created_at };
  });

  app.delete('/workspaces/:ws/groups/:groupId', { schema: { tags, summary: 'Delete a group (previews downgrades; needs ?confirm=true when any)', params: GroupParams, querystring: ConfirmQuery } }, async (req) => {
    const ws = await load(req, WorkspaceAction.manage_groups);
    return s.groups.remove(ws.id, req.params.groupId, { confirm: req.query.confirm === 'true', dryRun: req.query.dryRun === 'true' }, contextOf(req));
  });

  app.post('/workspaces/:ws/groups/:groupId/members', { schema: { tags, summary: 'Add members to a group (admins)', params: GroupParams, body: z.strictObject({ userIds: UserIds }) } }, async (req, reply) => {
    const ws = await load(req, WorkspaceAction.manage_groups);
    await s.groups.addMembers(ws.id, req.params.groupId, req.body.userIds, contextOf(req));
    return reply.status(204).send();
  });

  app.post('/workspaces/:ws/groups/:groupId/members/remove', { schema: { tags, summary: 'Remove members from a group (previews downgrades; needs confirm when any)', params: GroupParams, body: z.strictObject({ userIds: UserIds, ...ConfirmFields }) } }, async (req) => {
    const ws = await load(req, WorkspaceAction.manage_groups);
    return s.groups.removeMembers(ws.id, req.params.groupId, req.body.userIds, { confirm: !!req.body.confirm, dryRun: !!req.body.dryRun }, contextOf(req));
  });
}
