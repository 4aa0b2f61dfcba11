/**
 * Every read the console makes, as a TanStack Query hook over the typed client: one place per
 * resource, so a page and the name directory share one cached answer and one refetch.
 */
import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { type AssetCollection, keys } from './keys';
import type { paths } from './openapi.gen';

/** Path parameters of the workspace and project routes. */
const inWs = (ws: string) => ({ params: { path: { ws } } });
const inProject = (projectId: string) => ({ params: { path: { projectId } } });

export const fetchMe = () => unwrap(client.GET('/api/v1/me'));

export const useMembers = (ws: string, enabled = true) =>
  useQuery({ queryKey: keys.members(ws), queryFn: () => unwrap(client.GET('/api/v1/workspaces/{ws}/members', inWs(ws))), enabled });

export const useInvitations = (ws: string, enabled = true) =>
  useQuery({ queryKey: keys.invitations(ws), queryFn: () => unwrap(client.GET('/api/v1/workspaces/{ws}/invitations', inWs(ws))), enabled });

export const useGroups = (ws: string, enabled = true) =>
  useQuery({ queryKey: keys.groups(ws), queryFn: () => unwrap(client.GET('/api/v1/workspaces/{ws}/groups', inWs(ws))), enabled });

export const useGroup = (ws: string, groupId: string) =>
  useQuery({
    queryKey: keys.group(ws, groupId),
    queryFn: () => unwrap(client.GET('/api/v1/workspaces/{ws}/groups/{groupId}', { params: { path: { ws, groupId } } })),
  });

export const useProjects = (ws: string) =>
  useQuery({ queryKey: keys.projects(ws), queryFn: () => unwrap(client.GET('/api/v1/workspaces/{ws}/projects', inWs(ws))) });

export const useDataConnections = (ws: string) =>
  useQuery({ queryKey: keys.assets(ws, 'data-connections'), queryFn: () => unwrap(client.GET('/api/v1/workspaces/{ws}/data-connections', inWs(ws))) });

export const useSecrets = (ws: string) =>
  useQuery({ queryKey: keys.assets(ws, 'secrets'), queryFn: () => unwrap(client.GET('/api/v1/workspaces/{ws}/secrets', inWs(ws))) });

export const useUsage = (ws: string, kind: AssetCollection, id: string, enabled: boolean) =>
  useQuery({
    queryKey: keys.usage(ws, kind, id),
    queryFn: () => {
      const path = { params: { path: { ws, id } } };
      if (kind === 'git-packages') return unwrap(client.GET('/api/v1/workspaces/{ws}/git-packages/{id}/usage', path));
      if (kind === 'file-integrations') return unwrap(client.GET('/api/v1/workspaces/{ws}/file-integrations/{id}/usage', path));
      return unwrap(kind === 'secrets' ? client.GET('/api/v1/workspaces/{ws}/secrets/{id}/usage', path) : client.GET('/api/v1/workspaces/{ws}/data-connections/{id}/usage', path));
    },
    enabled,
  });

/** Deleting an asset (rule 8): the preview (dryRun) and the confirmed delete. */
export function deleteAsset(ws: string, kind: AssetCollection, id: string, mode: 'dryRun' | 'confirm') {
  const opts = { params: { path: { ws, id }, query: { [mode]: 'true' as const } } };
  if (kind === 'git-packages') return unwrap(client.DELETE('/api/v1/workspaces/{ws}/git-packages/{id}', opts));
  if (kind === 'file-integrations') return unwrap(client.DELETE('/api/v1/workspaces/{ws}/file-integrations/{id}', opts));
  return unwrap(kind === 'secrets' ? client.DELETE('/api/v1/workspaces/{ws}/secrets/{id}', opts) : client.DELETE('/api/v1/workspaces/{ws}/data-connections/{id}', opts));
}

export const useDeletePreview = (ws: string, kind: AssetCollection, id: string, enabled: boolean) =>
  useQuery({ queryKey: keys.deletePreview(ws, kind, id), queryFn: () => deleteAsset(ws, kind, id, 'dryRun'), enabled, staleTime: 0, gcTime: 0 });

export const useTokens = () => useQuery({ queryKey: keys.tokens(), queryFn: () => unwrap(client.GET('/api/v1/me/tokens')) });

export const useProject = (projectId: string) =>
  useQuery({ queryKey: keys.project(projectId), queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}', inProject(projectId))) });

export const useProjectAccess = (projectId: string) =>
  useQuery({ queryKey: keys.projectAccess(projectId), queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}/access', inProject(projectId))) });

export const useGrants = (projectId: string) =>
  useQuery({ queryKey: keys.grants(projectId), queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}/grants', inProject(projectId))) });

export const useImports = (projectId: string) =>
  useQuery({ queryKey: keys.imports(projectId), queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}/imports', inProject(projectId))) });

export const useImportable = (projectId: string) =>
  useQuery({ queryKey: keys.importable(projectId), queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}/importable', inProject(projectId))) });

export const useProjectSecrets = (projectId: string) =>
  useQuery({ queryKey: keys.projectSecrets(projectId), queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}/secrets', inProject(projectId))) });

export const useProjectConnections = (projectId: string) =>
  useQuery({
    queryKey: keys.projectConnections(projectId),
    queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}/data-connections', inProject(projectId))),
  });

export const useStoredQueries = (projectId: string) =>
  useQuery({ queryKey: keys.storedQueries(projectId), queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}/queries', inProject(projectId))) });

export const fetchStoredQuery = (qc: QueryClient, projectId: string, queryId: string) =>
  qc.fetchQuery({
    queryKey: keys.storedQuery(projectId, queryId),
    queryFn: () => unwrap(client.GET('/api/v1/projects/{projectId}/queries/{queryId}', { params: { path: { projectId, queryId } } })),
  });

export type AuditFilters = Omit<NonNullable<paths['/api/v1/workspaces/{ws}/audit-events']['get']['parameters']['query']>, 'cursor' | 'limit'>;

/** The audit log, newest first, one page of `limit` events per "Load older events". */
export const useAuditEvents = (ws: string, filters: AuditFilters, limit: number) =>
  useInfiniteQuery({
    queryKey: keys.audit(ws, filters),
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/workspaces/{ws}/audit-events', { params: { path: { ws }, query: { ...filters, limit, ...(pageParam !== null ? { cursor: pageParam } : {}) } } }),
      ),
    getNextPageParam: (last) => last.nextCursor,
  });

/**
 * A change through the API: runs `fn`, then invalidates what it changed (and waits for it, so a
 * dialog that closes on success shows the new state behind it).
 */
export function useChange<A, R>(fn: (args: A) => Promise<R>, after: (qc: QueryClient, result: R, args: A) => Promise<unknown> | void) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: async (result, args) => void (await after(qc, result, args)) });
}
