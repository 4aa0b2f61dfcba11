import { Center, Loader } from '@mantine/core';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Shell } from './components/Shell';
import { AuditPage } from './pages/AuditPage';
import { InvitePage } from './pages/InvitePage';
import { LoginPage } from './pages/LoginPage';
import { ProjectPage } from './pages/ProjectPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { UsersPage } from './pages/users/UsersPage';
import { WorkspaceSettingsPage } from './settings/WorkspaceSettingsPage';
import { DirectoryProvider, SessionProvider, useSession } from './session';

export function App() {
  return (
    <SessionProvider>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/invite" element={<InvitePage />} />
        <Route path="/*" element={<SignedIn />} />
      </Routes>
    </SessionProvider>
  );
}

function SignedIn() {
  const { me, checking, workspace } = useSession();
  const location = useLocation();
  if (checking) {
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  }
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (!workspace) return <Center h="100vh">You are not a member of any workspace yet. Ask an admin to add you.</Center>;
  return (
    <DirectoryProvider key={workspace.id}>
      <Shell>
        <Routes>
          <Route index element={<Navigate to="/projects" replace />} />
          <Route path="projects" element={<ProjectsPage />} />
          <Route path="projects/:projectId" element={<ProjectPage />} />
          <Route path="settings/workspace" element={<Navigate to="/settings/workspace/data-sources" replace />} />
          <Route path="settings/workspace/:tab" element={<WorkspaceSettingsPage />} />
          <Route path="settings/users" element={<UsersPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="*" element={<Center p="xl">This page does not exist.</Center>} />
        </Routes>
      </Shell>
    </DirectoryProvider>
  );
}
