import { Paper, Tabs } from '@mantine/core';
import { IconDatabase, IconKey, IconPlugConnected } from '@tabler/icons-react';
import { useNavigate, useParams } from 'react-router';
import { PageHeader } from '../components/common';
import { DataSourcesTab } from './DataSourcesTab';
import { IntegrationsTab } from './IntegrationsTab';
import { SecretsTab } from './SecretsTab';

const TABS = ['data-sources', 'secrets', 'integrations'] as const;

export function WorkspaceSettingsPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  const current = (TABS as readonly string[]).includes(tab ?? '') ? tab! : 'data-sources';
  return (
    <>
      <PageHeader title="Workspace settings" description="Assets shared with projects: who can use them is decided by the groups with access. Admins create and manage them; everyone sees those shared with them." />
      <Paper withBorder radius="md" p={0}>
        <Tabs value={current} onChange={(v) => v && navigate(`/settings/workspace/${v}`)} keepMounted={false}>
          <Tabs.List px="md" pt="xs">
            <Tabs.Tab value="data-sources" leftSection={<IconDatabase size={16} />}>
              Data sources
            </Tabs.Tab>
            <Tabs.Tab value="secrets" leftSection={<IconKey size={16} />}>
              Secrets
            </Tabs.Tab>
            <Tabs.Tab value="integrations" leftSection={<IconPlugConnected size={16} />}>
              Integrations
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="data-sources" p="md">
            <DataSourcesTab />
          </Tabs.Panel>
          <Tabs.Panel value="secrets" p="md">
            <SecretsTab />
          </Tabs.Panel>
          <Tabs.Panel value="integrations" p="md">
            <IntegrationsTab />
          </Tabs.Panel>
        </Tabs>
      </Paper>
    </>
  );
}
