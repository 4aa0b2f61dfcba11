/** Settings › Workspace › Data sources: shared data connections, their usage, default, groups. */
import { ActionIcon, Badge, Button, Group, Menu, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconPencil, IconPlus, IconStar, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../api/client';
import { useLoad } from '../api/hooks';
import type { DataConnection } from '../api/types';
import { Empty, ErrorAlert, GroupBadges, Loading, TYPE_LABEL } from '../components/common';
import { DeleteAssetModal, UsageLink } from '../components/impact';
import { useDirectory, useWorkspace } from '../session';
import { ConnectionModal } from './ConnectionModal';

interface ListResponse {
  dataConnections: DataConnection[];
  defaultConnectionId: string | null;
  allowedActions: string[];
}

export function DataSourcesTab() {
  const ws = useWorkspace();
  const dir = useDirectory();
  const list = useLoad(() => api.get<ListResponse>(`/workspaces/${ws.id}/data-connections`), [ws.id]);
  const [editing, setEditing] = useState<DataConnection | 'new' | null>(null);
  const [deleting, setDeleting] = useState<DataConnection | null>(null);
  const [error, setError] = useState<unknown>(null);
  const canCreate = !!list.data?.allowedActions.includes('manage_assets');
  const changed = async () => {
    await list.reload();
    await dir.reload();
  };

  const setDefault = async (c: DataConnection) => {
    setError(null);
    try {
      await api.put(`/workspaces/${ws.id}/default-connection`, { connectionId: c.id });
      notifications.show({ message: `${c.name} is now the default data connection.`, color: 'teal' });
      await list.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" maw={640}>
          Shared data connections. SQL cells that name no connection use the default. Projects import a connection to query it; people need <b>Can edit</b> on the project and access to the connection.
        </Text>
        {canCreate && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New data connection
          </Button>
        )}
      </Group>
      <ErrorAlert error={list.error ?? error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Data connections">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Groups with access</Table.Th>
                <Table.Th>Usage</Table.Th>
                <Table.Th w={48}>
                  <span className="sr-only">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.dataConnections.map((c) => {
                const manage = c.allowedActions.includes('manage');
                return (
                  <Table.Tr key={c.id} data-testid={`connection-${c.name}`}>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Text fw={500} size="sm">
                          {c.name}
                        </Text>
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
                      <Text size="xs" c="dimmed">
                        {describe(c)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{TYPE_LABEL[c.type] ?? c.type}</Text>
                    </Table.Td>
                    <Table.Td>
                      <GroupBadges access={c.access} />
                    </Table.Td>
                    <Table.Td>
                      <UsageLink count={c.usageCount} usagePath={`/workspaces/${ws.id}/data-connections/${c.id}/usage`} assetName={c.name} />
                    </Table.Td>
                    <Table.Td>
                      {manage && (
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${c.name}`}>
                              <IconDots size={18} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item leftSection={<IconStar size={16} />} disabled={c.isDefault} onClick={() => void setDefault(c)}>
                              Set as default
                            </Menu.Item>
                            <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setEditing(c)}>
                              Edit
                            </Menu.Item>
                            <Menu.Divider />
                            <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => setDeleting(c)}>
                              Delete
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          {list.data.dataConnections.length === 0 && <Empty>No data connections shared with you yet.</Empty>}
        </Table.ScrollContainer>
      )}
      {editing && <ConnectionModal connection={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={changed} />}
      {deleting && (
        <DeleteAssetModal
          opened
          onClose={() => setDeleting(null)}
          path={`/workspaces/${ws.id}/data-connections/${deleting.id}`}
          name={deleting.name}
          kindLabel="Data connection"
          onDeleted={() => {
            notifications.show({ message: `${deleting.name} was deleted.`, color: 'teal' });
            void changed();
          }}
        />
      )}
    </Stack>
  );
}

function describe(c: DataConnection): string {
  const cfg = c.config;
  if (c.type === 'sqlite' || c.type === 'duckdb') return String(cfg.path ?? '');
  return `${String(cfg.user ?? '')}@${String(cfg.host ?? '')}:${String(cfg.port ?? '')}/${String(cfg.database ?? '')}`;
}
