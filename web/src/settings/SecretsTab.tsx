/** Settings › Workspace › Secrets: shared secrets (values are write-only), usage, groups. */
import { ActionIcon, Button, Group, Menu, Modal, MultiSelect, PasswordInput, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { api } from '../api/client';
import { useLoad } from '../api/hooks';
import type { ImpactRow, Secret } from '../api/types';
import { Empty, ErrorAlert, formatTime, GroupBadges, Loading } from '../components/common';
import { DeleteAssetModal, ImpactWarning, impactOf, UsageLink } from '../components/impact';
import { useDirectory, useWorkspace } from '../session';

export function SecretsTab() {
  const ws = useWorkspace();
  const dir = useDirectory();
  const list = useLoad(() => api.get<{ secrets: Secret[]; allowedActions: string[] }>(`/workspaces/${ws.id}/secrets`), [ws.id]);
  const [editing, setEditing] = useState<Secret | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Secret | null>(null);
  const changed = async () => {
    await list.reload();
    await dir.reload();
  };
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" maw={640}>
          Named, encrypted values. Imported into a project, a secret can be revealed by its editors who have access, and is injected into the project’s runtime environment.
        </Text>
        {list.data?.allowedActions.includes('manage_assets') && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New secret
          </Button>
        )}
      </Group>
      <ErrorAlert error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Secrets">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Groups with access</Table.Th>
                <Table.Th>Usage</Table.Th>
                <Table.Th>Updated</Table.Th>
                <Table.Th w={48}>
                  <span className="sr-only">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.secrets.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Text ff="monospace" size="sm" fw={500}>
                      {s.name}
                    </Text>
                    {s.description && (
                      <Text size="xs" c="dimmed">
                        {s.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">Secret · v{s.currentVersion}</Text>
                  </Table.Td>
                  <Table.Td>
                    <GroupBadges access={s.access} />
                  </Table.Td>
                  <Table.Td>
                    <UsageLink count={s.usageCount ?? 0} usagePath={`/workspaces/${ws.id}/secrets/${s.id}/usage`} assetName={s.name ?? 'secret'} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatTime(s.updatedAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {s.allowedActions?.includes('manage') && (
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${s.name}`}>
                            <IconDots size={18} />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setEditing(s)}>
                            Edit
                          </Menu.Item>
                          <Menu.Divider />
                          <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => setDeleting(s)}>
                            Delete
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {list.data.secrets.length === 0 && <Empty>No secrets shared with you yet.</Empty>}
        </Table.ScrollContainer>
      )}
      {editing && <SecretModal secret={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={changed} />}
      {deleting && (
        <DeleteAssetModal opened onClose={() => setDeleting(null)} path={`/workspaces/${ws.id}/secrets/${deleting.id}`} name={deleting.name ?? ''} kindLabel="Secret" onDeleted={() => void changed()} />
      )}
    </Stack>
  );
}

function SecretModal({ secret, onClose, onSaved }: { secret: Secret | null; onClose(): void; onSaved(): Promise<void> }) {
  const ws = useWorkspace();
  const dir = useDirectory();
  const [name, setName] = useState(secret?.name ?? '');
  const [description, setDescription] = useState(secret?.description ?? '');
  const [value, setValue] = useState('');
  const [access, setAccess] = useState<string[]>(secret?.access ?? ['workspace']);
  const [error, setError] = useState<unknown>(null);
  const [impact, setImpact] = useState<ImpactRow[] | null>(null);
  const [saving, setSaving] = useState(false);
  const groupOptions = useMemo(() => [...dir.groups.builtin, ...dir.groups.custom].map((g) => ({ value: g.id, label: g.name })), [dir.groups]);
  const accessChanged = secret ? [...access].sort().join(',') !== [...secret.access].sort().join(',') : false;

  const save = async (confirm: boolean) => {
    setSaving(true);
    setError(null);
    try {
      if (!secret) {
        await api.post(`/workspaces/${ws.id}/secrets`, { name: name.trim(), description, value, access });
      } else {
        if (!confirm) {
          await api.patch(`/workspaces/${ws.id}/secrets/${secret.id}`, { name: name.trim(), description, ...(value ? { value } : {}) });
        }
        if (accessChanged) await api.put(`/workspaces/${ws.id}/secrets/${secret.id}/access`, { access, ...(confirm ? { confirm: true } : {}) });
      }
      notifications.show({ message: `Secret ${name} saved.`, color: 'teal' });
      await onSaved();
      onClose();
    } catch (e) {
      const rows = impactOf(e);
      if (rows) setImpact(rows);
      else setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={secret ? `Edit ${secret.name}` : 'New secret'} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <Stack>
          <TextInput label="Name" description="An environment variable name, like DB_PASSWORD" required value={name} onChange={(e) => setName(e.currentTarget.value.toUpperCase())} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} data-autofocus />
          <Textarea label="Description" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <PasswordInput label="Value" required={!secret} description={secret ? 'Leave empty to keep the current value; a new value makes a new version' : 'Stored encrypted; never listed'} value={value} onChange={(e) => setValue(e.currentTarget.value)} autoComplete="new-password" />
          <MultiSelect label="Groups with access" data={groupOptions} value={access} onChange={(v) => { setAccess(v); setImpact(null); }} searchable clearable />
          <ErrorAlert error={error} />
          {impact && <ImpactWarning impact={impact} what="Changing the groups with access" />}
          <Group justify="flex-end">
            <Button variant="subtle" color="gray" onClick={onClose}>
              Cancel
            </Button>
            {impact ? (
              <Button color="orange" loading={saving} onClick={() => void save(true)}>
                Change access anyway
              </Button>
            ) : (
              <Button type="submit" loading={saving}>
                {secret ? 'Save changes' : 'Create secret'}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
