/**
 * The GitHub App client (github.com and GitHub Enterprise Server): app JWTs and installation
 * tokens minted on demand with `@octokit/auth-app`, the OAuth step that identifies the admin's
 * GitHub account and its installations of this app, the installation's repositories, and HTTPS
 * git credentials for a fetch. No app database and no HTTP routes: the caller decrypts the
 * private key and client secret, calls, and forgets them. Contract in README.md.
 *
 * Installation tokens are never stored: they live in this client's memory until shortly before
 * GitHub's `expires_at` (auth-app's own cache keeps tokens for a fixed 59 minutes whatever
 * `expires_at` says, so it is replaced by a no-op and the expiry is honoured here). Nothing
 * assumes a token's format or length.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { RequestError } from '@octokit/request-error';
import type { RequestInterface } from '@octokit/types';
import { z } from 'zod';
import type { GitCredentials } from '../git/git-connector.js';
import { GitProviderError, scrubSecrets, type GitProviderErrorReason } from './git-providers-errors.js';
import { createOctokitRequest, createTransport, normalizeBaseUrl, type ProviderHttpOptions, type ProviderTransport } from './git-providers-http.js';
import { verifyOAuthState, type OAuthStateExpectation } from './github-oauth-state.js';

export const GITHUB_DOT_COM_API = 'https://api.github.com';

const appId = z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().trim().regex(/^\d{1,15}$/, 'must be a number').transform(Number)]);
const baseUrl = z.string().trim().min(1).max(2048);
const clientId = z.string().trim().min(1).max(200);

/** Non-secret settings of a GitHub (github.com) provider. */
export const githubConfigSchema = z.strictObject({
  appId,
  apiBaseUrl: baseUrl.default(GITHUB_DOT_COM_API),
  clientId: clientId.optional(),
});
/** GitHub Enterprise Server: the same, with the instance's API base URL (`https://HOST/api/v3`) required. */
export const githubEnterpriseConfigSchema = githubConfigSchema.extend({ apiBaseUrl: baseUrl });
/** The write-only part: the app's private key (PEM, as GitHub gives it) and the OAuth client secret. */
export const githubCredentialsSchema = z.strictObject({
  privateKey: z.string().min(1).max(20_000),
  clientSecret: z.string().min(1).max(500).optional(),
});

export type GitHubConfig = z.output<typeof githubConfigSchema>;
export type GitHubCredentials = z.output<typeof githubCredentialsSchema>;

export interface GitHubAccount {
  id: number;
  login: string;
  /** `User` or `Organization` (or `Enterprise` for an enterprise installation). */
  type: string;
}

export interface GitHubInstallation {
  id: number;
  appId: number;
  account: GitHubAccount | null;
  repositorySelection: 'all' | 'selected';
  suspended: boolean;
  htmlUrl: string;
}

export interface GitHubRepository {
  id: number;
  name: string;
  /** `owner/name`. */
  fullName: string;
  owner: string;
  private: boolean;
  archived: boolean;
  defaultBranch: string;
  /** The remote to fetch, built from `gitBaseUrl` (not taken from the API's `clone_url`). */
  cloneUrl: string;
}

export interface RepositoryPage {
  repositories: GitHubRepository[];
  totalCount: number;
  /** The next page number, or null on the last page. */
  nextPage: number | null;
}

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

export interface GitHubOAuthResult {
  /** The GitHub user who signed in: the account to link (rule 11). */
  account: GitHubAccount;
  /**
   * What the module keeps unique across workspaces: user ids are per GitHub instance, so the
   * key is `<web host>:<user id>` (e.g. `github.com:583231`), never the login (logins can be renamed).
   */
  linkKey: string;
  /** The user's installations of this app (the ones they can access). */
  installations: GitHubInstallation[];
}

export interface GitHubAppTestResult {
  app: { id: number; slug: string; name: string; owner: string | null; htmlUrl: string };
  installation: GitHubInstallation | null;
  /** What was checked, in order, for the console ("private key accepted", …). */
  checks: string[];
}

