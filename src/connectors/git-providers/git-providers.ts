/**
 * The entry point of the git providers: which kinds exist, their config and credential schemas
 * (the credentials are the write-only, encrypted part), and the clients. Contract in README.md.
 */
import { githubConfigSchema, githubCredentialsSchema, githubEnterpriseConfigSchema } from './github-app.js';
import {
  bitbucketConfigSchema,
  bitbucketCredentialsSchema,
  gitlabConfigSchema,
  gitlabCredentialsSchema,
  httpsRemoteConfigSchema,
  httpsRemoteCredentialsSchema,
} from './git-providers-remote.js';

export * from './git-providers-credentials.js';
export * from './git-providers-errors.js';
export { normalizeBaseUrl, type ProviderHttpOptions } from './git-providers-http.js';
export * from './github-app.js';
export * from './github-oauth-state.js';
export * from './git-providers-remote.js';

export const GIT_PROVIDER_KINDS = ['github', 'github_enterprise', 'gitlab', 'bitbucket', 'https'] as const;
export type GitProviderKind = (typeof GIT_PROVIDER_KINDS)[number];

export function isGitProviderKind(v: unknown): v is GitProviderKind {
  return typeof v === 'string' && (GIT_PROVIDER_KINDS as readonly string[]).includes(v);
}

/** Non-secret settings per kind: safe to return from the API. */
export const gitProviderConfigSchemas = {
  github: githubConfigSchema,
  github_enterprise: githubEnterpriseConfigSchema,
  gitlab: gitlabConfigSchema,
  bitbucket: bitbucketConfigSchema,
  https: httpsRemoteConfigSchema,
} as const;

/** Write-only credentials per kind: encrypted at rest, never returned. */
export const gitProviderCredentialsSchemas = {
  github: githubCredentialsSchema,
  github_enterprise: githubCredentialsSchema,
  gitlab: gitlabCredentialsSchema,
  bitbucket: bitbucketCredentialsSchema,
  https: httpsRemoteCredentialsSchema,
} as const;

export const GIT_PROVIDER_LABELS: Record<GitProviderKind, string> = {
  github: 'GitHub',
  github_enterprise: 'GitHub Enterprise Server',
  gitlab: 'GitLab',
  bitbucket: 'Bitbucket',
  https: 'HTTPS remote',
};
