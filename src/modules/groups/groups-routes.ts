/** Custom groups and their members: parse, call the groups service's `api`, present. */
import { callerOf } from '../../http/http-auth.js';
import { ConfirmQuery, errorResponses, ImpactResult, NoContent, WsParams, type ZApp } from '../../http/http-schemas.js';
import type { GroupsApi } from './groups-service.js';
import { AddGroupMembersBody, CustomGroup, GroupBody, GroupDetail, GroupInfo, GroupList, GroupParams, GroupPatch, RemoveGroupMembersBody } from './groups-schema.js';

export function registerGroupsRoutes(app: ZApp, s: { groups: GroupsApi }): void {
  const tags = ['groups'];

  app.get('/workspaces/:ws/groups', { schema: { tags, summary: 'Built-in and custom groups', params: WsParams, response: { 200: GroupList, ...errorResponses } } }, async (req) => s.groups.list(callerOf(req), req.params.ws));

  app.post('/workspaces/:ws/groups', { schema: { tags, summary: 'Create a custom group (admins)', params: WsParams, body: GroupBody, response: { 201: CustomGroup, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await s.groups.create(callerOf(req), req.params.ws, req.body)),
  );

  app.get('/workspaces/:ws/groups/:groupId', { schema: { tags, summary: 'A custom group and its members', params: GroupParams, response: { 200: GroupDetail, ...errorResponses } } }, async (req) =>
    s.groups.get(callerOf(req), req.params.ws, req.params.groupId),
  );

  app.patch('/workspaces/:ws/groups/:groupId', { schema: { tags, summary: 'Rename or describe a group (admins)', params: GroupParams, body: GroupPatch, response: { 200: GroupInfo, ...errorResponses } } }, async (req) =>
    s.groups.update(callerOf(req), req.params.ws, req.params.groupId, req.body),
  );

  app.delete('/workspaces/:ws/groups/:groupId', { schema: { tags, summary: 'Delete a group (previews downgrades; needs ?confirm=true when any)', params: GroupParams, querystring: ConfirmQuery, response: { 200: ImpactResult, ...errorResponses } } }, async (req) =>
    s.groups.remove(callerOf(req), req.params.ws, req.params.groupId, { confirm: req.query.confirm === 'true', dryRun: req.query.dryRun === 'true' }),
  );

  app.post('/workspaces/:ws/groups/:groupId/members', { schema: { tags, summary: 'Add members to a group (admins)', params: GroupParams, body: AddGroupMembersBody, response: { 204: NoContent, ...errorResponses } } }, async (req, reply) => {
    await s.groups.addMembers(callerOf(req), req.params.ws, req.params.groupId, req.body.userIds);
    return reply.status(204).send();
  });

  app.post('/workspaces/:ws/groups/:groupId/members/remove', { schema: { tags, summary: 'Remove members from a group (previews downgrades; needs confirm when any)', params: GroupParams, body: RemoveGroupMembersBody, response: { 200: ImpactResult, ...errorResponses } } }, async (req) =>
    s.groups.removeMembers(callerOf(req), req.params.ws, req.params.groupId, req.body.userIds, { confirm: !!req.body.confirm, dryRun: !!req.body.dryRun }),
  );
}