export interface GitHubAppClientOptions extends ProviderHttpOptions {
  /** Re-mint an installation token this long before its `expires_at` (at most half its lifetime). Default 5 min. */
  tokenRefreshMarginMs?: number;
  /** Where repositories are fetched from: default the web host (`https://github.com`, `https://HOST`). */
  gitBaseUrl?: string;
  /** Page size for repository listings (1–100, default 100). */
  perPage?: number;
}

export interface GitHubAppClient {
  readonly appId: number;
  readonly apiBaseUrl: string;
  /** `https://github.com` for github.com, `https://HOST` for GHES: the OAuth pages live there. */
  readonly webBaseUrl: string;
  readonly gitBaseUrl: string;
  /** A fresh app JWT (RS256, ten minutes). */
  appJwt(): Promise<string>;
  /** A token for the installation, from memory while it has more than the margin left, else minted. */
  installationToken(installationId: number): Promise<{ token: string; expiresAt: Date }>;
  /** Forgets an installation's token (e.g. after git refused it). */
  forgetInstallationToken(installationId: number): void;
  gitCredentials(installationId: number, remote?: string): Promise<HttpsGitCredentials>;
  /** `https://github.com/owner/repo.git` on `gitBaseUrl`. */
  remoteFor(fullName: string): string;
  getInstallation(installationId: number): Promise<GitHubInstallation>;
  listInstallations(): Promise<GitHubInstallation[]>;
  listRepositories(installationId: number, page?: number): Promise<RepositoryPage>;
  listAllRepositories(installationId: number, opts?: { max?: number }): Promise<GitHubRepository[]>;
  getRepository(installationId: number, fullName: string): Promise<GitHubRepository>;
  defaultBranch(installationId: number, fullName: string): Promise<string>;
  /** The URL to send the admin to. Needs `clientId`. */
  authorizeUrl(opts: { state: string; redirectUrl?: string }): string;
  /** Verifies the state, exchanges the code, reads the user and their installations; the user token is discarded. */
  completeOAuth(opts: { code: string; state: string; stateKey: Buffer | string; expected: OAuthStateExpectation; redirectUrl?: string }): Promise<GitHubOAuthResult>;
  /** Checks the app credentials (and an installation when given); throws a precise GitProviderError. */
  test(opts?: { installationId?: number; account?: string }): Promise<GitHubAppTestResult>;
  close(): void;
}

/** The web host for an API base URL, by the rules `@octokit/oauth-methods` uses for the code exchange. */
export function githubWebBaseUrl(apiBaseUrl: string): string {
  if (/^https:\/\/(api\.)?github\.com$/.test(apiBaseUrl)) return 'https://github.com';
  if (/^https:\/\/api\..*\.ghe\.com$/.test(apiBaseUrl)) return apiBaseUrl.replace('api.', '');
  return apiBaseUrl.replace('/api/v3', '');
}

export function isGitHubDotCom(apiBaseUrl: string): boolean {
  return normalizeBaseUrl(apiBaseUrl) === GITHUB_DOT_COM_API;
}

function zodProblem(e: z.ZodError): string {
  // Field names only: a value here may be the private key.
  return e.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
}

/** Parses config + credentials; throws `config_invalid` naming the fields (never their values). */
export function parseGitHubSettings(config: unknown, credentials: unknown, enterprise = false): { config: GitHubConfig; credentials: GitHubCredentials } {
  const c = (enterprise ? githubEnterpriseConfigSchema : githubConfigSchema).safeParse(config);
  if (!c.success) throw new GitProviderError('config_invalid', `The GitHub App settings are invalid: ${zodProblem(c.error)}.`);
  const s = githubCredentialsSchema.safeParse(credentials);
  if (!s.success) throw new GitProviderError('config_invalid', `The GitHub App credentials are invalid: ${zodProblem(s.error)}.`);
  return { config: c.data, credentials: s.data };
}

