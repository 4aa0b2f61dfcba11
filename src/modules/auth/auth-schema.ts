/**
 * Sign-in, the caller (`/me`) and API tokens: request and response shapes. A token's secret is
 * in the create response only (`CreatedApiToken`); every other token shape cannot carry it.
 */
import { z } from 'zod';
import { Email, Id, IdParam, Name, Timestamp, WorkspaceSummary } from '../../http/http-schemas.js';

// ---- requests
export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(1024) });
export const TokenScopeSchema = z.enum(['read', 'write']).meta({ id: 'TokenScope' });
export const TokenBody = z.strictObject({
  name: Name,
  scopes: z.array(TokenScopeSchema).min(1).default(['read', 'write']),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional().describe('ISO-8601 time; omit for no expiry'),
});
export const TokenParams = z.strictObject({ tokenId: IdParam });

// ---- responses
export const LoginResponse = z
  .object({
    userId: Id,
    csrfToken: z.string().describe('Send it as X-CSRF-Token with every change made with the session cookie'),
    expiresAt: Timestamp,
  })
  .meta({ id: 'LoginResponse' });

export const MeResponse = z
  .object({
    user: z.object({ id: Id, email: z.string(), name: z.string(), createdAt: Timestamp }),
    workspaces: z.array(WorkspaceSummary),
    authenticatedVia: z.enum(['session', 'token']),
    csrfToken: z.string().optional().describe('Session callers only'),
    tokenScopes: z.array(TokenScopeSchema).optional().describe('API-token callers only'),
  })
  .meta({ id: 'Me' });

/** An API token as listed: never the token itself (only its first characters). */
export const ApiToken = z
  .object({
    id: Id,
    name: z.string(),
    prefix: z.string().describe('First characters of the token, to recognise it'),
    scopes: z.array(TokenScopeSchema),
    createdAt: Timestamp,
    expiresAt: Timestamp.nullable(),
    lastUsedAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: 'ApiToken' });
export const ApiTokenList = z.object({ tokens: z.array(ApiToken) });

/** The one response that holds the token: shown once, at creation. */
export const CreatedApiToken = ApiToken.extend({ token: z.string().describe('The token (atr_…); shown only in this response') }).meta({ id: 'CreatedApiToken' });
