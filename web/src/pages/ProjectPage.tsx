/** A project: its level (and why), sharing, SQL cell with stored results, imported assets, secrets. */
import { Alert, Anchor, Breadcrumbs, Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconDatabase, IconFiles, IconGitBranch, IconKey, IconPackageImport, IconShare } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useProject, useProjectAccess } from '../api/queries';
import { ErrorAlert, LevelBadge, Loading } from '../components/common';
import { TabbedPaper } from '../components/TabbedPaper';
import { FilesPanel } from '../project/FilesPanel';
import { ImportsPanel } from '../project/ImportsPanel';
import { PackagesPanel } from '../project/PackagesPanel';
import { ProjectSecretsPanel } from '../project/ProjectSecretsPanel';
import { ShareDialog } from '../project/ShareDialog';
import { SqlPanel } from '../project/SqlPanel';
import { useDirectory } from '../session';

export function ProjectPage() {
  const { projectId = '' } = useParams();
  const dir = useDirectory();
  const project = useProject(projectId);
  const access = useProjectAccess(projectId);
  const [sharing, setSharing] = useState(false);
  const [tab, setTab] = useState('sql');

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
      <TabbedPaper
        value={tab}
        onChange={setTab}
        tabs={[
          { value: 'sql', label: 'SQL', icon: <IconDatabase size={16} />, panel: <SqlPanel key={p.id} project={p} /> },
          { value: 'imports', label: 'Imported assets', icon: <IconPackageImport size={16} />, panel: <ImportsPanel project={p} /> },
          { value: 'secrets', label: 'Secrets', icon: <IconKey size={16} />, panel: <ProjectSecretsPanel project={p} /> },
          { value: 'packages', label: 'Packages', icon: <IconGitBranch size={16} />, panel: <PackagesPanel project={p} /> },
          { value: 'files', label: 'Files', icon: <IconFiles size={16} />, panel: <FilesPanel project={p} /> },
        ]}
      />
      {sharing && <ShareDialog project={p} onClose={() => setSharing(false)} />}
    </Stack>
  );
}
