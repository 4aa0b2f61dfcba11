/** The OAuth state on its own: the key derived from a master key, the claims a callback reads, the provider binding. */
import { describe, expect, it } from 'vitest';
import { GitProviderError } from './git-providers-errors.js';
import { createOAuthState, githubOAuthStateKey, readOAuthState, verifyOAuthState } from './github-oauth-state.js';

const MASTER = Buffer.alloc(32, 7);
const KEY = githubOAuthStateKey(MASTER);

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof GitProviderError && e.code === 'state_invalid') return e.message;
    throw e;
  }
  throw new Error('expected state_invalid, the state was accepted');
}

describe('the state key', () => {
  it('is derived from the master key: 32 bytes, neither the master key nor the same for another master key', () => {
    expect(KEY).toHaveLength(32);
    expect(KEY.equals(MASTER)).toBe(false);
    expect(githubOAuthStateKey(Buffer.from(MASTER)).equals(KEY)).toBe(true); // every node derives the same
    expect(githubOAuthStateKey(Buffer.alloc(32, 8)).equals(KEY)).toBe(false);
    expect(() => githubOAuthStateKey(Buffer.alloc(16))).toThrow(TypeError);
  });
});

describe('readOAuthState', () => {
  it('returns what a signed, unexpired state says', () => {
    const s = createOAuthState(KEY, { workspaceId: 'ws_1', userId: 'usr_1', providerId: 'gpr_1', installationId: 77, redirectUrl: 'https://atrium.example/cb' });
    expect(readOAuthState(KEY, s.state)).toEqual({ workspaceId: 'ws_1', userId: 'usr_1', providerId: 'gpr_1', installationId: 77, redirectUrl: 'https://atrium.example/cb', expiresAt: s.expiresAt });
  });

  it('refuses a state of another key, a tampered or expired one', () => {
    const s = createOAuthState(KEY, { workspaceId: 'ws_1', providerId: 'gpr_1' });
    expect(refusal(() => readOAuthState(githubOAuthStateKey(Buffer.alloc(32, 8)), s.state))).toMatch(/not issued by this server/);
    const [body, sig] = s.state.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), p: 'gpr_2' })).toString('base64url');
    expect(refusal(() => readOAuthState(KEY, `${forged}.${sig}`))).toMatch(/not issued by this server/);
    expect(refusal(() => readOAuthState(KEY, s.state, Date.now() + 11 * 60_000))).toMatch(/took too long/);
    expect(refusal(() => readOAuthState(KEY, undefined))).toMatch(/no state/);
  });
});

describe('verifyOAuthState', () => {
  it('binds the provider too', () => {
    const s = createOAuthState(KEY, { workspaceId: 'ws_1', userId: 'usr_1', providerId: 'gpr_1' });
    expect(() => verifyOAuthState(KEY, s.state, { workspaceId: 'ws_1', nonce: s.nonce, userId: 'usr_1', providerId: 'gpr_1' })).not.toThrow();
    expect(refusal(() => verifyOAuthState(KEY, s.state, { workspaceId: 'ws_1', nonce: s.nonce, userId: 'usr_1', providerId: 'gpr_2' }))).toMatch(/another git provider/);
    expect(refusal(() => verifyOAuthState(KEY, s.state, { workspaceId: 'ws_1', nonce: s.nonce, userId: 'usr_2', providerId: 'gpr_1' }))).toMatch(/another user/);
  });
});
