/**
 * Sign-in and the two ways a request proves who it is: a session cookie (console) or an API
 * token (programs). Only hashes of session ids and tokens are stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import type { RequestContext } from '../audit/audit-types.js';
import { verifyPassword } from './auth-passwords.js';
import { createFailureLimiter } from './auth-rate-limit.js';

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export type TokenScope = 'read' | 'write';
export const TOKEN_PREFIX = 'atr_';

export interface Principal {
  userId: string;
  via: 'session' | 'token';
  /** session: the csrf token the client must echo on writes */
  csrfToken?: string;
  sessionIdHash?: string;
  tokenId?: string;
  scopes: TokenScope[];
}

export interface AuthOptions {
  sessionTtlMs: number;
  sessionIdleMs: number;
  loginWindowMs?: number;
  maxFailuresPerAccount?: number;
  maxFailuresPerIp?: number;
}

export function createAuthService(deps: { store: Store; audit: AuditService }, opts: AuthOptions) {
  const { db } = deps.store;
  const window = opts.loginWindowMs ?? 15 * 60_000;
  const accountLimiter = createFailureLimiter({ windowMs: window, maxPerKey: opts.maxFailuresPerAccount ?? 10 });
  const ipLimiter = createFailureLimiter({ windowMs: window, maxPerKey: opts.maxFailuresPerIp ?? 50 });

  async function login(email: string, password: string, ctx: RequestContext) {
    const emailKey = email.trim().toLowerCase();
    const acctKeys = [`${emailKey}|${ctx.ip ?? ''}`];
    const ipKeys = [ctx.ip ?? 'unknown'];
    const wait = Math.max(accountLimiter.retryAfterMs(acctKeys), ipLimiter.retryAfterMs(ipKeys));
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError(
        'rate_limited',
        `Too many failed sign-in attempts. Try again in ${seconds} seconds.`,
        { retryAfterSeconds: seconds },
        { 'retry-after': String(seconds) },
      );
    }
    const user = await db.selectFrom('users').selectAll().where('email', '=', emailKey).executeTakeFirst();
    const ok = await verifyPassword(password, user?.password_hash ?? null);
    if (!user || !ok) {
      accountLimiter.fail(acctKeys);
      ipLimiter.fail(ipKeys);
      throw new AppError('invalid_credentials', 'The email or password is incorrect.');
    }
    accountLimiter.succeed(acctKeys);
    const sessionToken = randomToken();
    const csrfToken = randomToken(24);
    const now = Date.now();
    const expiresAt = new Date(now + opts.sessionTtlMs).toISOString();
    await deps.store.transaction(async (tx) => {
      await tx
        .insertInto('sessions')
        .values({
          id_hash: sha256(sessionToken),
          user_id: user.id,
          csrf_token: csrfToken,
          created_at: new Date(now).toISOString(),
          expires_at: expiresAt,
          last_seen_at: new Date(now).toISOString(),
          ip: ctx.ip,
          user_agent: ctx.userAgent?.slice(0, 500) ?? null,
        })
        .execute();
      await deps.audit.record(tx, { ...ctx, actorType: 'user', actorId: user.id }, {
        workspaceId: '',
        action: 'auth.login',
        targetType: 'user',
        targetId: user.id,
      });
    });
    return { sessionToken, csrfToken, expiresAt, userId: user.id };
  }

  async function logout(principal: Principal, ctx: RequestContext): Promise<void> {
    if (!principal.sessionIdHash) return;
    await deps.store.transaction(async (tx) => {
      await tx.deleteFrom('sessions').where('id_hash', '=', principal.sessionIdHash!).execute();
      await deps.audit.record(tx, ctx, { workspaceId: '', action: 'auth.logout', targetType: 'user', targetId: principal.userId });
    });
  }

  /** Returns the principal for a session cookie, or throws session_expired/unauthenticated. */
  async function authenticateSession(sessionToken: string): Promise<Principal> {
    const idHash = sha256(sessionToken);
    const s = await deps.store.read.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    if (!s) throw new AppError('unauthenticated', 'Your session is not valid. Sign in again.');
    const now = Date.now();
    const idleExpired = Date.parse(s.last_seen_at) + opts.sessionIdleMs < now;
    if (Date.parse(s.expires_at) <= now || idleExpired) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
      throw new AppError('session_expired', 'Your session has expired. Sign in again.');
    }
    // Touch at most once a minute: a read must not cost a write each time.
    if (now - Date.parse(s.last_seen_at) > 60_000) {
      await db.updateTable('sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id_hash', '=', idHash).execute();
    }
    return { userId: s.user_id, via: 'session', csrfToken: s.csrf_token, sessionIdHash: idHash, scopes: ['read', 'write'] };
  }

  async function authenticateToken(token: string): Promise<Principal> {
    if (!token.startsWith(TOKEN_PREFIX)) throw new AppError('unauthenticated', 'The API token is not valid.');
    const t = await deps.store.read.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
    if (!t || t.revoked_at) throw new AppError('unauthenticated', 'The API token is not valid or was revoked.');
    if (t.expires_at && Date.parse(t.expires_at) <= Date.now()) {
      throw new AppError('unauthenticated', 'The API token has expired. Create a new one.');
    }
    const now = Date.now();
    if (!t.last_used_at || now - Date.parse(t.last_used_at) > 60_000) {
      await db.updateTable('api_tokens').set({ last_used_at: new Date(now).toISOString() }).where('id', '=', t.id).execute();
    }
    return { userId: t.user_id, via: 'token', tokenId: t.id, scopes: JSON.parse(t.scopes) as TokenScope[] };
  }

  async function createToken(
    userId: string,
    input: { name: string; scopes: TokenScope[]; expiresAt?: string | null },
    ctx: RequestContext,
  ) {
    if (input.expiresAt && Date.parse(input.expiresAt) <= Date.now()) {
      throw new AppError('validation_failed', 'expiresAt must be in the future.', { field: 'expiresAt' });
    }
    const token = TOKEN_PREFIX + randomToken();
    const row = {
      id: newId('tok'),
      user_id: userId,
      name: input.name,
      token_hash: sha256(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      scopes: JSON.stringify([...new Set(input.scopes)].sort()),
      created_at: nowIso(),
      expires_at: input.expiresAt ?? null,
      last_used_at: null,
      revoked_at: null,
    };
    await deps.store.transaction(async (tx) => {
      await tx.insertInto('api_tokens').values(row).execute();
      await deps.audit.record(tx, ctx, {
        workspaceId: '',
        action: 'token.create',
        targetType: 'api_token',
        targetId: row.id,
        details: { name: row.name, scopes: JSON.parse(row.scopes), expiresAt: row.expires_at },
      });
    });
    return { token, info: presentToken(row) };
  }

  async function listTokens(userId: string) {
    const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
    return rows.map(presentToken);
  }

  async function revokeToken(userId: string, tokenId: string, ctx: RequestContext): Promise<void> {
    await deps.store.transaction(async (tx) => {
      const t = await tx.selectFrom('api_tokens').select(['id', 'revoked_at']).where('id', '=', tokenId).where('user_id', '=', userId).executeTakeFirst();
      if (!t) throw new AppError('not_found', `API token '${tokenId}' was not found.`, { resource: 'api_token', id: tokenId });
      if (t.revoked_at) return;
      await tx.updateTable('api_tokens').set({ revoked_at: nowIso() }).where('id', '=', tokenId).execute();
      await deps.audit.record(tx, ctx, { workspaceId: '', action: 'token.revoke', targetType: 'api_token', targetId: tokenId });
    });
  }

  async function purgeExpiredSessions(): Promise<number> {
    const res = await db.deleteFrom('sessions').where('expires_at', '<=', nowIso()).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  return { login, logout, authenticateSession, authenticateToken, createToken, listTokens, revokeToken, purgeExpiredSessions };
}

function presentToken(r: {
  id: string; name: string; prefix: string; scopes: string; created_at: string;
  expires_at: string | null; last_used_at: string | null; revoked_at: string | null;
}) {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: JSON.parse(r.scopes) as TokenScope[],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
