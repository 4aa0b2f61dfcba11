/** Secrets of the workspace and of projects: parse, call the secrets service's `api`, present. */
import { callerOf } from '../../http/http-auth.js';
import { errorResponses, ProjectParams, WsParams, type ZApp } from '../../http/http-schemas.js';
import { AssetRemoveResult } from '../assets/assets-schema.js';
import type { SecretsApi } from './secrets-service.js';
import {
  CreateProjectSecretBody,
  CreateWorkspaceSecretBody,
  ProjectSecretList,
  ProjectSecretParams,
  RollbackBody,
  RuntimeEnv,
  SanitizedSecretSchema,
  SecretDeleteQuery,
  SecretPatch,
  SecretReveal,
  SecretVersionList,
  WorkspaceSecretList,
  WsSecretParams,
} from './secrets-schema.js';

export function registerSecretsRoutes(app: ZApp, s: { secrets: SecretsApi }): void {
  const tags = ['secrets'];

  // ---- workspace secrets (admins manage; members with access see; professional plan or higher)
  app.get('/workspaces/:ws/secrets', { schema: { tags, summary: 'Workspace secrets the caller may see (never their values)', params: WsParams, response: { 200: WorkspaceSecretList, ...errorResponses } } }, async (req) =>
    s.secrets.listWorkspace(callerOf(req), req.params.ws),
  );

  app.post('/workspaces/:ws/secrets', { schema: { tags, summary: 'Create a workspace secret (admins; Professional plan or higher)', params: WsParams, body: CreateWorkspaceSecretBody, response: { 201: SanitizedSecretSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await s.secrets.createWorkspace(callerOf(req), req.params.ws, req.body)),
  );

  app.get('/workspaces/:ws/secrets/:id', { schema: { tags, summary: 'A workspace secret (never its value)', params: WsSecretParams, response: { 200: SanitizedSecretSchema, ...errorResponses } } }, async (req) =>
    s.secrets.getWorkspace(callerOf(req), req.params.ws, req.params.id),
  );

  app.patch('/workspaces/:ws/secrets/:id', { schema: { tags, summary: 'Rename, describe, or set a new value (a new version) — admins', params: WsSecretParams, body: SecretPatch, response: { 200: SanitizedSecretSchema, ...errorResponses } } }, async (req) =>
    s.secrets.updateWorkspace(callerOf(req), req.params.ws, req.params.id, req.body),
  );

  app.get('/workspaces/:ws/secrets/:id/versions', { schema: { tags, summary: 'Value versions kept (never the values) — admins', params: WsSecretParams, response: { 200: SecretVersionList, ...errorResponses } } }, async (req) =>
    s.secrets.versions(callerOf(req), req.params.ws, req.params.id),
  );

  app.post('/workspaces/:ws/secrets/:id/rollback', { schema: { tags, summary: 'Make an earlier value current again, as a new version — admins', params: WsSecretParams, body: RollbackBody, response: { 200: SanitizedSecretSchema, ...errorResponses } } }, async (req) =>
    s.secrets.rollback(callerOf(req), req.params.ws, req.params.id, req.body),
  );

  // Usage, groups with access and delete are the assets module's routes (registered by main.ts).

  // ---- a project's secrets: its own (editors manage) and the workspace secrets it imports
  app.get('/projects/:projectId/secrets', { schema: { tags, summary: "The project's secrets: its own and imported ones (never values)", params: ProjectParams, response: { 200: ProjectSecretList, ...errorResponses } } }, async (req) =>
    s.secrets.listProject(callerOf(req), req.params.projectId),
  );

  app.post('/projects/:projectId/secrets', { schema: { tags, summary: 'Create a project secret (can_edit)', params: ProjectParams, body: CreateProjectSecretBody, response: { 201: SanitizedSecretSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await s.secrets.createProject(callerOf(req), req.params.projectId, req.body)),
  );

  app.patch('/projects/:projectId/secrets/:name', { schema: { tags, summary: 'Edit a project secret or set a new value (can_edit)', params: ProjectSecretParams, body: SecretPatch, response: { 200: SanitizedSecretSchema, ...errorResponses } } }, async (req) =>
    s.secrets.updateProject(callerOf(req), req.params.projectId, req.params.name, req.body),
  );

  app.delete('/projects/:projectId/secrets/:name', { schema: { tags, summary: 'Delete a project secret (can_edit; confirm=true)', params: ProjectSecretParams, querystring: SecretDeleteQuery, response: { 200: AssetRemoveResult, ...errorResponses } } }, async (req) =>
    s.secrets.removeProject(callerOf(req), req.params.projectId, req.params.name, { confirm: req.query.confirm === 'true', dryRun: req.query.dryRun === 'true' }),
  );

  app.post('/projects/:projectId/secrets/:name/reveal', { schema: { tags, summary: 'Reveal a secret’s value (can_edit and access to it — rule 5; a token needs the write scope); audited', params: ProjectSecretParams, response: { 200: SecretReveal, ...errorResponses } } }, async (req) =>
    s.secrets.reveal(callerOf(req), req.params.projectId, req.params.name),
  );

  app.get('/projects/:projectId/runtime/env', { schema: { tags, summary: 'Every secret of the project as an environment map (can_edit and access to each; a token needs the write scope); audited', params: ProjectParams, response: { 200: RuntimeEnv, ...errorResponses } } }, async (req) =>
    s.secrets.runtimeEnv(callerOf(req), req.params.projectId),
  );
}