/** Checks the PEM locally and returns it as PKCS#8 (what auth-app signs with). */
export function loadAppPrivateKey(pem: string): string {
  // Keys pasted from a .env file often carry literal "\n".
  const text = pem.replace(/\\n/g, '\n').trim();
  let key;
  try {
    key = createPrivateKey(text);
  } catch {
    throw new GitProviderError(
      'config_invalid',
      "The private key is not a readable PEM private key: paste the whole .pem file GitHub generated for the app, from '-----BEGIN' to the '-----END' line.",
      { reason: 'bad_private_key' },
    );
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new GitProviderError('config_invalid', 'The private key is not an RSA key: GitHub App private keys are RSA.', { reason: 'bad_private_key' });
  }
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

const NO_CACHE = { get: (): string => undefined as unknown as string, set: (): void => {} };

type Ctx =
  | { kind: 'app' }
  | { kind: 'mint'; installationId: number }
  | { kind: 'installation-get'; installationId: number }
  | { kind: 'installation-api'; installationId: number; repo?: string }
  | { kind: 'oauth' }
  | { kind: 'user' };

interface CachedToken {
  token: string;
  expiresAt: number;
  refreshAt: number;
}

export function createGitHubAppClient(config: unknown, credentials: unknown, options: GitHubAppClientOptions & { enterprise?: boolean } = {}): GitHubAppClient {
  const settings = parseGitHubSettings(config, credentials, options.enterprise ?? false);
  const apiBaseUrl = normalizeBaseUrl(settings.config.apiBaseUrl, 'The GitHub API base URL');
  const webBaseUrl = githubWebBaseUrl(apiBaseUrl);
  const gitBaseUrl = normalizeBaseUrl(options.gitBaseUrl ?? webBaseUrl, 'The git base URL');
  const theAppId = settings.config.appId;
  const pkcs8 = loadAppPrivateKey(settings.credentials.privateKey);
  const clientIdValue = settings.config.clientId;
  const clientSecret = settings.credentials.clientSecret;
  const margin = options.tokenRefreshMarginMs ?? 5 * 60_000;
  const perPage = Math.min(100, Math.max(1, options.perPage ?? 100));
  const transport: ProviderTransport = createTransport(options);
  const request: RequestInterface = createOctokitRequest(transport, { baseUrl: apiBaseUrl, headers: { accept: 'application/vnd.github+json' } });
  const appAuth = createAppAuth({
    appId: theAppId,
    privateKey: pkcs8,
    clientId: clientIdValue,
    clientSecret,
    request,
    cache: NO_CACHE,
    log: { warn: () => {} },
  });

  const tokens = new Map<number, CachedToken>();
  const minting = new Map<number, Promise<CachedToken>>();
  /** Secrets a provider's text could echo; scrubbed from `providerMessage`. Bounded. */
  const recentSecrets: string[] = [];
  const remember = (s: string): void => {
    recentSecrets.push(s);
    if (recentSecrets.length > 64) recentSecrets.shift();
  };
  const secrets = (): (string | undefined)[] => [settings.credentials.privateKey, pkcs8, clientSecret, ...recentSecrets, ...[...tokens.values()].map((t) => t.token)];

  async function jwt(): Promise<string> {
    try {
      const { token } = await appAuth({ type: 'app' });
      remember(token);
      return token;
    } catch (e) {
      throw mapError(e, { kind: 'app' });
    }
  }

  /**
   * GitHub's API answers JSON with its request-id header. Its web pages carry the header too, so a
   * base URL without `/api/v3` on GHES is caught by the content type (and by the body's shape).
   */
  function isGitHubAnswer(headers: Record<string, string | undefined> | undefined): boolean {
    if (!headers || (headers['x-github-request-id'] === undefined && headers['x-github-media-type'] === undefined)) return false;
    return /json/i.test(headers['content-type'] ?? '');
  }

  function notGitHub(status?: number): GitProviderError {
    return new GitProviderError(
      'config_invalid',
      `${apiBaseUrl} does not answer like a GitHub API${status ? ` (HTTP ${status})` : ''}: use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.`,
      { reason: 'not_github_api', apiBaseUrl },
    );
  }

  function mapError(e: unknown, ctx: Ctx): GitProviderError {
    if (e instanceof GitProviderError) return e;
    if (!(e instanceof RequestError)) {
      return new GitProviderError('provider_error', 'The GitHub request failed unexpectedly.', {}, scrubSecrets(String((e as Error)?.message ?? e), secrets()));
    }
    const status = e.status;
    const headers = e.response?.headers as Record<string, string | undefined> | undefined;
    const data = e.response?.data as { message?: unknown; error?: unknown } | string | undefined;
    const ghMessage = typeof data === 'object' && data && typeof data.message === 'string' ? data.message : typeof data === 'string' ? data : '';
    // Scrubbed whole, then cut: a cut first could keep a prefix of a secret.
    const log = scrubSecrets(`HTTP ${status}: ${ghMessage.slice(0, 10_000)}`, secrets()).slice(0, 400);
    const err = (code: ConstructorParameters<typeof GitProviderError>[0], message: string, reason?: GitProviderErrorReason, extra: Record<string, unknown> = {}) =>
      new GitProviderError(code, message, { ...(reason ? { reason } : {}), ...extra }, log);
    if (!e.response) return err('host_unreachable', `GitHub at ${apiBaseUrl} could not be reached.`);
    if (status >= 500) return err('host_unreachable', `GitHub at ${apiBaseUrl} failed (HTTP ${status}): try again later.`);
    if (ctx.kind !== 'oauth' && !isGitHubAnswer(headers)) return notGitHub(status);
    const inst = 'installationId' in ctx ? ctx.installationId : undefined;
    if (status === 401) {
      if (ctx.kind === 'app' || ctx.kind === 'mint' || ctx.kind === 'installation-get') {
        if (/'(Expiration time|Issued at)' claim/.test(ghMessage)) {
          return err('auth_failed', "GitHub refused the app's JWT because of its issue or expiry time: this server's clock is off (check its time synchronisation).", 'clock_skew', { appId: theAppId });
        }
        return err('auth_failed', `GitHub refused the app's JWT: the private key does not belong to app ${theAppId}, or the app id is wrong.`, 'jwt_rejected', { appId: theAppId });
      }
      if (ctx.kind === 'user') return err('auth_failed', 'GitHub refused the user token it has just issued: start connecting the account again.', 'token_rejected');
      return err('auth_failed', `GitHub refused the installation token of installation ${inst}: it expired or was revoked.`, 'token_rejected', { installationId: inst });
    }
    if (status === 403) {
      if (/suspended/i.test(ghMessage)) {
        const which = inst === undefined ? "The app's installation" : `The app's installation ${inst}`;
        return err('not_installed', `${which} is suspended: an owner of the account must unsuspend it in the account's GitHub App settings.`, 'installation_suspended', {
          installationId: inst,
        });
      }
      if (headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(ghMessage)) {
        const reset = Number(headers?.['x-ratelimit-reset']);
        return err('provider_error', `GitHub's rate limit for this app is used up${Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : ''}.`, 'rate_limited');
      }
      return err('auth_failed', `GitHub denied this request to app ${theAppId}: the app lacks a permission it needs (Contents: read, Metadata: read).`, undefined, { appId: theAppId });
    }
    if (status === 404) {
      if (ctx.kind === 'app') return err('not_found', `GitHub has no app ${theAppId}: check the app id on the app's settings page.`, 'app_not_found', { appId: theAppId });
      if (ctx.kind === 'mint' || ctx.kind === 'installation-get') {
        return err('not_installed', `App ${theAppId} has no installation ${inst}: it was uninstalled, or the id is wrong.`, 'not_installed', { installationId: inst });
      }
      if (ctx.kind === 'installation-api' && ctx.repo) {
        return err('not_found', `The repository ${ctx.repo} does not exist, or installation ${inst} cannot see it (is it among the repositories the app was given?).`, undefined, { repository: ctx.repo });
      }
      return err('not_found', 'GitHub answered 404 Not Found.');
    }
    if (status >= 300 && status < 400 && status !== 304) {
      if (ctx.kind === 'installation-api' && ctx.repo) {
        return err('not_found', `The repository ${ctx.repo} was renamed or transferred: use its new name.`, undefined, { repository: ctx.repo });
      }
      return err('provider_error', `GitHub answered with a redirect (HTTP ${status}), which is not followed: check the API base URL.`);
    }
    return err('provider_error', `GitHub answered HTTP ${status} unexpectedly.`);
  }

  async function mint(installationId: number): Promise<CachedToken> {
    let auth: { token: string; expiresAt: string };
    try {
      auth = await appAuth({ type: 'installation', installationId, refresh: true });
    } catch (e) {
      throw mapError(e, { kind: 'mint', installationId });
    }
    // No format or length assumed: only what would break a header.
    if (typeof auth.token !== 'string' || auth.token.length === 0 || /[\s\0]/.test(auth.token)) {
      throw new GitProviderError('provider_error', `GitHub returned an unusable token for installation ${installationId}.`);
    }
    const now = Date.now();
    const expiresAt = Date.parse(auth.expiresAt);
    // An unreadable or past expiry: use the token once, keep nothing.
    const valid = Number.isFinite(expiresAt) && expiresAt > now;
    const lifetime = valid ? expiresAt - now : 0;
    const entry: CachedToken = { token: auth.token, expiresAt: valid ? expiresAt : now, refreshAt: valid ? expiresAt - Math.min(margin, lifetime / 2) : now };
    if (valid) tokens.set(installationId, entry);
    return entry;
  }

  async function cachedToken(installationId: number): Promise<CachedToken> {
    if (!Number.isSafeInteger(installationId) || installationId <= 0) throw new GitProviderError('config_invalid', 'An installation id is a positive integer.');
    const hit = tokens.get(installationId);
    if (hit && Date.now() < hit.refreshAt) return hit;
    if (hit) tokens.delete(installationId);
    // Concurrent callers share one mint.
    let p = minting.get(installationId);
    if (!p) {
      p = mint(installationId).finally(() => minting.delete(installationId));
      minting.set(installationId, p);
    }
    return p;
  }

  async function appRequest<T>(route: string, params: Record<string, unknown>, ctx: Ctx): Promise<{ data: T; headers: Record<string, string> }> {
    const token = await jwt();
    try {
      const r = await request(route, { ...params, headers: { authorization: `bearer ${token}` } });
      if (!isGitHubAnswer(r.headers as Record<string, string>)) throw notGitHub(r.status);
      return { data: r.data as T, headers: r.headers as Record<string, string> };
    } catch (e) {
      throw mapError(e, ctx);
    }
  }

  async function installationRequest<T>(installationId: number, route: string, params: Record<string, unknown>, repo?: string): Promise<{ data: T; headers: Record<string, string> }> {
    const ctx: Ctx = { kind: 'installation-api', installationId, ...(repo ? { repo } : {}) };
    for (let attempt = 0; ; attempt++) {
      const { token } = await cachedToken(installationId);
      try {
        const r = await request(route, { ...params, headers: { authorization: `token ${token}` } });
        return { data: r.data as T, headers: r.headers as Record<string, string> };
      } catch (e) {
        // Revoked before its expiry (or the clocks disagree): mint once more, then give up.
        if (attempt === 0 && e instanceof RequestError && e.status === 401) {
          tokens.delete(installationId);
          continue;
        }
        throw mapError(e, ctx);
      }
    }
  }

  function toInstallation(i: InstallationPayload): GitHubInstallation {
    const acc = i.account;
    return {
      id: i.id,
      appId: i.app_id,
      account: acc && typeof acc.id === 'number' ? { id: acc.id, login: String(acc.login ?? acc.slug ?? ''), type: String(acc.type ?? 'Enterprise') } : null,
      repositorySelection: i.repository_selection === 'selected' ? 'selected' : 'all',
      suspended: i.suspended_at != null,
      htmlUrl: String(i.html_url ?? ''),
    };
  }

  function remoteFor(fullName: string): string {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(fullName) || fullName.includes('..')) {
      throw new GitProviderError('config_invalid', `'${fullName.slice(0, 200)}' is not a repository name of the form owner/name.`);
    }
    return `${gitBaseUrl}/${fullName.replace(/\.git$/, '')}.git`;
  }

  function toRepository(r: RepositoryPayload): GitHubRepository {
    return {
      id: r.id,
      name: r.name,
      fullName: r.full_name,
      owner: r.owner?.login ?? r.full_name.split('/')[0]!,
      private: r.private === true,
      archived: r.archived === true,
      defaultBranch: r.default_branch,
      cloneUrl: remoteFor(r.full_name),
    };
  }

  function nextPageOf(link: string | undefined): number | null {
    const m = link ? /<([^>]+)>;\s*rel="next"/.exec(link) : null;
    if (!m) return null;
    try {
      const n = Number(new URL(m[1]!).searchParams.get('page'));
      return Number.isSafeInteger(n) && n > 0 ? n : null;
    } catch {
      return null;
    }
  }

  function checkClientCredentials(): { id: string; secret: string } {
    if (!clientIdValue || !clientSecret) {
      throw new GitProviderError(
        'config_invalid',
        'Linking a GitHub account needs both the client id and the client secret of the GitHub App (on the app\'s settings page).',
        { reason: 'client_credentials_incomplete' },
      );
    }
    return { id: clientIdValue, secret: clientSecret };
  }

  function mapOAuthError(e: unknown): GitProviderError {
    if (e instanceof RequestError && e.response && typeof e.response.data === 'object' && e.response.data && 'error' in e.response.data) {
      return oauthError(String((e.response.data as { error: unknown }).error));
    }
    return mapError(e, { kind: 'oauth' });
  }

  /** The `error` codes of GitHub's OAuth token endpoint (documented on its troubleshooting page). */
  function oauthError(code: string): GitProviderError {
    const log = scrubSecrets(`oauth error ${code.slice(0, 10_000)}`, secrets()).slice(0, 200);
    if (code === 'incorrect_client_credentials') {
      return new GitProviderError('auth_failed', `GitHub refused the client id or client secret of app ${theAppId}: copy them again from the app's settings page.`, { reason: 'client_secret_invalid' }, log);
    }
    if (code === 'bad_verification_code') {
      return new GitProviderError('auth_failed', 'The GitHub authorization code is invalid, already used or expired: start connecting the account again.', { reason: 'oauth_code_invalid' }, log);
    }
    if (code === 'redirect_uri_mismatch') {
      return new GitProviderError('config_invalid', "The callback URL is not one of the GitHub App's callback URLs: add it on the app's settings page.", {}, log);
    }
    // The unknown code stays out of the message: a server at a wrong URL could put anything there.
    return new GitProviderError('provider_error', 'GitHub refused the OAuth exchange with an unexpected error.', {}, log);
  }

  const client: GitHubAppClient = {
    appId: theAppId,
    apiBaseUrl,
    webBaseUrl,
    gitBaseUrl,
    appJwt: jwt,

    async installationToken(installationId) {
      const t = await cachedToken(installationId);
      return { token: t.token, expiresAt: new Date(t.expiresAt) };
    },

    forgetInstallationToken(installationId) {
      tokens.delete(installationId);
    },

    async gitCredentials(installationId, remote) {
      if (remote !== undefined) assertSameOrigin(remote, gitBaseUrl, 'GitHub App');
      const t = await cachedToken(installationId);
      return basicCredentials('x-access-token', t.token, new Date(t.expiresAt));
    },

    remoteFor,

    async getInstallation(installationId) {
      if (!Number.isSafeInteger(installationId) || installationId <= 0) throw new GitProviderError('config_invalid', 'An installation id is a positive integer.');
      const { data } = await appRequest<InstallationPayload>('GET /app/installations/{installation_id}', { installation_id: installationId }, { kind: 'installation-get', installationId });
      return toInstallation(data);
    },

    async listInstallations() {
      const out: GitHubInstallation[] = [];
      for (let page = 1; page <= 100; page++) {
        const { data, headers } = await appRequest<InstallationPayload[]>('GET /app/installations', { per_page: 100, page }, { kind: 'app' });
        out.push(...data.map(toInstallation));
        if (nextPageOf(headers.link) === null) break;
      }
      return out;
    },

    async listRepositories(installationId, page = 1) {
      const { data, headers } = await installationRequest<{ total_count: number; repositories: RepositoryPayload[] }>(installationId, 'GET /installation/repositories', { per_page: perPage, page });
      return { repositories: data.repositories.map(toRepository), totalCount: data.total_count, nextPage: nextPageOf(headers.link) };
    },

    async listAllRepositories(installationId, opts = {}) {
      const max = opts.max ?? 10_000;
      const out: GitHubRepository[] = [];
      let page: number | null = 1;
      while (page !== null && out.length < max) {
        const r: RepositoryPage = await client.listRepositories(installationId, page);
        out.push(...r.repositories);
        // A server that says "next" forever cannot keep us here.
        page = r.nextPage !== null && r.nextPage > page ? r.nextPage : null;
      }
      return out.slice(0, max);
    },

    async getRepository(installationId, fullName) {
      remoteFor(fullName);
      const [owner, repo] = fullName.split('/') as [string, string];
      const { data } = await installationRequest<RepositoryPayload>(installationId, 'GET /repos/{owner}/{repo}', { owner, repo: repo.replace(/\.git$/, '') }, fullName);
      return toRepository(data);
    },

    async defaultBranch(installationId, fullName) {
      return (await client.getRepository(installationId, fullName)).defaultBranch;
    },

    authorizeUrl({ state, redirectUrl }) {
      const { id } = checkClientCredentials();
      const u = new URL(`${webBaseUrl}/login/oauth/authorize`);
      u.searchParams.set('client_id', id);
      u.searchParams.set('state', state);
      if (redirectUrl) u.searchParams.set('redirect_uri', redirectUrl);
      return u.toString();
    },

    async completeOAuth({ code, state, stateKey, expected, redirectUrl }) {
      // The state first: a forged or foreign callback never reaches GitHub.
      verifyOAuthState(stateKey, state, expected);
      checkClientCredentials();
      if (typeof code !== 'string' || code.length === 0 || code.length > 512 || /[\s\0]/.test(code)) {
        throw new GitProviderError('auth_failed', 'The GitHub callback carried no usable authorization code: start connecting the account again.', { reason: 'oauth_code_invalid' });
      }
      let userToken: string;
      try {
        const auth = await appAuth({ type: 'oauth-user', code, state, ...(redirectUrl ? { redirectUrl } : {}) });
        userToken = auth.token;
      } catch (e) {
        throw mapOAuthError(e);
      }
      remember(userToken);
      const userHeaders = { authorization: `token ${userToken}` };
      let user: { id: number; login: string; type?: string };
      try {
        const r = await request('GET /user', { headers: userHeaders });
        user = r.data as typeof user;
      } catch (e) {
        throw mapError(e, { kind: 'user' });
      }
      if (typeof user?.id !== 'number' || typeof user.login !== 'string') throw new GitProviderError('provider_error', 'GitHub answered GET /user without a user id.');
      const installations: GitHubInstallation[] = [];
      try {
        for (let page = 1; page <= 100; page++) {
          const r = await request('GET /user/installations', { per_page: 100, page, headers: userHeaders });
          const data = r.data as { installations: InstallationPayload[] };
          installations.push(...data.installations.map(toInstallation).filter((i) => i.appId === theAppId));
          if (nextPageOf((r.headers as Record<string, string>).link) === null) break;
        }
      } catch (e) {
        throw mapError(e, { kind: 'user' });
      }
      return {
        account: { id: user.id, login: user.login, type: user.type ?? 'User' },
        linkKey: `${new URL(webBaseUrl).host.toLowerCase()}:${user.id}`,
        installations,
      };
    },

    async test(opts = {}) {
      const checks: string[] = [];
      const { data: app } = await appRequest<AppPayload>('GET /app', {}, { kind: 'app' });
      if (typeof app?.id !== 'number') throw notGitHub();
      if (app.id !== theAppId) {
        // GitHub identifies the app by the key's JWT `iss`; a different id back means a mix-up.
        throw new GitProviderError('auth_failed', `The private key belongs to app ${app.id}, not to app ${theAppId}.`, { reason: 'jwt_rejected', appId: theAppId });
      }
      checks.push(`private key accepted for app ${app.slug ?? app.id}`);
      if (clientIdValue || clientSecret) {
        const { id, secret } = checkClientCredentials();
        if (app.client_id && app.client_id !== id) {
          throw new GitProviderError('config_invalid', `The client id belongs to another app: app ${theAppId}'s client id is ${app.client_id}.`, { reason: 'client_id_mismatch' });
        }
        // A code nobody issued: GitHub names the credentials first when they are wrong
        // (incorrect_client_credentials), else the code (bad_verification_code).
        try {
          const r = await request('POST /login/oauth/access_token', {
            baseUrl: webBaseUrl,
            headers: { accept: 'application/json' },
            client_id: id,
            client_secret: secret,
            code: `atrium-check-${randomBytes(12).toString('hex')}`,
          });
          const answer = (r.data as { error?: unknown } | undefined)?.error;
          // 200 with an `error` field is how GitHub answers this endpoint; anything else is unexpected.
          if (answer !== 'bad_verification_code') throw oauthError(typeof answer === 'string' ? answer : 'no_error_field');
        } catch (e) {
          throw mapOAuthError(e);
        }
        checks.push('client id and client secret accepted');
      }
      let installation: GitHubInstallation | null = null;
      if (opts.installationId !== undefined) {
        installation = await client.getInstallation(opts.installationId);
      } else if (opts.account) {
        const login = opts.account.toLowerCase();
        installation = (await client.listInstallations()).find((i) => i.account?.login.toLowerCase() === login) ?? null;
        if (!installation) {
          throw new GitProviderError('not_installed', `App ${app.slug ?? theAppId} is not installed on the GitHub account ${opts.account}: install it from ${app.html_url}/installations/new.`, {
            reason: 'not_installed',
            account: opts.account,
          });
        }
      }
      if (installation) {
        if (installation.suspended) {
          throw new GitProviderError('not_installed', `The app's installation on ${installation.account?.login ?? installation.id} is suspended: an owner of the account must unsuspend it.`, {
            reason: 'installation_suspended',
            installationId: installation.id,
          });
        }
        await cachedToken(installation.id);
        checks.push(`installation ${installation.id} on ${installation.account?.login ?? '?'} can mint tokens`);
      }
      return {
        app: { id: app.id, slug: String(app.slug ?? ''), name: String(app.name ?? ''), owner: app.owner?.login ?? null, htmlUrl: String(app.html_url ?? '') },
        installation,
        checks,
      };
    },

    close() {
      tokens.clear();
      transport.close();
    },
  };
  return client;
}

/** The fields of GitHub's payloads this client reads (see @octokit/openapi-types for the full shapes). */
interface InstallationPayload {
  id: number;
  app_id: number;
  account: { id: number; login?: string; slug?: string; type?: string } | null;
  repository_selection: string;
  suspended_at: string | null;
  html_url?: string;
}
interface RepositoryPayload {
  id: number;
  name: string;
  full_name: string;
  owner?: { login: string };
  private: boolean;
  archived?: boolean;
  default_branch: string;
}
interface AppPayload {
  id: number;
  slug?: string;
  name?: string;
  client_id?: string;
  html_url?: string;
  owner?: { login?: string } | null;
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
