/**
 * The OAuth `state` of the GitHub linking step. It binds the callback to the workspace that
 * started it and to a nonce the caller keeps in the admin's session, so a code obtained by
 * someone else (login CSRF: an attacker's GitHub account linked into a victim's workspace) or
 * for another workspace is refused before any request to GitHub. The state is
 * `base64url(payload).base64url(HMAC-SHA256)`; nothing in it is secret, it only has to be unforgeable
 * and short-lived. The key comes from the caller (derived from the master key); it is never in
 * the state.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { GitProviderError } from './git-providers-errors.js';

const CONTEXT = 'atrium:github-oauth-state:v1';
const DEFAULT_TTL_MS = 10 * 60_000;

export interface OAuthStateInput {
  workspaceId: string;
  /** Bind to the admin who started it, too (recommended). */
  userId?: string;
  /** The provider being linked: the callback URL names no workspace or provider, the state does. */
  providerId?: string;
  /** The installation the admin asked for at the start, if any. */
  installationId?: number;
  /** The `redirect_uri` given to GitHub, which the code exchange must repeat exactly. */
  redirectUrl?: string;
  ttlMs?: number;
  now?: number;
}

/** What a state says, once its signature and expiry are checked (`readOAuthState`). */
export interface OAuthStateClaims {
  workspaceId: string;
  userId?: string;
  providerId?: string;
  installationId?: number;
  redirectUrl?: string;
  expiresAt: Date;
}

export interface OAuthState {
  /** The `state` query parameter of the authorize URL. */
  state: string;
  /** Keep it in the admin's session (not in the URL); `verifyOAuthState` needs it back. */
  nonce: string;
  expiresAt: Date;
}

export interface OAuthStateExpectation {
  workspaceId: string;
  nonce: string;
  userId?: string;
  providerId?: string;
  now?: number;
}

interface Payload {
  w: string;
  u?: string;
  p?: string;
  i?: number;
  r?: string;
  n: string;
  e: number;
}

const KEY_INFO = 'atrium:github-oauth-state-key:v1';

/**
 * The state key from a master key (HKDF-SHA256 with its own label): a key that signs nothing
 * else, that is not a constant, and that every node sharing the master key derives alike. A
 * master key rotation between the start and the callback fails that one sign-in (start again).
 */
export function githubOAuthStateKey(masterKey: Buffer): Buffer {
  if (masterKey.length < 32) throw new TypeError('The master key must be at least 32 bytes.');
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), KEY_INFO, 32));
}

function checkKey(key: Buffer | string): Buffer {
  const k = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (k.length < 32) throw new TypeError('The OAuth state key must be at least 32 bytes.');
  return k;
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(`${CONTEXT}.${body}`).digest();
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createOAuthState(key: Buffer | string, input: OAuthStateInput): OAuthState {
  const k = checkKey(key);
  const nonce = randomBytes(18).toString('base64url');
  const exp = (input.now ?? Date.now()) + (input.ttlMs ?? DEFAULT_TTL_MS);
  const payload: Payload = {
    w: input.workspaceId,
    ...(input.userId ? { u: input.userId } : {}),
    ...(input.providerId ? { p: input.providerId } : {}),
    ...(input.installationId !== undefined ? { i: input.installationId } : {}),
    ...(input.redirectUrl ? { r: input.redirectUrl } : {}),
    n: nonce,
    e: exp,
  };
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return { state: `${body}.${mac(k, body).toString('base64url')}`, nonce, expiresAt: new Date(exp) };
}

const refuse = (why: string): never => {
  throw new GitProviderError('state_invalid', `The GitHub sign-in could not be verified (${why}): start connecting the GitHub account again from this workspace's settings.`);
};

/** The payload of a state this server signed and that has not expired; throws `state_invalid` otherwise. */
function checkedPayload(key: Buffer | string, state: string | undefined | null, now: number): Payload {
  const k = checkKey(key);
  if (typeof state !== 'string' || state.length === 0 || state.length > 4096) return refuse('no state');
  const dot = state.indexOf('.');
  if (dot <= 0 || dot !== state.lastIndexOf('.')) return refuse('malformed state');
  const body = state.slice(0, dot);
  const sig = Buffer.from(state.slice(dot + 1), 'base64url');
  if (!safeEqual(sig, mac(k, body))) return refuse('the state was not issued by this server');
  let p: Payload;
  try {
    p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
  } catch {
    return refuse('malformed state');
  }
  if (typeof p !== 'object' || p === null || typeof p.w !== 'string') return refuse('malformed state');
  if (typeof p.e !== 'number' || p.e <= now) return refuse('the sign-in took too long');
  return p;
}

/**
 * What a signed, unexpired state says — for a callback that must learn the workspace and
 * provider from it. It proves nothing about who brings it back: `verifyOAuthState` (which
 * `completeOAuth` runs) still checks the nonce and the user.
 */
export function readOAuthState(key: Buffer | string, state: string | undefined | null, now = Date.now()): OAuthStateClaims {
  const p = checkedPayload(key, state, now);
  return {
    workspaceId: p.w,
    ...(typeof p.u === 'string' ? { userId: p.u } : {}),
    ...(typeof p.p === 'string' ? { providerId: p.p } : {}),
    ...(Number.isSafeInteger(p.i) && p.i! > 0 ? { installationId: p.i } : {}),
    ...(typeof p.r === 'string' ? { redirectUrl: p.r } : {}),
    expiresAt: new Date(p.e),
  };
}

/** Throws `state_invalid` unless `state` was made by us, has not expired and matches every expectation. */
export function verifyOAuthState(key: Buffer | string, state: string | undefined | null, expected: OAuthStateExpectation): void {
  const p = checkedPayload(key, state, expected.now ?? Date.now());
  if (p.w !== expected.workspaceId) return refuse('it was started for another workspace');
  if (expected.providerId !== undefined && p.p !== expected.providerId) return refuse('it was started for another git provider');
  if (typeof p.n !== 'string' || typeof expected.nonce !== 'string' || !safeEqual(Buffer.from(p.n), Buffer.from(expected.nonce))) return refuse('it was started in another session');
  if (expected.userId !== undefined && p.u !== expected.userId) return refuse('it was started by another user');
}
