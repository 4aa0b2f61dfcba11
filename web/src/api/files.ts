/**
 * External file integrations (S3) and a project's files: the hooks, the short type names, and the
 * transfer stream (import and export answer NDJSON read as it arrives, so progress shows while
 * the files move).
 */
import { useQuery } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { streamNdjson } from './ndjson';
import type { components } from './openapi.gen';

type Schemas = components['schemas'];
export type FileIntegration = Schemas['FileIntegration'];
export type PermissionReport = Schemas['FileIntegrationPermissionReport'];
export type ProjectFileIntegration = Schemas['ProjectFileIntegration'];
export type ProjectFile = Schemas['ProjectFile'];
export type ObjectListing = Schemas['S3ObjectListing'];
export type TransferEvent = Schemas['FileTransferEvent'];

export const fileKeys = {
  integrations: (ws: string) => ['workspace', ws, 'file-integrations'] as const,
  projectIntegrations: (p: string) => ['project', p, 'file-integrations'] as const,
  objects: (p: string, id: string, prefix: string, q: string, page: string) => ['project', p, 'file-integrations', id, 'objects', prefix, q, page] as const,
  files: (p: string) => ['project', p, 'files'] as const,
};

export const useFileIntegrations = (ws: string) =>
  useQuery({ queryKey: fileKeys.integrations(ws), queryFn: () => unwrap(client.GET('/api/v1/workspaces/{ws}/file-integrations', { params: { path: { ws } } })) });

export const useProjectFileIntegrations = (projectId: string) =>
  useQuery({ queryKey: fileKeys.projectIntegrations(projectId), queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}/file-integrations', { params: { path: { projectId } } })) });

export const useProjectFiles = (projectId: string) =>
  useQuery({ queryKey: fileKeys.files(projectId), queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}/files', { params: { path: { projectId }, query: {} } })) });

export const useObjects = (projectId: string, id: string | null, prefix: string, q: string, pageToken: string) =>
  useQuery({
    queryKey: fileKeys.objects(projectId, id ?? '', prefix, q, pageToken),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/projects/{projectId}/file-integrations/{id}/objects', {
          params: { path: { projectId, id: id! }, query: { prefix, ...(q ? { q } : {}), ...(pageToken ? { pageToken } : {}) } },
        }),
      ),
    enabled: !!id,
  });

/** Runs an import or export; each NDJSON line is handed to `onEvent` as it arrives. */
export const transfer = (projectId: string, id: string, direction: 'import' | 'export', body: object, onEvent: (ev: TransferEvent) => void): Promise<void> =>
  streamNdjson(`/api/v1/projects/${encodeURIComponent(projectId)}/file-integrations/${encodeURIComponent(id)}/${direction}`, body, onEvent);

export const fileUrl = (projectId: string, path: string) => `/api/v1/projects/${encodeURIComponent(projectId)}/files/content?path=${encodeURIComponent(path)}`;

export const formatBytes = (n: number): string =>
  n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`;
