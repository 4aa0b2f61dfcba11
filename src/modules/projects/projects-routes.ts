/** Projects, sharing and access: parse, call the projects service's `api`, present. */
import { callerOf } from '../../http/http-auth.js';
import { errorResponses, NoContent, ProjectParams, WsParams, type ZApp } from '../../http/http-schemas.js';
import type { ProjectsApi } from './projects-service.js';
import { AccessExplanation, ExplainQuery, GrantBody, GrantList, GrantParams, GrantRemovePreview, GrantRemoveQuery, GrantResult, Project, ProjectAccess, ProjectBody, ProjectList, ProjectListQuery, ProjectPatch } from './projects-schema.js';

export function registerProjectsRoutes(app: ZApp, s: { projects: ProjectsApi }): void {
  const tags = ['projects'];

  app.get('/workspaces/:ws/projects', { schema: { tags, summary: 'Projects the caller can view', params: WsParams, querystring: ProjectListQuery, response: { 200: ProjectList, ...errorResponses } } }, async (req) =>
    s.projects.list(callerOf(req), req.params.ws, req.query.minLevel),
  );

  app.post('/workspaces/:ws/projects', { schema: { tags, summary: 'Create a project (admins and editors); the creator gets full access', params: WsParams, body: ProjectBody, response: { 201: Project, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await s.projects.create(callerOf(req), req.params.ws, req.body)),
  );

  app.get('/projects/:projectId', { schema: { tags, summary: 'A project, with the caller’s level and allowed actions', params: ProjectParams, response: { 200: Project, ...errorResponses } } }, async (req) =>
    s.projects.get(callerOf(req), req.params.projectId),
  );

  app.patch('/projects/:projectId', { schema: { tags, summary: 'Rename or describe a project (can_edit)', params: ProjectParams, body: ProjectPatch, response: { 200: Project, ...errorResponses } } }, async (req) =>
    s.projects.update(callerOf(req), req.params.projectId, req.body),
  );

  app.delete('/projects/:projectId', { schema: { tags, summary: 'Delete a project (full access or admin)', params: ProjectParams, response: { 204: NoContent, ...errorResponses } } }, async (req, reply) => {
    await s.projects.remove(callerOf(req), req.params.projectId);
    return reply.status(204).send();
  });

  app.get('/projects/:projectId/grants', { schema: { tags: ['sharing'], summary: 'Who the project is shared with', params: ProjectParams, response: { 200: GrantList, ...errorResponses } } }, async (req) =>
    s.projects.grants(callerOf(req), req.params.projectId),
  );

  app.put('/projects/:projectId/grants/:subject', {
    schema: { tags: ['sharing'], summary: 'Share the project with a user, a group, the workspace or the web. Refused with asset_access_required when grantees lack access to an imported asset, unless confirm is true (rule 7).', params: GrantParams, body: GrantBody, response: { 200: GrantResult, ...errorResponses } },
  }, async (req) => s.projects.setGrant(callerOf(req), req.params.projectId, req.params.subject, req.body));

  app.delete('/projects/:projectId/grants/:subject', { schema: { tags: ['sharing'], summary: 'Stop sharing with a subject (?dryRun=true previews whose level would drop)', params: GrantParams, querystring: GrantRemoveQuery, response: { 200: GrantRemovePreview, 204: NoContent, ...errorResponses } } }, async (req, reply) => {
    const preview = await s.projects.removeGrant(callerOf(req), req.params.projectId, req.params.subject, { dryRun: req.query.dryRun === 'true' });
    return preview ?? reply.status(204).send();
  });

  app.get('/projects/:projectId/access', { schema: { tags: ['access'], summary: "The caller's effective level on the project and what they may do", params: ProjectParams, response: { 200: ProjectAccess, ...errorResponses } } }, async (req) =>
    s.projects.access(callerOf(req), req.params.projectId),
  );

  app.get('/projects/:projectId/access/explain', {
    schema: { tags: ['access'], summary: 'Why a user has the level they have (admins and full access)', params: ProjectParams, querystring: ExplainQuery, response: { 200: AccessExplanation, ...errorResponses } },
  }, async (req) => s.projects.explain(callerOf(req), req.params.projectId, req.query.user));
}
