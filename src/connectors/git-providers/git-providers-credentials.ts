/**
 * HTTPS git credentials as every provider hands them to the git connector, and the rule that
 * credentials go to their provider's own host only.
 */
import type { GitCredentials } from '../git/git-connector.js';
import { GitProviderError } from './git-providers-errors.js';

/** What a git fetch needs, in both forms the git connector takes. */
export interface HttpsGitCredentials {
  /** `{ kind: 'basic', username, password }` for `createGitConnector().resolveRef/fetchCommit`. */
  git: Extract<GitCredentials, { kind: 'basic' }>;
  username: string;
  password: string;
  /** The same as an `Authorization` header value (`Basic …`). */
  authorization: string;
  /** When the credentials stop working; null for ones that do not expire. */
  expiresAt: Date | null;
}

/** Basic credentials in both forms the git connector takes. */
export function basicCredentials(username: string, password: string, expiresAt: Date | null = null): HttpsGitCredentials {
  if (/[\0\r\n]/.test(username) || /[\0\r\n]/.test(password) || username.includes(':')) {
    throw new GitProviderError('config_invalid', 'The credentials contain a line break, or the user name a colon: check how they were entered.');
  }
  return {
    git: { kind: 'basic', username, password },
    username,
    password,
    authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    expiresAt,
  };
}

/** Credentials are sent to their provider's host only: a remote elsewhere is refused. */
export function assertSameOrigin(remote: string, base: string, provider: string): void {
  let r: URL;
  let b: URL;
  try {
    r = new URL(remote);
    b = new URL(base);
  } catch {
    throw new GitProviderError('config_invalid', 'The repository URL is not a valid URL.');
  }
  if (r.origin.toLowerCase() !== b.origin.toLowerCase()) {
    throw new GitProviderError('config_invalid', `The ${provider} credentials are only sent to ${b.origin}; this repository is on ${r.origin}.`, { origin: r.origin });
  }
}
