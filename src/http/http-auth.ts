/**
 * Who is calling: an `Authorization: Bearer` API token, or the session cookie. Cookie-based
 * writes must echo the session's CSRF token in `X-CSRF-Token` (a cross-site page can make the
 * browser send the cookie, but cannot read the token). Token-based calls need no CSRF token.
 * How a token or a session is checked is the auth module's business: it hands this an
 * `Authenticator` (the composition root wires it), so this layer knows no module.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller, Principal, RequestContext } from '../context.js';
import { AppError } from '../errors.js';

export const SESSION_COOKIE = 'atrium_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Authenticator {
  authenticateToken(token: string): Promise<Principal>;
  authenticateSession(cookie: string): Promise<Principal>;
}

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

export function installAuth(app: FastifyInstance, auth: Authenticator): void {
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

export function contextOf(req: FastifyRequest): RequestContext {
  return {
    actorType: req.principal ? 'user' : 'anonymous',
    actorId: req.principal?.userId ?? null,
    ip: req.ip ?? null,
    userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 500) : null,
    requestId: req.id,
  };
}

/** What a route hands its service: the principal (null when anonymous) and where the request came from. */
export function callerOf(req: FastifyRequest): Caller {
  return { principal: req.principal, ctx: contextOf(req) };
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
