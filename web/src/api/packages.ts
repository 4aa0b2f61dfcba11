/**
 * Git providers, git packages and a project's packages: the hooks, the short type names, and the
 * install stream (POST …/packages/{name}/install answers NDJSON read as it arrives, so the log
 * shows while the install runs).
 */
import { useQuery } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { streamNdjson } from './ndjson';
import type { components } from './openapi.gen';

type Schemas = components['schemas'];
export type GitProvider = Schemas['GitProvider'];
export type GitProviderKind = Schemas['GitProviderKind'];
export type GitProviderTestResult = Schemas['GitProviderTestResult'];
export type GitHubAuthorizeResult = Schemas['GitHubAuthorizeResult'];
export type GitPackage = Schemas['GitPackage'];
export type ProjectPackage = Schemas['ProjectPackage'];
export type PackageInstallEvent = Schemas['PackageInstallEvent'];
export type GitPackageUpdateResult = Schemas['GitPackageUpdateResult'];

export const packageKeys = {
  providers: (ws: string) => ['workspace', ws, 'git-providers'] as const,
  packages: (ws: string) => ['workspace', ws, 'git-packages'] as const,
  projectPackages: (p: string) => ['project', p, 'packages'] as const,
};

export const useGitProviders = (ws: string, enabled = true) =>
  useQuery({ queryKey: packageKeys.providers(ws), queryFn: () => unwrap(client.GET('/api/v1/workspaces/{ws}/git-providers', { params: { path: { ws } } })), enabled });

export const useGitPackages = (ws: string) =>
  useQuery({ queryKey: packageKeys.packages(ws), queryFn: () => unwrap(client.GET('/api/v1/workspaces/{ws}/git-packages', { params: { path: { ws } } })) });

/** Polls while an install runs, so a status started elsewhere (an import, an update) shows up. */
export const useProjectPackages = (projectId: string) =>
  useQuery({
    queryKey: packageKeys.projectPackages(projectId),
    queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}/packages', { params: { path: { projectId } } })),
    refetchInterval: (q) => (q.state.data?.packages.some((p) => p.status === 'installing' || p.status === 'pending') ? 1500 : false),
  });

export const installPackage = (projectId: string, name: string, onEvent: (ev: PackageInstallEvent) => void): Promise<void> =>
  streamNdjson(`/api/v1/projects/${encodeURIComponent(projectId)}/packages/${encodeURIComponent(name)}/install`, undefined, onEvent);

export const archiveUrl = (projectId: string, name: string, format: 'tar' | 'zip') =>
  `/api/v1/projects/${encodeURIComponent(projectId)}/packages/${encodeURIComponent(name)}/archive?format=${format}`;

/** Starts the GitHub OAuth step: GitHub's sign-in URL (the server also sets the cookie its callback needs). */
export const startGitHubLink = (ws: string, id: string, installationId?: number) =>
  unwrap(client.POST('/api/v1/workspaces/{ws}/git-providers/{id}/github/authorize', { params: { path: { ws, id } }, body: installationId === undefined ? {} : { installationId } }));
