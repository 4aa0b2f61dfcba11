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
import { randomBytes } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { RequestError } from '@octokit/request-error';
import type { RequestInterface } from '@octokit/types';
import { assertSameOrigin, basicCredentials } from './git-providers-credentials.js';
import { GitProviderError } from './git-providers-errors.js';
import { createOctokitRequest, createTransport, normalizeBaseUrl, type ProviderTransport } from './git-providers-http.js';
import { createGitHubErrors, type GitHubCallKind } from './github-app-errors.js';
import { nextPageOf, toInstallation, toRepository, type AppPayload, type InstallationPayload, type RepositoryPayload } from './github-app-payloads.js';
import { githubWebBaseUrl, loadAppPrivateKey, parseGitHubSettings } from './github-app-settings.js';
import type { GitHubAppClient, GitHubAppClientOptions, GitHubInstallation, GitHubRepository, RepositoryPage } from './github-app-types.js';
import { verifyOAuthState } from './github-oauth-state.js';

export * from './github-app-settings.js';
export * from './github-app-types.js';

const NO_CACHE = { get: (): string => undefined as unknown as string, set: (): void => {} };

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
  const { isGitHubAnswer, notGitHub, mapError, mapOAuthError, oauthError } = createGitHubErrors({ apiBaseUrl, appId: theAppId, secrets });

  async function jwt(): Promise<string> {
    try {
      const { token } = await appAuth({ type: 'app' });
      remember(token);
      return token;
    } catch (e) {
      throw mapError(e, { kind: 'app' });
    }
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

  async function appRequest<T>(route: string, params: Record<string, unknown>, ctx: GitHubCallKind): Promise<{ data: T; headers: Record<string, string> }> {
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
    const ctx: GitHubCallKind = { kind: 'installation-api', installationId, ...(repo ? { repo } : {}) };
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

  function remoteFor(fullName: string): string {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(fullName) || fullName.includes('..')) {
      throw new GitProviderError('config_invalid', `'${fullName.slice(0, 200)}' is not a repository name of the form owner/name.`);
    }
    return `${gitBaseUrl}/${fullName.replace(/\.git$/, '')}.git`;
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
      return { repositories: data.repositories.map((r) => toRepository(r, remoteFor)), totalCount: data.total_count, nextPage: nextPageOf(headers.link) };
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
      return toRepository(data, remoteFor);
    },

    async installUrl() {
      const { data: app } = await appRequest<AppPayload>('GET /app', {}, { kind: 'app' });
      return typeof app?.html_url === 'string' && app.html_url ? `${app.html_url}/installations/new` : null;
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
