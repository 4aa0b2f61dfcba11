/**
 * The GitHub App client's public shapes: accounts, installations, repositories, OAuth and test
 * results, options, and the client itself (built in github-app.ts, which re-exports these).
 */
import type { HttpsGitCredentials } from './git-providers-credentials.js';
import type { ProviderHttpOptions } from './git-providers-http.js';
import type { OAuthStateExpectation } from './github-oauth-state.js';

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
  /** Where an account owner installs this app (`<app page>/installations/new`), from GET /app; null if GitHub names no page. */
  installUrl(): Promise<string | null>;
  /** The URL to send the admin to. Needs `clientId`. */
  authorizeUrl(opts: { state: string; redirectUrl?: string }): string;
  /** Verifies the state, exchanges the code, reads the user and their installations; the user token is discarded. */
  completeOAuth(opts: { code: string; state: string; stateKey: Buffer | string; expected: OAuthStateExpectation; redirectUrl?: string }): Promise<GitHubOAuthResult>;
  /** Checks the app credentials (and an installation when given); throws a precise GitProviderError. */
  test(opts?: { installationId?: number; account?: string }): Promise<GitHubAppTestResult>;
  close(): void;
}
