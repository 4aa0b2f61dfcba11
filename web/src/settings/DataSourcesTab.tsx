/** Settings › Workspace › Data sources: shared data connections, their usage, default, groups. */
import { Badge, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconStar, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { client, unwrap } from '../api/client';
import { invalidate } from '../api/keys';
import { useChange, useDataConnections } from '../api/queries';
import type { DataConnection } from '../api/models';
import { canManage } from '../components/AssetAccess';
import { AddButton, ErrorAlert, GroupBadges, NameCell, SectionIntro, TYPE_LABEL } from '../components/common';
import { DeleteAssetModal } from '../components/DeleteAssetModal';
import { ResourceTable } from '../components/ResourceTable';
import { useWorkspace } from '../session';
import { ConnectionModal } from './ConnectionModal';

export function DataSourcesTab() {
  const ws = useWorkspace();
  const list = useDataConnections(ws.id);
  const [editing, setEditing] = useState<DataConnection | 'new' | null>(null);
  const [deleting, setDeleting] = useState<DataConnection | null>(null);
  const setDefault = useChange(
    (c: DataConnection) => unwrap(client.PUT('/api/v1/workspaces/{ws}/default-connection', { params: { path: { ws: ws.id } }, body: { connectionId: c.id } })),
    async (qc, _r, c) => {
      notifications.show({ message: `${c.name} is now the default data connection.`, color: 'teal' });
      await invalidate.access(qc, ws.id);
    },
  );

  return (
    <Stack>
      <SectionIntro action={list.data?.allowedActions.includes('manage_assets') && <AddButton label="New data connection" onClick={() => setEditing('new')} />}>
        Shared data connections. SQL cells that name no connection use the default. Projects import a connection to query it; people need <b>Can edit</b> on the project and access to the connection.
      </SectionIntro>
      <ErrorAlert error={setDefault.error} />
      <ResourceTable
        label="Data connections"
        query={list}
        rows={(d) => d.dataConnections}
        rowProps={(c) => ({ 'data-testid': `connection-${c.name}` })}
        minWidth={720}
        empty="No data connections shared with you yet."
        columns={[
          { header: 'Name', render: (c) => <NameCell name={<ConnectionName c={c} />} detail={describe(c)} /> },
          { header: 'Type', render: (c) => <Text size="sm">{TYPE_LABEL[c.type]}</Text> },
          { header: 'Groups with access', render: (c) => <GroupBadges access={c.access} /> },
        ]}
        usage={{ kind: 'data-connections', of: (c) => ({ id: c.id, name: c.name, count: c.usageCount }) }}
        actions={[
          { label: 'Set as default', icon: <IconStar size={16} />, when: (c) => !c.isDefault && canManage(c), onClick: (c) => setDefault.mutate(c) },
          { label: 'Edit', icon: <IconPencil size={16} />, when: (a) => canManage(a), onClick: (r) => setEditing(r) },
          { label: 'Delete', icon: <IconTrash size={16} />, color: 'red', divider: true, when: (a) => canManage(a), onClick: (r) => setDeleting(r) },
        ]}
      />
      {editing && <ConnectionModal connection={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {deleting && (
        <DeleteAssetModal
          kind="data-connections"
          id={deleting.id}
          name={deleting.name}
          kindLabel="Data connection"
          onClose={() => setDeleting(null)}
          onDeleted={() => notifications.show({ message: `${deleting.name} was deleted.`, color: 'teal' })}
        />
      )}
    </Stack>
  );
}

function ConnectionName({ c }: { c: DataConnection }) {
  return (
    <Group gap="xs" wrap="nowrap" component="span">
      {c.name}
      {c.isDefault && (
        <Badge size="sm" color="indigo" variant="light" leftSection={<IconStar size={11} />}>
          Default
        </Badge>
      )}
      {c.readOnly && (
        <Badge size="sm" color="gray" variant="light">
          Read-only
        </Badge>
      )}
    </Group>
  );
}

function describe(c: DataConnection): string {
  const cfg = c.config;
  if (c.type === 'sqlite' || c.type === 'duckdb') return String(cfg.path ?? '');
  return `${String(cfg.user ?? '')}@${String(cfg.host ?? '')}:${String(cfg.port ?? '')}/${String(cfg.database ?? '')}`;
}
