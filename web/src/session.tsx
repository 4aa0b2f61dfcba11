/**
 * Who is signed in (GET /api/v1/me), the current workspace, and a small directory of names
 * (members, groups, projects, assets) used to turn ids in impact previews into words. The
 * directory reads the same cached queries as the pages, so a change refetches both at once.
 * Permissions always come from the API's `allowedActions`, never from the role.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, client, setCsrfToken, setUnauthenticatedHandler, unwrap } from './api/client';
import { keys } from './api/keys';
import { fetchMe, useDataConnections, useGroups, useMembers, useProjects, useSecrets } from './api/queries';
import type { GroupList, Me, Member, WorkspaceSummary, WorkspaceAction } from './api/models';

interface SessionValue {
  me: Me | null;
  /** true until the first GET /me answered */
  checking: boolean;
  workspace: WorkspaceSummary | null;
  selectWorkspace(id: string): void;
  can(action: WorkspaceAction): boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);
const WS_KEY = 'atrium.workspace';

/** GET /me, or null when nobody is signed in. */
async function loadMe(): Promise<Me | null> {
  try {
    const m = await fetchMe();
    setCsrfToken(m.csrfToken ?? null);
    return m;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.code === 'unauthenticated' || e.code === 'session_expired')) return null;
    throw e;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const meQuery = useQuery({ queryKey: keys.me(), queryFn: loadMe, retry: false, staleTime: 60_000 });
  const me = meQuery.data ?? null;
  const [wsId, setWsId] = useState<string | null>(() => localStorage.getItem(WS_KEY));

  useEffect(() => {
    // Forget everything read as the previous user, then show the login page.
    setUnauthenticatedHandler(() => {
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      qc.setQueryData(keys.me(), null);
    });
    return () => setUnauthenticatedHandler(null);
  }, [qc]);

  const workspace = useMemo(() => {
    if (!me) return null;
    return me.workspaces.find((w) => w.id === wsId) ?? me.workspaces[0] ?? null;
  }, [me, wsId]);

  const value = useMemo<SessionValue>(
    () => ({
      me,
      checking: meQuery.isPending,
      workspace,
      selectWorkspace(id) {
        localStorage.setItem(WS_KEY, id);
        setWsId(id);
      },
      can: (action) => !!workspace?.allowedActions.includes(action),
      async signIn(email, password) {
        const r = await unwrap(client.POST('/api/v1/auth/login', { body: { email, password } }));
        setCsrfToken(r.csrfToken);
        qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
        await qc.refetchQueries({ queryKey: keys.me() });
      },
      async signOut() {
        await unwrap(client.POST('/api/v1/auth/logout')).catch(() => undefined);
        setCsrfToken(null);
        qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
        qc.setQueryData(keys.me(), null);
      },
    }),
    [me, meQuery.isPending, workspace, qc],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The current workspace; only used below the signed-in layout, where one exists. */
export function useWorkspace(): WorkspaceSummary {
  const { workspace } = useSession();
  if (!workspace) throw new Error('no workspace');
  return workspace;
}

export interface Directory {
  members: Member[];
  groups: GroupList;
  userLabel(id: string): string;
  groupLabel(id: string): string;
  projectLabel(id: string): string;
  assetLabel(id: string): string;
}

const DirectoryContext = createContext<Directory | null>(null);
const NO_GROUPS: GroupList = { builtin: [], custom: [] };
const BUILTIN_LABEL: Record<string, string> = { workspace: 'Workspace', 'workspace-guests': 'Workspace guests', public: 'Public' };

export function DirectoryProvider({ children }: { children: ReactNode }) {
  const ws = useWorkspace();
  const canMembers = ws.allowedActions.includes('view_members');
  const members = useMembers(ws.id, canMembers).data?.members;
  const groups = useGroups(ws.id, canMembers).data;
  const projects = useProjects(ws.id).data?.projects;
  const connections = useDataConnections(ws.id).data?.dataConnections;
  const secrets = useSecrets(ws.id).data?.secrets;

  const value = useMemo<Directory>(() => {
    const byUser = new Map((members ?? []).map((m) => [m.userId, m]));
    const byGroup = new Map([...(groups?.builtin ?? []), ...(groups?.custom ?? [])].map((g) => [g.id, g.name]));
    const byProject = new Map((projects ?? []).map((p) => [p.id, p.name]));
    const byAsset = new Map<string, string>();
    for (const c of connections ?? []) byAsset.set(c.id, c.name);
    for (const s of secrets ?? []) if (s.name) byAsset.set(s.id, s.name);
    return {
      members: members ?? [],
      groups: groups ?? NO_GROUPS,
      userLabel: (id) => {
        const m = byUser.get(id);
        return m ? `${m.name} <${m.email}>` : id;
      },
      groupLabel: (id) => byGroup.get(id) ?? BUILTIN_LABEL[id] ?? id,
      projectLabel: (id) => byProject.get(id) ?? id,
      assetLabel: (id) => byAsset.get(id) ?? id,
    };
  }, [members, groups, projects, connections, secrets]);
  return <DirectoryContext.Provider value={value}>{children}</DirectoryContext.Provider>;
}

export function useDirectory(): Directory {
  const v = useContext(DirectoryContext);
  if (!v) throw new Error('useDirectory outside DirectoryProvider');
  return v;
}
