/** Sign-in, the caller, and their API tokens: parse, call one service method, present (cookies). */
import { callerOf, clearSessionCookie, contextOf, setSessionCookie } from '../../http/http-auth.js';
import { errorResponses, NoContent, type ZApp } from '../../http/http-schemas.js';
import type { UsersApi } from '../users/users-service.js';
import type { AuthApi } from './auth-service.js';
import { ApiTokenList, CreatedApiToken, LoginBody, LoginResponse, MeResponse, TokenBody, TokenParams } from './auth-schema.js';

export function registerAuthRoutes(app: ZApp, s: { auth: AuthApi; users: UsersApi }): void {
  app.post('/auth/login', { schema: { tags: ['auth'], summary: 'Sign in; sets the session cookie', body: LoginBody, security: [], response: { 200: LoginResponse, ...errorResponses } } }, async (req, reply) => {
    const r = await s.auth.login(req.body.email, req.body.password, contextOf(req));
    setSessionCookie(reply, req, r.sessionToken, r.expiresAt);
    return { userId: r.userId, csrfToken: r.csrfToken, expiresAt: r.expiresAt };
  });

  app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out (ends the session)', response: { 204: NoContent, ...errorResponses } } }, async (req, reply) => {
    await s.auth.logout(callerOf(req));
    clearSessionCookie(reply, req);
    return reply.status(204).send();
  });

  app.get('/me', { schema: { tags: ['auth'], summary: 'The caller, their workspaces and roles', response: { 200: MeResponse, ...errorResponses } } }, async (req) => s.users.me(callerOf(req)));

  app.get('/me/tokens', { schema: { tags: ['tokens'], summary: "The caller's API tokens (never the token itself)", response: { 200: ApiTokenList, ...errorResponses } } }, async (req) => s.auth.tokens(callerOf(req)));

  app.post('/me/tokens', { schema: { tags: ['tokens'], summary: 'Create an API token; the token is in this response only', body: TokenBody, response: { 201: CreatedApiToken, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await s.auth.createToken(callerOf(req), { name: req.body.name, scopes: req.body.scopes, expiresAt: req.body.expiresAt ?? null })),
  );

  app.delete('/me/tokens/:tokenId', { schema: { tags: ['tokens'], summary: 'Revoke an API token', params: TokenParams, response: { 204: NoContent, ...errorResponses } } }, async (req, reply) => {
    await s.auth.revokeToken(callerOf(req), req.params.tokenId);
    return reply.status(204).send();
  });
}
