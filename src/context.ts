/**
 * Who is asking, from where: the plain data every layer passes along. The HTTP layer builds it
 * from a request, the CLI and the demo build a system one; services authorize on it and the
 * audit log records it. No layer owns it, so it sits beside errors.ts and ids.ts.
 */

export type TokenScope = 'read' | 'write';

/** An authenticated user: by session cookie (console) or API token (programs). */
export interface Principal {
  userId: string;
  via: 'session' | 'token';
  /** session: the csrf token the client must echo on writes */
  csrfToken?: string;
  sessionIdHash?: string;
  tokenId?: string;
  scopes: TokenScope[];
}

/** Who did something, from where: carried from the HTTP request (or the CLI) into every write. */
export interface RequestContext {
  actorType: 'user' | 'system' | 'anonymous';
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** What a service is handed for a request: the principal (null when anonymous) and the context. */
export interface Caller {
  principal: Principal | null;
  ctx: RequestContext;
}

export const systemContext = (requestId: string | null = null): RequestContext => ({
  actorType: 'system',
  actorId: null,
  ip: null,
  userAgent: null,
  requestId,
});

/** The context of a user acting without an HTTP request (a query the demo runs as its editor, say). */
export const userContext = (userId: string): RequestContext => ({ actorType: 'user', actorId: userId, ip: null, userAgent: null, requestId: null });
