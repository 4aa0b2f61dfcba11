import { z } from 'zod';
import { clearSessionCookie, contextOf, requirePrincipal, setSessionCookie } from '../../http/http-auth.js';
import { Email, IdParam, Name, type ZApp } from '../../http/http-schemas.js';
import type { Services } from '../../http/http-services.js';
import { authorize } from '../authz/authz-service.js';


const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(1024) });
const TokenBody = z.strictObject({
  name: Name,
  scopes: z.array(z.enum(['read', 'write'])).min(1).default(['read', 'write']),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional().describe('ISO-8601 time; omit for no expiry'),
});

export function registerAuthRoutes(app: ZApp, s: Services): void {
  app.post('/auth/login', { schema: { tags: ['auth'], summary: 'Sign in; sets the session cookie', body: LoginBody, security: [] } }, async (req, reply) => {
    const r = await s.auth.login(req.body.email, req.body.password, contextOf(req));
    setSessionCookie(reply, req, r.sessionToken, r.expiresAt);
    return { userId: r.userId, csrfToken: r.csrfToken, expiresAt: r.expiresAt };
  });

  app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out (ends the session)' } }, async (req, reply) => {
    const p = requirePrincipal(req);
    await s.auth.logout(p, contextOf(req));
    clearSessionCookie(reply, req);
    return reply.status(204).send();
  });

  app.get('/me', { schema: { tags: ['auth'], summary: 'The caller, their workspaces and roles' } }, async (req) => {
    const p = requirePrincipal(req);
    const user = await s.store.db.selectFrom('users').select(['id', 'email', 'name', 'created_at']).where('id', '=', p.userId).executeTakeFirstOrThrow();
    const workspaces = await s.workspaces.listForUser(p.userId);
    return {
      user: { id: user.id, email: user.email, name: user.name, createdAt: user.created_at },
      workspaces: workspaces.map((w) => ({ ...w, allowedActions: s.authz.index.workspaceActions(p.userId, w.id) })),
      authenticatedVia: p.via,
      ...(p.csrfToken ? { csrfToken: p.csrfToken } : {}),
      ...(p.via === 'token' ? { tokenScopes: p.scopes } : {}),
    };
  });

  app.get('/me/tokens', { schema: { tags: ['tokens'], summary: "The caller's API tokens (never the token itself)" } }, async (req) => {
    const p = requirePrincipal(req);
    authorize(s.authz, p, 'self', { type: 'user_self', userId: p.userId });
    return { tokens: await s.auth.listTokens(p.userId) };
  });

  app.post('/me/tokens', { schema: { tags: ['tokens'], summary: 'Create an API token; the token is in this response only', body: TokenBody } }, async (req, reply) => {
    const p = requirePrincipal(req);
    authorize(s.authz, p, 'self', { type: 'user_self', userId: p.userId });
    const r = await s.auth.createToken(p.userId, { name: req.body.name, scopes: req.body.scopes, expiresAt: req.body.expiresAt ?? null }, contextOf(req));
    return reply.status(201).send({ token: r.token, ...r.info });
  });

  app.delete('/me/tokens/:tokenId', { schema: { tags: ['tokens'], summary: 'Revoke an API token', params: z.strictObject({ tokenId: IdParam }) } }, async (req, reply) => {
    const p = requirePrincipal(req);
    authorize(s.authz, p, 'self', { type: 'user_self', userId: p.userId });
    await s.auth.revokeToken(p.userId, req.params.tokenId, contextOf(req));
    return reply.status(204).send();
  });
}
