/**
 * Who is calling: an `Authorization: Bearer` API token, or the session cookie. Cookie-based
 * writes must echo the session's CSRF token in `X-CSRF-Token` (a cross-site page can make the
 * browser send the cookie, but cannot read the token). Token-based calls need no CSRF token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { RequestContext } from '../modules/audit/audit-types.js';
import type { AuthService, Principal } from '../modules/auth/auth-service.js';

export const SESSION_COOKIE = 'atrium_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function installAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!req.url.startsWith('/api/v1/')) return;
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <token>".');
      const principal = await auth.authenticateToken(m[1]!);
      if (!SAFE_METHODS.has(req.method) && !principal.scopes.includes('write')) {
        throw new AppError('forbidden', 'This API token is read-only; create a token with the write scope to make changes.', { requiredScope: 'write' });
      }
      req.principal = principal;
      return;
    }
    const cookie = req.cookies?.[SESSION_COOKIE];
    if (!cookie) return;
    // Login must work even with a stale cookie in the browser.
    if (req.routeOptions.url === '/api/v1/auth/login') return;
    const principal = await auth.authenticateSession(cookie);
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !principal.csrfToken || !safeEqual(sent, principal.csrfToken)) {
        throw new AppError('csrf_failed', 'Missing or wrong X-CSRF-Token header. Read the token from GET /api/v1/me (csrfToken) and send it with every change.');
      }
    }
    req.principal = principal;
  });
}

export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('unauthenticated', 'Sign in, or send an API token as "Authorization: Bearer <token>".');
  return req.principal;
}

export function contextOf(req: FastifyRequest): RequestContext {
  return {
    actorType: req.principal ? 'user' : 'anonymous',
    actorId: req.principal?.userId ?? null,
    ip: req.ip ?? null,
    userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 500) : null,
    requestId: req.id,
  };
}

export function setSessionCookie(reply: FastifyReply, req: FastifyRequest, token: string, expiresAt: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: req.protocol === 'https',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply, req: FastifyRequest): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https' });
}
