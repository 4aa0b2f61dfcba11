/**
 * Who is signed in (GET /api/v1/me), the current workspace, and a small directory of names
 * (members, groups, projects, assets) used to turn ids in impact previews into words.
 * Permissions always come from the API's `allowedActions`, never from the role.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, ApiError, setCsrfToken, setUnauthenticatedHandler } from './api/client';
import type { DataConnection, GroupsList, Me, Member, Project, Secret, Workspace } from './api/types';

interface SessionValue {
  me: Me | null;
  /** true until the first GET /me answered */
  checking: boolean;
  workspace: Workspace | null;
  selectWorkspace(id: string): void;
  can(action: string): boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);
const WS_KEY = 'atrium.workspace';

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(true);
  const [wsId, setWsId] = useState<string | null>(() => localStorage.getItem(WS_KEY));

  const refresh = useCallback(async () => {
    try {
      const m = await api.get<Me>('/me');
      setCsrfToken(m.csrfToken ?? null);
      setMe(m);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.code === 'unauthenticated' || e.code === 'session_expired')) setMe(null);
      else throw e;
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => setMe(null));
    void refresh().catch(() => setChecking(false));
    return () => setUnauthenticatedHandler(null);
  }, [refresh]);

  const workspace = useMemo(() => {
    if (!me) return null;
    return me.workspaces.find((w) => w.id === wsId) ?? me.workspaces[0] ?? null;
  }, [me, wsId]);

  const value = useMemo<SessionValue>(
    () => ({
      me,
      checking,
      workspace,
      selectWorkspace(id) {
        localStorage.setItem(WS_KEY, id);
        setWsId(id);
      },
      can: (action) => !!workspace?.allowedActions.includes(action),
      async signIn(email, password) {
        const r = await api.post<{ csrfToken: string }>('/auth/login', { email, password });
        setCsrfToken(r.csrfToken);
        await refresh();
      },
      async signOut() {
        await api.post('/auth/logout').catch(() => undefined);
        setCsrfToken(null);
        setMe(null);
      },
      refresh,
    }),
    [me, checking, workspace, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The current workspace; only used below the signed-in layout, where one exists. */
export function useWorkspace(): Workspace {
  const { workspace } = useSession();
  if (!workspace) throw new Error('no workspace');
  return workspace;
}

export interface Directory {
  members: Member[];
  groups: GroupsList;
  userLabel(id: string): string;
  groupLabel(id: string): string;
  projectLabel(id: string): string;
  assetLabel(id: string): string;
  reload(): Promise<void>;
}

const DirectoryContext = createContext<Directory | null>(null);

export function DirectoryProvider({ children }: { children: ReactNode }) {
  const ws = useWorkspace();
  const [members, setMembers] = useState<Member[]>([]);
  const [groups, setGroups] = useState<GroupsList>({ builtin: [], custom: [] });
  const [projects, setProjects] = useState<Project[]>([]);
  const [assets, setAssets] = useState<Map<string, string>>(new Map());

  const reload = useCallback(async () => {
    const canMembers = ws.allowedActions.includes('view_members');
    const [m, g, p, dc, sec] = await Promise.all([
      canMembers ? api.get<{ members: Member[] }>(`/workspaces/${ws.id}/members`).catch(() => ({ members: [] })) : { members: [] },
      canMembers ? api.get<GroupsList>(`/workspaces/${ws.id}/groups`).catch(() => ({ builtin: [], custom: [] })) : { builtin: [], custom: [] },
      api.get<{ projects: Project[] }>(`/workspaces/${ws.id}/projects`).catch(() => ({ projects: [] })),
      api.get<{ dataConnections: DataConnection[] }>(`/workspaces/${ws.id}/data-connections`).catch(() => ({ dataConnections: [] })),
      api.get<{ secrets: Secret[] }>(`/workspaces/${ws.id}/secrets`).catch(() => ({ secrets: [] })),
    ]);
    setMembers(m.members);
    setGroups(g);
    setProjects(p.projects);
    const names = new Map<string, string>();
    for (const c of dc.dataConnections) names.set(c.id, c.name);
    for (const s of sec.secrets) if (s.name) names.set(s.id, s.name);
    setAssets(names);
  }, [ws.id, ws.allowedActions]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const value = useMemo<Directory>(() => {
    const byUser = new Map(members.map((m) => [m.userId, m]));
    const byGroup = new Map([...groups.builtin, ...groups.custom].map((g) => [g.id, g.name]));
    const byProject = new Map(projects.map((p) => [p.id, p.name]));
    return {
      members,
      groups,
      userLabel: (id) => {
        const m = byUser.get(id);
        return m ? `${m.name} <${m.email}>` : id;
      },
      groupLabel: (id) => byGroup.get(id) ?? (id === 'workspace' ? 'Workspace' : id === 'workspace-guests' ? 'Workspace guests' : id === 'public' ? 'Public' : id),
      projectLabel: (id) => byProject.get(id) ?? id,
      assetLabel: (id) => assets.get(id) ?? id,
      reload,
    };
  }, [members, groups, projects, assets, reload]);
  return <DirectoryContext.Provider value={value}>{children}</DirectoryContext.Provider>;
}

export function useDirectory(): Directory {
  const v = useContext(DirectoryContext);
  if (!v) throw new Error('useDirectory outside DirectoryProvider');
  return v;
}
