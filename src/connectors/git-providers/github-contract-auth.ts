/**
 * The GitHub contract server's credential checks (test support), as GitHub makes them: an app JWT
 * must be RS256, signed by the app's key, with `iat` in the past and `exp` at most ten minutes
 * ahead; tokens must be ones this server issued and has not expired or revoked.
 */
import { randomBytes, randomInt, verify } from 'node:crypto';
import type http from 'node:http';
import type { ContractState } from './github-contract-types.js';

export const JWT_DECODE = 'A JSON web token could not be decoded';
const EXP_INVALID = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
const EXP_TOO_FAR = "'Expiration time' claim ('exp') is too far in the future";
const IAT_INVALID = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";

/** A token of varying length and alphabet, unlike GitHub's: the client must assume no format. */
export function tokenText(prefix: string): string {
  return `${prefix}${randomBytes(randomInt(24, 72)).toString('base64url')}`;
}

export type Auth =
  | { kind: 'jwt'; appId: number }
  | { kind: 'installation-token'; installationId: number; appId: number }
  | { kind: 'user-token'; userId: number; appId: number }
  | { kind: 'none' }
  | { kind: 'refused'; status: number; message: string };

export function createContractAuth(state: ContractState): { authenticate(req: http.IncomingMessage, wantJwt: boolean): Auth } {
  const { apps, installations, tokens } = state;

  function verifyJwt(jwt: string): Auth {
    const refuse = (message: string): Auth => ({ kind: 'refused', status: 401, message });
    const parts = jwt.split('.');
    if (parts.length !== 3) return refuse(JWT_DECODE);
    let header: { alg?: unknown };
    let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof header;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return refuse(JWT_DECODE);
    }
    if (header.alg !== 'RS256') return refuse(JWT_DECODE);
    // `iss` is the app id (GitHub also takes the client id).
    const app = [...apps.values()].find((a) => String(a.id) === String(claims.iss) || a.clientId === claims.iss);
    if (!app) return refuse(JWT_DECODE);
    const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), app.publicKey, Buffer.from(parts[2]!, 'base64url'));
    if (!signed) return refuse(JWT_DECODE);
    const now = Math.floor(Date.now() / 1000);
    // GitHub: iat in the past (a minute of drift tolerated), exp at most ten minutes ahead.
    if (typeof claims.iat !== 'number' || !Number.isInteger(claims.iat) || claims.iat > now + 60) return refuse(IAT_INVALID);
    if (typeof claims.exp !== 'number' || claims.exp <= now) return refuse(EXP_INVALID);
    if (claims.exp > now + 600) return refuse(EXP_TOO_FAR);
    return { kind: 'jwt', appId: app.id };
  }

  function authenticate(req: http.IncomingMessage, wantJwt: boolean): Auth {
    const h = req.headers.authorization;
    if (!h) return { kind: 'none' };
    const m = /^(bearer|token)\s+(\S+)$/i.exec(h.trim());
    if (!m) return { kind: 'refused', status: 401, message: 'Bad credentials' };
    const value = m[2]!;
    if (wantJwt) return m[1]!.toLowerCase() === 'bearer' ? verifyJwt(value) : { kind: 'refused', status: 401, message: JWT_DECODE };
    const t = tokens.get(value);
    if (!t || t.expiresAt <= Date.now()) return { kind: 'refused', status: 401, message: 'Bad credentials' };
    if (t.kind === 'installation') {
      const inst = installations.get(t.installationId!);
      if (!inst) return { kind: 'refused', status: 401, message: 'Bad credentials' };
      if (inst.suspended) return { kind: 'refused', status: 403, message: 'This installation has been suspended' };
      return { kind: 'installation-token', installationId: t.installationId!, appId: t.appId };
    }
    return { kind: 'user-token', userId: t.userId!, appId: t.appId };
  }

  return { authenticate };
}
