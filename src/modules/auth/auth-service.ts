/**
 * Sign-in and the two ways a request proves who it is: a session cookie (console) or an API
 * token (programs). Only hashes of session ids and tokens are stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Caller, Principal, RequestContext, TokenScope } from '../../context.js';
import { AppError } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import { unauthenticated } from '../authz/authz-policies.js';
import type { UsersRepository } from '../users/users-repository.js';
import { verifyPassword } from './auth-passwords.js';
import type { AuthRepository } from './auth-repository.js';
import { createLoginThrottle } from './auth-rate-limit.js';

export type { Principal, TokenScope } from '../../context.js';

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const TOKEN_PREFIX = 'atr_';

export interface AuthOptions {
  sessionTtlMs: number;
  sessionIdleMs: number;
  loginWindowMs?: number;
  /** Failures of one account from one address before it waits (default 10). */
  maxFailuresPerAccount?: number;
  /** Failures of one account from all addresses together (default 20, at least twice the above). */
  maxFailuresPerAccountAnywhere?: number;
  /** Failures from one address on any accounts before it gets three tries per account, not ten (default 50). */
  maxFailuresPerIp?: number;
}

type Deps = {
  store: Pick<Store, 'transaction'>;
  repo: AuthRepository;
  users: Pick<UsersRepository, 'byEmailWithHash'>;
  audit: Pick<AuditService, 'record'>;
};

function principalOf(caller: Caller): Principal {
  if (!caller.principal) throw unauthenticated();
  return caller.principal;
}

export function createAuthService(deps: Deps, opts: AuthOptions) {
  const { repo } = deps;
  // How and why: auth-rate-limit.ts.
  const throttle = createLoginThrottle({
    windowMs: opts.loginWindowMs,
    maxPerAccountAndAddress: opts.maxFailuresPerAccount,
    maxPerAccount: opts.maxFailuresPerAccountAnywhere,
    maxPerAddress: opts.maxFailuresPerIp,
  });

  async function login(email: string, password: string, ctx: RequestContext) {
    const emailKey = email.trim().toLowerCase();
    const wait = throttle.retryAfterMs(emailKey, ctx.ip);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError(
        'rate_limited',
        `Too many failed sign-in attempts. Try again in ${seconds} seconds.`,
        { retryAfterSeconds: seconds },
        { 'retry-after': String(seconds) },
      );
    }
    const user = await deps.users.byEmailWithHash(emailKey);
    const ok = await verifyPassword(password, user?.passwordHash ?? null);
    if (!user || !ok) {
      throttle.fail(emailKey, ctx.ip);
      throw new AppError('invalid_credentials', 'The email or password is incorrect.');
    }
    throttle.succeed(emailKey, ctx.ip);
    const sessionToken = randomToken();
    const csrfToken = randomToken(24);
    const now = Date.now();
    const expiresAt = new Date(now + opts.sessionTtlMs).toISOString();
    await deps.store.transaction(async (tx) => {
      await repo.insertSession(tx, {
          id_hash: sha256(sessionToken),
          user_id: user.id,
          csrf_token: csrfToken,
          created_at: new Date(now).toISOString(),
          expires_at: expiresAt,
          last_seen_at: new Date(now).toISOString(),
          ip: ctx.ip,
          user_agent: ctx.userAgent?.slice(0, 500) ?? null,
      });
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
      await repo.deleteSession(principal.sessionIdHash!, tx);
      await deps.audit.record(tx, ctx, { workspaceId: '', action: 'auth.logout', targetType: 'user', targetId: principal.userId });
    });
  }

  /** Returns the principal for a session cookie, or throws session_expired/unauthenticated. */
  async function authenticateSession(sessionToken: string): Promise<Principal> {
    const idHash = sha256(sessionToken);
    const s = await repo.session(idHash);
    if (!s) throw new AppError('unauthenticated', 'Your session is not valid. Sign in again.');
    const now = Date.now();
    const idleExpired = Date.parse(s.last_seen_at) + opts.sessionIdleMs < now;
    if (Date.parse(s.expires_at) <= now || idleExpired) {
      await repo.deleteSession(idHash);
      throw new AppError('session_expired', 'Your session has expired. Sign in again.');
    }
    // Touch at most once a minute: a read must not cost a write each time.
    if (now - Date.parse(s.last_seen_at) > 60_000) {
      await repo.touchSession(idHash, new Date(now).toISOString());
    }
    return { userId: s.user_id, via: 'session', csrfToken: s.csrf_token, sessionIdHash: idHash, scopes: ['read', 'write'] };
  }

  async function authenticateToken(token: string): Promise<Principal> {
    if (!token.startsWith(TOKEN_PREFIX)) throw new AppError('unauthenticated', 'The API token is not valid.');
    const t = await repo.tokenByHash(sha256(token));
    if (!t || t.revoked_at) throw new AppError('unauthenticated', 'The API token is not valid or was revoked.');
    if (t.expires_at && Date.parse(t.expires_at) <= Date.now()) {
      throw new AppError('unauthenticated', 'The API token has expired. Create a new one.');
    }
    const now = Date.now();
    if (!t.last_used_at || now - Date.parse(t.last_used_at) > 60_000) {
      await repo.touchToken(t.id, new Date(now).toISOString());
    }
    return { userId: t.user_id, via: 'token', tokenId: t.id, scopes: JSON.parse(t.scopes) as TokenScope[] };
  }

  /** An API token for a user; the token is in this answer only. */
  async function createToken(userId: string, input: { name: string; scopes: TokenScope[]; expiresAt?: string | null }, ctx: RequestContext) {
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
      await repo.insertToken(tx, row);
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
    return (await repo.tokensOf(userId)).map(presentToken);
  }

  async function revokeToken(userId: string, tokenId: string, ctx: RequestContext): Promise<void> {
    await deps.store.transaction(async (tx) => {
      const t = await repo.tokenOf(tx, userId, tokenId);
      if (!t) throw new AppError('not_found', `API token '${tokenId}' was not found.`, { resource: 'api_token', id: tokenId });
      if (t.revoked_at) return;
      await repo.revokeToken(tx, tokenId);
      await deps.audit.record(tx, ctx, { workspaceId: '', action: 'token.revoke', targetType: 'api_token', targetId: tokenId });
    });
  }

  /** What a request may ask: sign in, and — signed in — sign out and manage one's own API tokens. */
  const api = {
    login: (email: string, password: string, ctx: RequestContext) => login(email, password, ctx),
    logout: async (caller: Caller) => logout(principalOf(caller), caller.ctx),
    tokens: async (caller: Caller) => ({ tokens: await listTokens(principalOf(caller).userId) }),
    async createToken(caller: Caller, input: { name: string; scopes: TokenScope[]; expiresAt?: string | null }) {
      const r = await createToken(principalOf(caller).userId, input, caller.ctx);
      return { token: r.token, ...r.info };
    },
    revokeToken: async (caller: Caller, tokenId: string) => revokeToken(principalOf(caller).userId, tokenId, caller.ctx),
  };

  return { login, logout, authenticateSession, authenticateToken, createToken, listTokens, revokeToken, purgeExpiredSessions: repo.purgeExpiredSessions, api };
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
export type AuthApi = AuthService['api'];
