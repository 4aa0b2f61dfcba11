/**
 * The errors of the git connector, with stable codes. A message is written for the admin who set
 * up the provider or the package; it never carries a credential (the connector puts none in a URL
 * or argv, and scrubs git's own output before keeping any of it). git's stderr, scrubbed, is kept
 * as the non-enumerable `gitOutput` for logs only: it never reaches a response.
 */
export type GitErrorCode =
  | 'auth_failed'
  | 'repo_not_found'
  | 'ref_not_found'
  | 'invalid_ref'
  | 'invalid_remote'
  | 'timeout'
  | 'too_large'
  | 'cancelled'
  | 'lfs_not_supported'
  | 'submodule_refused'
  | 'host_unreachable'
  | 'ssrf_blocked'
  | 'tls_failed'
  /** git failed in a way none of the codes above describes. */
  | 'git_failed';

export class GitConnectorError extends Error {
  override readonly name = 'GitConnectorError';
  readonly code: GitErrorCode;
  /** Facts a caller may show (e.g. the LFS pointer paths, the submodule path); never a secret. */
  readonly details: Record<string, unknown>;
  /** git's stderr tail with every credential form removed, for logs. Not enumerable. */
  declare readonly gitOutput?: string;

  constructor(code: GitErrorCode, message: string, details: Record<string, unknown> = {}, gitOutput?: string) {
    super(message);
    this.code = code;
    this.details = details;
    if (gitOutput !== undefined) Object.defineProperty(this, 'gitOutput', { value: gitOutput, enumerable: false });
  }

  toJSON(): { code: GitErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Suggested HTTP status per code, for the API's error mapping (same values as the SQL connectors' shared codes). */
export const GIT_ERROR_STATUS: Record<GitErrorCode, number> = {
  auth_failed: 422,
  repo_not_found: 422,
  ref_not_found: 422,
  invalid_ref: 400,
  invalid_remote: 400,
  timeout: 504,
  too_large: 413,
  cancelled: 499,
  lfs_not_supported: 422,
  submodule_refused: 422,
  host_unreachable: 502,
  ssrf_blocked: 422,
  tls_failed: 502,
  git_failed: 502,
};

/** Removes every given secret (and nothing else) from a text. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

export interface FailureContext {
  /** The remote as shown to people (no credentials: the connector refuses URLs that hold any). */
  remote: string;
  /** Whether credentials were sent: a 401 then means "refused", not "needed". */
  hadCredentials: boolean;
}

/**
 * Whether a fetch by commit id failed because the server does not let a client ask for an object
 * no ref advertises (git's own refusal over protocol v0/v1 when the server lacks
 * allowReachableSHA1InWant/allowAnySHA1InWant, or JGit's). Not "not our ref": a server that does
 * allow it says that of a commit it does not have, and the fallback would cost a history fetch.
 */
export function isIdRefusal(stderr: string): boolean {
  return /Server does not allow request for unadvertised object|want [0-9a-f]{40,64} not valid/i.test(stderr);
}

/** Maps a failed git run (its stderr, LC_ALL=C) to a GitConnectorError. */
export function classifyGitFailure(stderr: string, ctx: FailureContext, secrets: readonly string[]): GitConnectorError {
  const out = scrubSecrets(stderr.slice(-4000), secrets);
  const r = ctx.remote;
  // Scrubbed too: a URL is ours to show, but someone may have pasted a token into its path.
  const err = (code: GitErrorCode, message: string): GitConnectorError => new GitConnectorError(code, scrubSecrets(message, secrets), {}, out);
  if (/could not read (Username|Password)|Authentication failed|returned error: 401/i.test(stderr)) {
    return ctx.hadCredentials
      ? err('auth_failed', `The git server refused the credentials for ${r}: the token is wrong, expired or has no access to this repository.`)
      : err('auth_failed', `${r} asks for credentials: the repository is private (or does not exist). Add a token to the provider.`);
  }
  if (/returned error: 403/i.test(stderr)) {
    return err('auth_failed', `The git server denied access to ${r} (403): the token lacks the permission to read this repository.`);
  }
  if (/repository '.*' not found|Repository not found|returned error: 404|does not appear to be a git repository/i.test(stderr)) {
    return err('repo_not_found', `The repository ${r} was not found, or the token cannot see it.`);
  }
  if (/not our ref|couldn't find remote ref|no such remote ref|unadvertised object|upload-pack: not our/i.test(stderr)) {
    return err('ref_not_found', `The commit or ref does not exist in ${r}.`);
  }
  if (/returned error: 30[12378]|redirect/i.test(stderr)) {
    return err('invalid_remote', `${r} answered with a redirect, which is not followed: use the repository's exact HTTPS URL.`);
  }
  if (/Could not resolve host/i.test(stderr)) return err('host_unreachable', `The host of ${r} does not resolve.`);
  if (/timed out/i.test(stderr)) return err('timeout', `${r} did not answer in time.`);
  if (/SSL|certificate|TLS/i.test(stderr)) {
    return err('tls_failed', `The TLS certificate of ${r}'s server was refused: it cannot be verified against the system's certificate authorities.`);
  }
  if (/Failed to connect|Couldn't connect|Connection refused|No route to host|Connection reset|Empty reply|Recv failure|Send failure/i.test(stderr)) {
    return err('host_unreachable', `The git server of ${r} cannot be reached: is the host right and is it up?`);
  }
  if (/returned error: 5\d\d/i.test(stderr)) return err('host_unreachable', `The git server of ${r} failed (a 5xx answer): try again later.`);
  if (/transport '.*' not allowed/i.test(stderr)) return err('invalid_remote', `The protocol of ${r} is not allowed: only HTTPS remotes are.`);
  return err('git_failed', `git could not read ${r}.`);
}
