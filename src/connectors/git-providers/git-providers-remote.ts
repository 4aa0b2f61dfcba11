/**
 * Token providers: GitLab, Bitbucket Cloud and any HTTPS remote. Each is a base URL plus a
 * write-only credential, and yields the credentials a git fetch sends to that host (and only to
 * it). There are no API calls here: their "test" is a `git ls-remote` of a repository through the
 * git connector (`testGitRemote`), which is what a package import does anyway. The user names
 * follow each provider's documentation:
 *
 * - GitLab (personal, group or project access token, `read_repository`): basic auth `oauth2:<token>`
 *   (GitLab accepts any non-empty user name with a token; `oauth2` also fits OAuth tokens).
 * - Bitbucket Cloud API token (app passwords are gone): for git the user name is the static
 *   `x-bitbucket-api-token-auth` (or the Bitbucket username); the account email is what the REST
 *   API wants with the same token, so it is kept in the config for API calls, not used for git.
 *   Repository, project and workspace access tokens use `x-token-auth`.
 * - Any HTTPS remote: a bearer token, basic auth (user + password or token), or nothing.
 */
import { z } from 'zod';
import { GitConnectorError, type GitConnector, type GitCredentials, type GitRef } from '../git/git-connector.js';
import { assertSameOrigin, basicCredentials, type HttpsGitCredentials } from './git-providers-credentials.js';
import { GitProviderError } from './git-providers-errors.js';
import { normalizeBaseUrl } from './git-providers-http.js';

const baseUrl = z.string().trim().min(1).max(2048);
const secret = z.string().min(1).max(4096);
const userName = z.string().trim().min(1).max(256);

export const gitlabConfigSchema = z.strictObject({
  baseUrl: baseUrl.default('https://gitlab.com'),
  /** Basic-auth user name sent with the token; GitLab ignores its value. */
  username: userName.default('oauth2'),
});
export const gitlabCredentialsSchema = z.strictObject({ token: secret });

export const bitbucketConfigSchema = z.strictObject({
  baseUrl: baseUrl.default('https://bitbucket.org'),
  /** `api_token`: an Atlassian account API token with Bitbucket scopes; `access_token`: a repository/project/workspace access token. */
  tokenKind: z.enum(['api_token', 'access_token']).default('api_token'),
  /** The Atlassian account email: the REST API's basic-auth user for an API token. */
  email: z.email().max(320).optional(),
});
export const bitbucketCredentialsSchema = z.strictObject({ token: secret });

export const httpsRemoteConfigSchema = z.discriminatedUnion('auth', [
  z.strictObject({ baseUrl, auth: z.literal('bearer') }),
  z.strictObject({ baseUrl, auth: z.literal('basic'), username: userName }),
  z.strictObject({ baseUrl, auth: z.literal('none') }),
]);
export const httpsRemoteCredentialsSchema = z.strictObject({
  /** The bearer token, or the basic-auth password / token. Absent for `auth: 'none'`. */
  secret: secret.optional(),
});

export type TokenProviderKind = 'gitlab' | 'bitbucket' | 'https';

/** Credentials for git in the forms the git connector takes (bearer ones have no user/password). */
export type RemoteGitCredentials =
  | HttpsGitCredentials
  | { git: Extract<GitCredentials, { kind: 'bearer' }>; authorization: string; expiresAt: null }
  | { git: Extract<GitCredentials, { kind: 'none' }>; authorization: null; expiresAt: null };

export interface TokenGitProvider {
  kind: TokenProviderKind;
  /** Normalized: no trailing slash. Credentials are sent to this origin only. */
  baseUrl: string;
  /** `https://gitlab.com/group/sub/project.git` for `group/sub/project`. */
  remoteFor(path: string): string;
  /** The credentials for a fetch of `remote` (refused when `remote` is on another origin). */
  credentials(remote?: string): RemoteGitCredentials;
  /** For Bitbucket API tokens: the REST API's basic auth (email + token); null elsewhere. */
  apiAuthorization(): string | null;
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  // Field names only: a value may be the token.
  if (!r.success) throw new GitProviderError('config_invalid', `The ${what} are invalid: ${r.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}.`);
  return r.data;
}

function checkedBase(raw: string, what: string): string {
  const b = normalizeBaseUrl(raw, what);
  if (!b.startsWith('https://')) throw new GitProviderError('config_invalid', `${what} must start with https://.`);
  return b;
}

