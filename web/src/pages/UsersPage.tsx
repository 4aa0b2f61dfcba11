/**
 * Users and groups: members and their roles, custom groups and their members. Role changes and
 * removals preview who would lose access (dryRun), then ask (rule 7).
 */
import { ActionIcon, Badge, Button, Group, Modal, MultiSelect, Paper, PasswordInput, Select, Stack, Table, Tabs, Text, Textarea, TextInput, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash, IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../api/client';
import { useLoad } from '../api/hooks';
import type { GroupMember, GroupsList, ImpactRow, Member, Role } from '../api/types';
import { ErrorAlert, formatTime, Loading, PageHeader, RoleBadge } from '../components/common';
import { ImpactWarning, impactOf } from '../components/impact';
import { useDirectory, useSession, useWorkspace } from '../session';

const ROLES: { value: Role; label: string }[] = [
  { value: 'admin', label: 'Admin' },
  { value: 'editor', label: 'Editor' },
  { value: 'viewer', label: 'Viewer' },
  { value: 'guest', label: 'Guest' },
];

/** A change with a preview: `preview()` returns the impact; `apply(confirm)` makes it. */
interface Confirmable {
  title: string;
  what: string;
  impact: ImpactRow[];
  apply(): Promise<void>;
}

export function UsersPage() {
  const [pendingChange, setPendingChange] = useState<Confirmable | null>(null);
  return (
    <>
      <PageHeader title="Users and groups" description="Roles decide the most a member can do; groups decide which shared assets they can use." />
      <Paper withBorder radius="md">
        <Tabs defaultValue="members">
          <Tabs.List px="md" pt="xs">
            <Tabs.Tab value="members">Members</Tabs.Tab>
            <Tabs.Tab value="groups">Groups</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="members" p="md">
            <MembersTab confirm={setPendingChange} />
          </Tabs.Panel>
          <Tabs.Panel value="groups" p="md">
            <GroupsTab confirm={setPendingChange} />
          </Tabs.Panel>
        </Tabs>
      </Paper>
      {pendingChange && <ConfirmImpactModal change={pendingChange} onClose={() => setPendingChange(null)} />}
    </>
  );
}

function ConfirmImpactModal({ change, onClose }: { change: Confirmable; onClose(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Modal opened onClose={onClose} title={change.title} size="xl">
      <Stack>
        <ImpactWarning impact={change.impact} what={change.what} />
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="orange"
            loading={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await change.apply();
                onClose();
              } catch (e) {
                setError(e);
              } finally {
                setBusy(false);
              }
            }}
          >
            Continue anyway
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function MembersTab({ confirm }: { confirm(c: Confirmable): void }) {
  const ws = useWorkspace();
  const dir = useDirectory();
  const { can, me } = useSession();
  const members = useLoad(() => api.get<{ members: Member[] }>(`/workspaces/${ws.id}/members`), [ws.id]);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const manage = can('manage_members');
  const changed = async () => {
    await members.reload();
    await dir.reload();
  };

  const changeRole = async (m: Member, role: Role) => {
    setError(null);
    try {
      const preview = await api.patch<{ impact: ImpactRow[] }>(`/workspaces/${ws.id}/members/${m.userId}`, { role, dryRun: true });
      const apply = async () => {
        await api.patch(`/workspaces/${ws.id}/members/${m.userId}`, { role, confirm: true });
        notifications.show({ message: `${m.email} is now ${role}.`, color: 'teal' });
        await changed();
      };
      if (preview.impact.length) confirm({ title: `Change ${m.email} to ${role}`, what: 'This role change', impact: preview.impact, apply });
      else await apply();
    } catch (e) {
      setError(e);
    }
  };

  const removeMember = async (m: Member) => {
    setError(null);
    try {
      const preview = await api.del<{ impact: ImpactRow[] }>(`/workspaces/${ws.id}/members/${m.userId}`, { dryRun: true });
      confirm({
        title: `Remove ${m.email} from the workspace`,
        what: 'Removing this member',
        impact: preview.impact,
        apply: async () => {
          await api.del(`/workspaces/${ws.id}/members/${m.userId}`, { confirm: true });
          await changed();
        },
      });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {members.data ? `${members.data.members.length} members` : ''}
        </Text>
        {manage && (
          <Button leftSection={<IconUserPlus size={16} />} onClick={() => setAdding(true)}>
            Add user
          </Button>
        )}
      </Group>
      <ErrorAlert error={members.error ?? error} />
      {members.loading && !members.data && <Loading />}
      {members.data && (
        <Table.ScrollContainer minWidth={600}>
          <Table aria-label="Members">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Joined</Table.Th>
                <Table.Th w={48} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.data.members.map((m) => (
                <Table.Tr key={m.userId}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {m.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {m.email}
                    </Text>
                  </Table.Td>
                  <Table.Td w={170}>
                    {manage ? (
                      <Select aria-label={`Role of ${m.email}`} size="xs" data={ROLES} value={m.role} allowDeselect={false} onChange={(v) => v && v !== m.role && void changeRole(m, v as Role)} />
                    ) : (
                      <RoleBadge role={m.role} />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatTime(m.joinedAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {manage && m.userId !== me?.user.id && (
                      <Tooltip label="Remove from workspace">
                        <ActionIcon variant="subtle" color="red" aria-label={`Remove ${m.email}`} onClick={() => void removeMember(m)}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {adding && <AddMemberModal onClose={() => setAdding(false)} onAdded={changed} />}
    </Stack>
  );
}

function AddMemberModal({ onClose, onAdded }: { onClose(): void; onAdded(): Promise<void> }) {
  const ws = useWorkspace();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/workspaces/${ws.id}/members`, { email, role, ...(name ? { name } : {}), ...(password ? { password } : {}) });
      await onAdded();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title="Add user">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus />
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Select label="Role" data={ROLES} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} />
          <PasswordInput label="Initial password" description="Only for a new user; an existing user keeps theirs" value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="subtle" color="gray" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Add user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function GroupsTab({ confirm }: { confirm(c: Confirmable): void }) {
  const ws = useWorkspace();
  const dir = useDirectory();
  const { can } = useSession();
  const groups = useLoad(() => api.get<GroupsList>(`/workspaces/${ws.id}/groups`), [ws.id]);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const manage = can('manage_groups');
  const changed = async () => {
    await groups.reload();
    await dir.reload();
  };
  const removeGroup = async (id: string, name: string) => {
    setError(null);
    try {
      const preview = await api.del<{ impact: ImpactRow[] }>(`/workspaces/${ws.id}/groups/${id}`, { dryRun: true });
      confirm({
        title: `Delete group ${name}`,
        what: 'Deleting this group',
        impact: preview.impact,
        apply: async () => {
          await api.del(`/workspaces/${ws.id}/groups/${id}`, { confirm: true });
          setSelected(null);
          await changed();
        },
      });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Built-in groups follow from roles. Custom groups have explicit members.
        </Text>
        {manage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New group
          </Button>
        )}
      </Group>
      <ErrorAlert error={groups.error ?? error} />
      {groups.loading && !groups.data && <Loading />}
      {groups.data && (
        <Table aria-label="Groups">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Group</Table.Th>
              <Table.Th>Members</Table.Th>
              <Table.Th w={48} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {groups.data.builtin.map((g) => (
              <Table.Tr key={g.id}>
                <Table.Td>
                  <Group gap="xs">
                    <Text size="sm" fw={500}>
                      {g.name}
                    </Text>
                    <Badge size="xs" variant="light" color="gray">
                      built-in
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed">
                    {g.description}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    by role
                  </Text>
                </Table.Td>
                <Table.Td />
              </Table.Tr>
            ))}
            {groups.data.custom.map((g) => (
              <Table.Tr key={g.id}>
                <Table.Td>
                  <Button variant="subtle" size="compact-sm" px={0} onClick={() => setSelected(g.id)}>
                    {g.name}
                  </Button>
                  {g.description && (
                    <Text size="xs" c="dimmed">
                      {g.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{g.memberCount ?? 0}</Table.Td>
                <Table.Td>
                  {manage && (
                    <Tooltip label="Delete group">
                      <ActionIcon variant="subtle" color="red" aria-label={`Delete group ${g.name}`} onClick={() => void removeGroup(g.id, g.name)}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {creating && <CreateGroupModal onClose={() => setCreating(false)} onCreated={changed} />}
      {selected && <GroupMembersModal groupId={selected} manage={manage} onClose={() => setSelected(null)} onChanged={changed} confirm={confirm} />}
    </Stack>
  );
}

function CreateGroupModal({ onClose, onCreated }: { onClose(): void; onCreated(): Promise<void> }) {
  const ws = useWorkspace();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    try {
      await api.post(`/workspaces/${ws.id}/groups`, { name, description });
      await onCreated();
      onClose();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Modal opened onClose={onClose} title="New group">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <Textarea label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="subtle" color="gray" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Create group</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function GroupMembersModal({ groupId, manage, onClose, onChanged, confirm }: { groupId: string; manage: boolean; onClose(): void; onChanged(): Promise<void>; confirm(c: Confirmable): void }) {
  const ws = useWorkspace();
  const dir = useDirectory();
  const group = useLoad(() => api.get<{ id: string; name: string; description: string; members: GroupMember[] }>(`/workspaces/${ws.id}/groups/${groupId}`), [ws.id, groupId]);
  const [toAdd, setToAdd] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const inGroup = new Set(group.data?.members.map((m) => m.userId));
  const add = async () => {
    setError(null);
    try {
      await api.post(`/workspaces/${ws.id}/groups/${groupId}/members`, { userIds: toAdd });
      setToAdd([]);
      await group.reload();
      await onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (m: GroupMember) => {
    setError(null);
    try {
      const preview = await api.post<{ impact: ImpactRow[] }>(`/workspaces/${ws.id}/groups/${groupId}/members/remove`, { userIds: [m.userId], dryRun: true });
      const apply = async () => {
        await api.post(`/workspaces/${ws.id}/groups/${groupId}/members/remove`, { userIds: [m.userId], confirm: true });
        await group.reload();
        await onChanged();
      };
      if (preview.impact.length) confirm({ title: `Remove ${m.email} from ${group.data?.name}`, what: 'Removing this member from the group', impact: preview.impact, apply });
      else await apply();
    } catch (e) {
      const rows = impactOf(e);
      if (!rows) setError(e);
    }
  };
  return (
    <Modal opened onClose={onClose} title={group.data ? `Group: ${group.data.name}` : 'Group'} size="lg">
      <Stack>
        {group.loading && !group.data && <Loading />}
        <ErrorAlert error={group.error ?? error} />
        {manage && (
          <Group align="flex-end" gap="sm">
            <MultiSelect
              label="Add members"
              placeholder="Choose members"
              data={dir.members.filter((m) => !inGroup.has(m.userId)).map((m) => ({ value: m.userId, label: `${m.name} (${m.email})` }))}
              value={toAdd}
              onChange={setToAdd}
              searchable
              style={{ flex: 1 }}
            />
            <Button disabled={!toAdd.length} onClick={() => void add()}>
              Add
            </Button>
          </Group>
        )}
        {group.data && (
          <Table aria-label="Group members">
            <Table.Tbody>
              {group.data.members.map((m) => (
                <Table.Tr key={m.userId}>
                  <Table.Td>
                    <Text size="sm">{m.name}</Text>
                    <Text size="xs" c="dimmed">
                      {m.email}
                    </Text>
                  </Table.Td>
                  <Table.Td w={48}>
                    {manage && (
                      <ActionIcon variant="subtle" color="red" aria-label={`Remove ${m.email} from the group`} onClick={() => void remove(m)}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {group.data && group.data.members.length === 0 && (
          <Text size="sm" c="dimmed">
            No members yet.
          </Text>
        )}
      </Stack>
    </Modal>
  );
}
