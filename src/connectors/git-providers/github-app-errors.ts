/**
 * GitHub's answers turned into GitProviderErrors a person can act on: which app, installation or
 * repository, and why (clock skew, a key of another app, a suspended installation, a rate limit,
 * a base URL that is not a GitHub API). Provider text reaches only the log field, scrubbed of
 * every secret the client holds, then cut.
 */
import { RequestError } from '@octokit/request-error';
import { GitProviderError, scrubSecrets, type GitProviderErrorReason } from './git-providers-errors.js';

/** What a request was for: the same HTTP status means different things per kind. */
export type GitHubCallKind =
  | { kind: 'app' }
  | { kind: 'mint'; installationId: number }
  | { kind: 'installation-get'; installationId: number }
  | { kind: 'installation-api'; installationId: number; repo?: string }
  | { kind: 'oauth' }
  | { kind: 'user' };

export interface GitHubErrorContext {
  apiBaseUrl: string;
  appId: number;
  /** Everything a provider's text could echo back. */
  secrets(): (string | undefined)[];
}

export interface GitHubErrors {
  isGitHubAnswer(headers: Record<string, string | undefined> | undefined): boolean;
  notGitHub(status?: number): GitProviderError;
  mapError(e: unknown, ctx: GitHubCallKind): GitProviderError;
  mapOAuthError(e: unknown): GitProviderError;
  oauthError(code: string): GitProviderError;
}

export function createGitHubErrors({ apiBaseUrl, appId: theAppId, secrets }: GitHubErrorContext): GitHubErrors {
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

  function mapError(e: unknown, ctx: GitHubCallKind): GitProviderError {
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

  return { isGitHubAnswer, notGitHub, mapError, mapOAuthError, oauthError };
}
