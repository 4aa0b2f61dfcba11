/** Git providers of a workspace (admins): parse, call the providers service's `api`, present. */
import { callerOf } from '../../http/http-auth.js';
import { errorResponses, NoContent, WsParams, type ZApp } from '../../http/http-schemas.js';
import { registerGitHubLinkRoutes } from './git-providers-github-routes.js';
import type { GitProvidersApi } from './git-providers-service.js';
import { CreateGitProviderBody, GitProviderList, GitProviderParams, GitProviderPatch, GitProviderTestBody, GitProviderTestResult, SanitizedGitProviderSchema } from './git-providers-schema.js';

/**
 * `opts.publicUrl`: the origin browsers reach Atrium at (GitHub sends the admin back there);
 * unset, the request's own origin as Fastify reads it (X-Forwarded-* only from trusted proxies).
 */
export function registerGitProvidersRoutes(app: ZApp, s: { providers: GitProvidersApi }, opts: { publicUrl?: string } = {}): void {
  const tags = ['git-providers'];

  app.get('/workspaces/:ws/git-providers', { schema: { tags, summary: 'Git providers of the workspace (admins; never their credentials)', params: WsParams, response: { 200: GitProviderList, ...errorResponses } } }, async (req) =>
    s.providers.list(callerOf(req), req.params.ws),
  );

  app.post('/workspaces/:ws/git-providers', { schema: { tags, summary: 'Connect a git provider (admins; Team plan or higher, GitHub Enterprise Server: Enterprise). One GitHub account per workspace and one workspace per GitHub account (rule 11).', params: WsParams, body: CreateGitProviderBody, response: { 201: SanitizedGitProviderSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await s.providers.create(callerOf(req), req.params.ws, req.body)),
  );

  app.get('/workspaces/:ws/git-providers/:id', { schema: { tags, summary: 'A git provider (admins; never its credentials)', params: GitProviderParams, response: { 200: SanitizedGitProviderSchema, ...errorResponses } } }, async (req) =>
    s.providers.get(callerOf(req), req.params.ws, req.params.id),
  );

  app.patch('/workspaces/:ws/git-providers/:id', { schema: { tags, summary: 'Edit a git provider or replace its credentials (admins)', params: GitProviderParams, body: GitProviderPatch, response: { 200: SanitizedGitProviderSchema, ...errorResponses } } }, async (req) =>
    s.providers.update(callerOf(req), req.params.ws, req.params.id, req.body),
  );

  app.delete('/workspaces/:ws/git-providers/:id', { schema: { tags, summary: 'Disconnect a git provider no package uses (admins)', params: GitProviderParams, response: { 204: NoContent, ...errorResponses } } }, async (req, reply) => {
    await s.providers.remove(callerOf(req), req.params.ws, req.params.id);
    return reply.status(204).send();
  });

  app.post('/workspaces/:ws/git-providers/:id/test', { schema: { tags, summary: 'Check the credentials (and access to a repository); says what is wrong (admins)', params: GitProviderParams, body: GitProviderTestBody, response: { 200: GitProviderTestResult, ...errorResponses } } }, async (req) =>
    s.providers.test(callerOf(req), req.params.ws, req.params.id, req.body ?? {}),
  );

  registerGitHubLinkRoutes(app, s, opts);
}
