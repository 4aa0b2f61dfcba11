/**
 * The errors of the git providers (GitHub App, GitLab, Bitbucket, plain HTTPS), with stable codes.
 * A message is written for the admin who set up the provider; it never carries the private key, a
 * JWT, an installation or user token, or a client secret. What the provider itself answered is
 * kept, scrubbed of every secret we know, as the non-enumerable `providerMessage`: for logs only,
 * because a server at a mistyped base URL could echo our Authorization header back in its text.
 */
export type GitProviderErrorCode =
  /** The provider refused the credentials: a bad private key or app id, a wrong client secret, an expired token. */
  | 'auth_failed'
  /** The GitHub App is not installed on the account, or the installation is suspended (`details.reason`). */
  | 'not_installed'
  /** The app, the installation or the repository does not exist (or the credentials cannot see it). */
  | 'not_found'
  | 'host_unreachable'
  | 'ssrf_blocked'
  | 'timeout'
  /** The configuration cannot work as given: not a GitHub API, malformed key, client id without secret… */
  | 'config_invalid'
  /** An OAuth callback whose `state` is missing, forged, expired or bound to another workspace or nonce. */
  | 'state_invalid'
  /** The provider answered in a way none of the codes above describes (rate limited, 5xx, unexpected shape). */
  | 'provider_error';

/**
 * A finer reason, stable too, for the console to show the right hint. Not every error has one.
 */
export type GitProviderErrorReason =
  | 'bad_private_key'
  | 'jwt_rejected'
  | 'clock_skew'
  | 'app_not_found'
  | 'client_id_mismatch'
  | 'client_secret_invalid'
  | 'client_credentials_incomplete'
  | 'oauth_code_invalid'
  | 'not_installed'
  | 'installation_suspended'
  | 'not_github_api'
  | 'token_rejected'
  | 'rate_limited'
  | 'tls';

export class GitProviderError extends Error {
  override readonly name = 'GitProviderError';
  readonly code: GitProviderErrorCode;
  /** Facts a caller may show (`reason`, the app id, the account login); never a secret. */
  readonly details: Record<string, unknown> & { reason?: GitProviderErrorReason };
  /** The provider's own message (status, text), scrubbed of known secrets. Not enumerable: logs only. */
  declare readonly providerMessage?: string;

  constructor(
    code: GitProviderErrorCode,
    message: string,
    details: Record<string, unknown> & { reason?: GitProviderErrorReason } = {},
    providerMessage?: string,
  ) {
    super(message);
    this.code = code;
    this.details = details;
    if (providerMessage !== undefined) Object.defineProperty(this, 'providerMessage', { value: providerMessage, enumerable: false });
  }

  toJSON(): { code: GitProviderErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Suggested HTTP status per code, for the API's error mapping (the same values as the git and SQL connectors'). */
export const GIT_PROVIDER_ERROR_STATUS: Record<GitProviderErrorCode, number> = {
  auth_failed: 422,
  not_installed: 422,
  not_found: 422,
  host_unreachable: 502,
  ssrf_blocked: 422,
  timeout: 504,
  config_invalid: 400,
  state_invalid: 400,
  provider_error: 502,
};

/** Removes every given secret (and each line of a multi-line one, e.g. a PEM) from a text. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined | null)[]): string {
  let out = text;
  const parts: string[] = [];
  for (const s of secrets) {
    if (!s) continue;
    parts.push(s);
    // A PEM may come back one line at a time, or without its armour.
    if (s.includes('\n')) for (const line of s.split(/\r?\n/)) if (line.length >= 16) parts.push(line);
  }
  // Longest first, so a secret containing another is removed whole.
  parts.sort((a, b) => b.length - a.length);
  for (const p of parts) if (p.length >= 4) out = out.split(p).join('***');
  return out;
}
