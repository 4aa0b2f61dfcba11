/** A project: its level (and why), sharing, SQL cell with stored results, imported assets, secrets. */
import { Alert, Anchor, Breadcrumbs, Button, Group, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconDatabase, IconKey, IconPackageImport, IconShare } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import { useLoad } from '../api/hooks';
import type { Project, ProjectAccess } from '../api/types';
import { ErrorAlert, LevelBadge, Loading } from '../components/common';
import { ImportsPanel } from '../project/ImportsPanel';
import { ProjectSecretsPanel } from '../project/ProjectSecretsPanel';
import { ShareDialog } from '../project/ShareDialog';
import { SqlPanel } from '../project/SqlPanel';
import { useDirectory } from '../session';

export function ProjectPage() {
  const { projectId = '' } = useParams();
  const dir = useDirectory();
  const project = useLoad(() => api.get<Project>(`/projects/${projectId}`), [projectId]);
  const access = useLoad(() => api.get<ProjectAccess>(`/projects/${projectId}/access`), [projectId]);
  const [sharing, setSharing] = useState(false);
  const [tab, setTab] = useState<string | null>('sql');
  const [version, setVersion] = useState(0);
  const refresh = async () => {
    await Promise.all([project.reload(), access.reload()]);
    setVersion((v) => v + 1);
  };

  if (project.error) return <ErrorAlert error={project.error} title="Could not open the project" />;
  if (!project.data) return <Loading />;
  const p = project.data;
  const actions = p.allowedActions;
  return (
    <Stack gap="lg">
      <div>
        <Breadcrumbs mb={6} fz="sm">
          <Anchor component={Link} to="/projects">
            Projects
          </Anchor>
          <Text size="sm">{p.name}</Text>
        </Breadcrumbs>
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Stack gap={4}>
            <Group gap="sm">
              <Title order={2}>{p.name}</Title>
              <LevelBadge level={p.access.level} />
            </Group>
            {p.description && (
              <Text c="dimmed" size="sm">
                {p.description}
              </Text>
            )}
          </Stack>
          {actions.includes('share') && (
            <Button leftSection={<IconShare size={16} />} onClick={() => setSharing(true)}>
              Share
            </Button>
          )}
        </Group>
      </div>
      {access.data && access.data.downgradedBy.length > 0 && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="You can only view this project">
          You were given {access.data.granted.replace('_', ' ')}, but you lack access to {access.data.downgradedBy.map((a) => dir.assetLabel(a)).join(', ')}, which this project uses. Ask an admin for access.
        </Alert>
      )}
      <Paper withBorder radius="md">
        <Tabs value={tab} onChange={setTab}>
          <Tabs.List px="md" pt="xs">
            <Tabs.Tab value="sql" leftSection={<IconDatabase size={16} />}>
              SQL
            </Tabs.Tab>
            <Tabs.Tab value="imports" leftSection={<IconPackageImport size={16} />}>
              Imported assets
            </Tabs.Tab>
            <Tabs.Tab value="secrets" leftSection={<IconKey size={16} />}>
              Secrets
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="sql" p="md">
            <SqlPanel key={version} project={p} />
          </Tabs.Panel>
          <Tabs.Panel value="imports" p="md">
            <ImportsPanel key={version} project={p} onChanged={refresh} />
          </Tabs.Panel>
          <Tabs.Panel value="secrets" p="md">
            <ProjectSecretsPanel key={version} project={p} />
          </Tabs.Panel>
        </Tabs>
      </Paper>
      {sharing && <ShareDialog project={p} onClose={() => setSharing(false)} onChanged={refresh} />}
    </Stack>
  );
}