export function createTokenGitProvider(kind: TokenProviderKind, config: unknown, credentials: unknown, opts: { allowHttpLoopback?: boolean } = {}): TokenGitProvider {
  // http:// only for the tests' loopback git server; the git connector checks the address itself.
  const base = (raw: string, what: string): string => (opts.allowHttpLoopback ? normalizeBaseUrl(raw, what) : checkedBase(raw, what));
  const remoteFor = (b: string) => (path: string): string => {
    const p = path.trim().replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
    if (!/^[A-Za-z0-9_.~-]+(\/[A-Za-z0-9_.~-]+)+$/.test(p) || p.split('/').some((s) => s === '.' || s === '..')) {
      throw new GitProviderError('config_invalid', `'${p.slice(0, 200)}' is not a repository path (e.g. group/project).`);
    }
    return `${b}/${p}.git`;
  };

  if (kind === 'gitlab') {
    const c = parse(gitlabConfigSchema, config, 'GitLab settings');
    const s = parse(gitlabCredentialsSchema, credentials, 'GitLab credentials');
    const b = base(c.baseUrl, 'The GitLab base URL');
    return {
      kind,
      baseUrl: b,
      remoteFor: remoteFor(b),
      credentials(remote) {
        if (remote !== undefined) assertSameOrigin(remote, b, 'GitLab');
        return basicCredentials(c.username, s.token);
      },
      apiAuthorization: () => null,
    };
  }
  if (kind === 'bitbucket') {
    const c = parse(bitbucketConfigSchema, config, 'Bitbucket settings');
    const s = parse(bitbucketCredentialsSchema, credentials, 'Bitbucket credentials');
    const b = base(c.baseUrl, 'The Bitbucket base URL');
    if (c.tokenKind === 'api_token' && !c.email) {
      throw new GitProviderError('config_invalid', 'A Bitbucket API token needs the Atlassian account email it belongs to.');
    }
    return {
      kind,
      baseUrl: b,
      remoteFor: remoteFor(b),
      credentials(remote) {
        if (remote !== undefined) assertSameOrigin(remote, b, 'Bitbucket');
        return basicCredentials(c.tokenKind === 'api_token' ? 'x-bitbucket-api-token-auth' : 'x-token-auth', s.token);
      },
      apiAuthorization: () =>
        c.tokenKind === 'api_token' ? `Basic ${Buffer.from(`${c.email}:${s.token}`).toString('base64')}` : `Bearer ${s.token}`,
    };
  }
  if (kind === 'https') {
    const c = parse(httpsRemoteConfigSchema, config, 'HTTPS remote settings');
    const s = parse(httpsRemoteCredentialsSchema, credentials, 'HTTPS remote credentials');
    const b = base(c.baseUrl, 'The remote base URL');
    if (c.auth !== 'none' && !s.secret) throw new GitProviderError('config_invalid', `The ${c.auth === 'bearer' ? 'token' : 'password or token'} is missing.`);
    return {
      kind,
      baseUrl: b,
      remoteFor: remoteFor(b),
      credentials(remote) {
        if (remote !== undefined) assertSameOrigin(remote, b, 'HTTPS remote');
        if (c.auth === 'basic') return basicCredentials(c.username, s.secret!);
        if (c.auth === 'bearer') {
          if (/[\0\r\n]/.test(s.secret!)) throw new GitProviderError('config_invalid', 'The token contains a line break: check how it was entered.');
          return { git: { kind: 'bearer', token: s.secret! }, authorization: `Bearer ${s.secret!}`, expiresAt: null };
        }
        return { git: { kind: 'none' }, authorization: null, expiresAt: null };
      },
      apiAuthorization: () => null,
    };
  }
  throw new GitProviderError('config_invalid', `Unknown git provider kind '${String(kind).slice(0, 40)}'.`);
}

export interface RemoteTestResult {
  remote: string;
  /** The commit of `ref` when one was given. */
  commit: string | null;
}

/**
 * The "test" of a token provider (and a check of a GitHub repository's git access): lists the
 * remote's refs with the credentials through the git connector. With a `ref`, it must exist.
 * Without one, the remote is asked for a branch name no repository has; git only gets that far
 * after the server accepted the credentials and found the repository, so "no such branch" means
 * success. Errors are the git connector's, mapped to GitProviderError codes.
 */
export async function testGitRemote(
  git: Pick<GitConnector, 'resolveRef'>,
  remote: string,
  credentials: GitCredentials,
  opts: { ref?: GitRef; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<RemoteTestResult> {
  const probe: GitRef = opts.ref ?? { kind: 'branch', name: 'atrium-credential-probe/does-not-exist' };
  try {
    const commit = await git.resolveRef(remote, credentials, probe, { signal: opts.signal, timeoutMs: opts.timeoutMs });
    return { remote, commit: opts.ref ? commit : null };
  } catch (e) {
    if (!(e instanceof GitConnectorError)) throw e;
    if (e.code === 'ref_not_found' && !opts.ref) return { remote, commit: null };
    throw fromGitError(e);
  }
}

/** A git connector error as a provider error (same message: the git connector's are already safe). */
export function fromGitError(e: GitConnectorError): GitProviderError {
  switch (e.code) {
    case 'auth_failed':
      return new GitProviderError('auth_failed', e.message, { reason: 'token_rejected' });
    case 'repo_not_found':
    case 'ref_not_found':
      return new GitProviderError('not_found', e.message, e.details);
    case 'host_unreachable':
    case 'ssrf_blocked':
    case 'timeout':
      return new GitProviderError(e.code, e.message);
    case 'tls_failed':
      return new GitProviderError('host_unreachable', e.message, { reason: 'tls' });
    case 'invalid_remote':
    case 'invalid_ref':
      return new GitProviderError('config_invalid', e.message);
    default:
      return new GitProviderError('provider_error', e.message);
  }
}
