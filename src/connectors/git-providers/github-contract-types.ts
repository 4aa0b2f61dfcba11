/**
 * The GitHub contract server's shapes (test support): what a test configures (apps,
 * installations, repositories, users), what it can observe, and the state the server's parts
 * share. GitHub's own payload types come from `@octokit/openapi-types`.
 */
import type { KeyObject } from 'node:crypto';
import type { components } from '@octokit/openapi-types';

export type Schemas = components['schemas'];

export interface ContractApp {
  id: number;
  slug: string;
  name: string;
  /** The PEM of the app's private key, or its public key: only the public half is used. */
  key: string;
  clientId: string;
  clientSecret: string;
  owner: ContractAccount;
}

export interface ContractAccount {
  id: number;
  login: string;
  type: 'User' | 'Organization';
}

export interface ContractInstallation {
  id: number;
  appId: number;
  account: ContractAccount;
  /** `owner/name` of the repositories the installation was given. */
  repositories: string[];
  repositorySelection?: 'all' | 'selected';
  suspended?: boolean;
}

export interface ContractRepository {
  id: number;
  fullName: string;
  /** Names it had before a rename or transfer: GET /repos/{old} answers 301, as recorded. */
  previousNames?: string[];
  private?: boolean;
  defaultBranch?: string;
}

export interface ContractUser extends ContractAccount {
  /** Installations this user can access (as listed by GET /user/installations). */
  installationIds: number[];
}

export interface ContractRequest {
  method: string;
  /** Path without the `/api/v3` prefix or the query. */
  path: string;
  enterprise: boolean;
  /** How the request authenticated (never the credential). */
  auth: 'jwt' | 'installation-token' | 'user-token' | 'client-credentials' | 'none' | 'refused';
  status: number;
}

export interface GitHubContractServerOptions {
  apps: ContractApp[];
  installations: ContractInstallation[];
  repositories: ContractRepository[];
  users?: ContractUser[];
  /** Lifetime of installation tokens in seconds (GitHub: 3600). */
  installationTokenLifetimeSec?: number;
  /** Called with every installation token issued, e.g. to let a local git server accept it. */
  onInstallationToken?: (token: string, installation: ContractInstallation, expiresAt: Date) => void;
  port?: number;
}

export interface GitHubContractServer {
  /** `http://127.0.0.1:PORT`: the web origin, and the github.com-style API base. */
  url: string;
  /** `http://127.0.0.1:PORT/api/v3`: the GitHub Enterprise Server-style API base. */
  enterpriseApiUrl: string;
  readonly requests: ContractRequest[];
  /** Every token, refresh token and code this server issued: what a leak scan looks for. */
  readonly issued: string[];
  /**
   * What GitHub does when the signed-in `login` approves the app on the page at `authorizeUrl`:
   * returns the callback URL (`redirect_uri` or the app's) with `code` and `state`. Throws when
   * the URL is not this server's authorize page or names an unknown client.
   */
  approve(authorizeUrl: string, login: string): string;
  /**
   * Signs `login` in to "GitHub" (null: signs out): GET /login/oauth/authorize then approves for
   * that user at once and redirects back, the contract's shortcut for the consent page.
   */
  signIn(login: string | null): void;
  setInstallationTokenLifetime(seconds: number): void;
  setSuspended(installationId: number, suspended: boolean): void;
  /** Revokes an installation token before its expiry (as DELETE /installation/token would). */
  revokeInstallationToken(token: string): void;
  close(): Promise<void>;
}

export interface IssuedToken {
  kind: 'installation' | 'user';
  installationId?: number;
  userId?: number;
  appId: number;
  expiresAt: number;
}

export interface IssuedCode {
  appId: number;
  userId: number;
  redirectUri: string | null;
  expiresAt: number;
}


/** What the routes, the bodies and the credential checks share. */
export interface ContractState {
  apps: Map<number, ContractApp & { publicKey: KeyObject }>;
  installations: Map<number, ContractInstallation>;
  repositories: Map<string, ContractRepository>;
  users: Map<string, ContractUser>;
  tokens: Map<string, IssuedToken>;
  codes: Map<string, IssuedCode>;
  /** `http://127.0.0.1:PORT`, known once the server listens. */
  origin: string;
}
