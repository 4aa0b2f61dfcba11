/**
 * TanStack Query keys, one per resource, nested the way the API is: everything of a workspace
 * starts with ['workspace', ws], everything of a project with ['project', p]. A change
 * invalidates the prefix of what it touches, and every view reading it refetches.
 */
import type { QueryClient } from '@tanstack/react-query';

/** The workspace asset collections (their URL segment). */
export type AssetCollection = 'data-connections' | 'secrets' | 'git-packages' | 'file-integrations';

export const keys = {
  me: () => ['me'] as const,
  tokens: () => ['me', 'tokens'] as const,
  workspace: (ws: string) => ['workspace', ws] as const,
  members: (ws: string) => ['workspace', ws, 'members'] as const,
  invitations: (ws: string) => ['workspace', ws, 'invitations'] as const,
  groups: (ws: string) => ['workspace', ws, 'groups'] as const,
  group: (ws: string, groupId: string) => ['workspace', ws, 'groups', groupId] as const,
  projects: (ws: string) => ['workspace', ws, 'projects'] as const,
  assets: (ws: string, kind: AssetCollection) => ['workspace', ws, kind] as const,
  usage: (ws: string, kind: AssetCollection, id: string) => ['workspace', ws, kind, id, 'usage'] as const,
  /** Outside the workspace prefix: the delete that follows must not refetch its own preview. */
  deletePreview: (ws: string, kind: AssetCollection, id: string) => ['delete-preview', ws, kind, id] as const,
  audit: (ws: string, filters: object) => ['workspace', ws, 'audit-events', filters] as const,
  allProjects: () => ['project'] as const,
  project: (p: string) => ['project', p] as const,
  projectAccess: (p: string) => ['project', p, 'access'] as const,
  grants: (p: string) => ['project', p, 'grants'] as const,
  imports: (p: string) => ['project', p, 'imports'] as const,
  importable: (p: string) => ['project', p, 'importable'] as const,
  projectSecrets: (p: string) => ['project', p, 'secrets'] as const,
  projectConnections: (p: string) => ['project', p, 'data-connections'] as const,
  storedQueries: (p: string) => ['project', p, 'queries'] as const,
  storedQuery: (p: string, queryId: string) => ['project', p, 'queries', queryId] as const,
};

/**
 * What a change invalidates. Access is computed over the whole workspace (a group or an asset's
 * groups can downgrade anyone anywhere, rule 4), so changes to members, groups and assets
 * refetch the workspace's lists and every open project; a grant or an import stays in its project
 * plus the lists that show its level or usage.
 */
export const invalidate = {
  access: (qc: QueryClient, ws: string) => Promise.all([qc.invalidateQueries({ queryKey: keys.workspace(ws) }), qc.invalidateQueries({ queryKey: keys.allProjects() })]),
  project: (qc: QueryClient, ws: string, p: string) =>
    Promise.all([qc.invalidateQueries({ queryKey: keys.project(p) }), qc.invalidateQueries({ queryKey: keys.projects(ws) })]),
  imports: (qc: QueryClient, ws: string, p: string) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: keys.project(p) }),
      qc.invalidateQueries({ queryKey: keys.projects(ws) }),
      qc.invalidateQueries({ queryKey: keys.assets(ws, 'data-connections') }),
      qc.invalidateQueries({ queryKey: keys.assets(ws, 'secrets') }),
      qc.invalidateQueries({ queryKey: keys.assets(ws, 'git-packages') }),
    ]),
  tokens: (qc: QueryClient) => qc.invalidateQueries({ queryKey: keys.tokens() }),
};
