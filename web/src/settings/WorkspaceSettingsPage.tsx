import { IconDatabase, IconKey, IconPlugConnected } from '@tabler/icons-react';
import { useNavigate, useParams } from 'react-router';
import { PageHeader } from '../components/common';
import { TabbedPaper } from '../components/TabbedPaper';
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
      <TabbedPaper
        value={current}
        onChange={(v) => navigate(`/settings/workspace/${v}`)}
        keepMounted={false}
        tabs={[
          { value: 'data-sources', label: 'Data sources', icon: <IconDatabase size={16} />, panel: <DataSourcesTab /> },
          { value: 'secrets', label: 'Secrets', icon: <IconKey size={16} />, panel: <SecretsTab /> },
          { value: 'integrations', label: 'Integrations', icon: <IconPlugConnected size={16} />, panel: <IntegrationsTab /> },
        ]}
      />
    </>
  );
}
