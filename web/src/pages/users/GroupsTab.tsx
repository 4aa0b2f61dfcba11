/** Groups: the built-in ones (membership follows from roles) and custom ones with explicit members. */
import { Badge, Button, Group, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { client, unwrap } from '../../api/client';
import { invalidate } from '../../api/keys';
import { useChange, useGroups } from '../../api/queries';
import type { BuiltinGroup, CustomGroup } from '../../api/models';
import { AddButton, SectionIntro } from '../../components/common';
import { FormModal } from '../../components/FormModal';
import { useImpactConfirm } from '../../components/ImpactConfirm';
import { ResourceTable } from '../../components/ResourceTable';
import { useSession, useWorkspace } from '../../session';
import { GroupMembersModal } from './GroupMembersModal';
import { memberCalls } from './members-api';

export function GroupsTab() {
  const ws = useWorkspace();
  const { can } = useSession();
  const qc = useQueryClient();
  const groups = useGroups(ws.id);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const confirm = useImpactConfirm();
  const manage = can('manage_groups');
  const calls = memberCalls(qc, ws.id);
  const removeGroup = (g: CustomGroup) =>
    confirm.run({
      title: `Delete group ${g.name}`,
      what: 'Deleting this group',
      confirmLabel: 'Delete group',
      always: true,
      preview: () => calls.previewGroupDeletion(g.id),
      apply: async () => {
        await calls.deleteGroup(g.id);
        setSelected(null);
      },
    });
  return (
    <Stack>
      <SectionIntro action={manage && <AddButton label="New group" onClick={() => setCreating(true)} />}>Built-in groups follow from roles. Custom groups have explicit members.</SectionIntro>
      {confirm.element}
      <ResourceTable
        label="Groups"
        query={groups}
        rows={(d) => [...d.builtin, ...d.custom]}
        empty="No groups."
        columns={[
          { header: 'Group', render: (g) => <GroupName group={g} onOpen={() => setSelected(g.id)} /> },
          { header: 'Members', render: (g) => (g.builtin ? <Text size="sm" c="dimmed">by role</Text> : g.memberCount) },
        ]}
        actions={[{ label: 'Delete group', icon: <IconTrash size={16} />, color: 'red', when: (g) => manage && !g.builtin, onClick: (g) => !g.builtin && void removeGroup(g) }]}
      />
      {creating && <CreateGroupModal onClose={() => setCreating(false)} />}
      {selected && <GroupMembersModal groupId={selected} manage={manage} onClose={() => setSelected(null)} />}
    </Stack>
  );
}

function GroupName({ group, onOpen }: { group: BuiltinGroup | CustomGroup; onOpen(): void }) {
  return (
    <>
      {group.builtin ? (
        <Group gap="xs">
          <Text size="sm" fw={500}>
            {group.name}
          </Text>
          <Badge size="xs" variant="light" color="gray">
            built-in
          </Badge>
        </Group>
      ) : (
        <Button variant="subtle" size="compact-sm" px={0} onClick={onOpen}>
          {group.name}
        </Button>
      )}
      {group.description && (
        <Text size="xs" c="dimmed">
          {group.description}
        </Text>
      )}
    </>
  );
}

function CreateGroupModal({ onClose }: { onClose(): void }) {
  const ws = useWorkspace();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useChange(() => unwrap(client.POST('/api/v1/workspaces/{ws}/groups', { params: { path: { ws: ws.id } }, body: { name, description } })), (qc) => invalidate.access(qc, ws.id));
  return (
    <FormModal title="New group" onClose={onClose} onSubmit={() => create.mutate(undefined, { onSuccess: onClose })} submitLabel="Create group" busy={create.isPending} error={create.error}>
      <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
      <Textarea label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
    </FormModal>
  );
}
