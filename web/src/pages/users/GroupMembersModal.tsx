/** A custom group's members: add some, or remove one after a preview of who would lose access. */
import { Button, Group, Modal, MultiSelect, Stack } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useGroup } from '../../api/queries';
import type { GroupMember } from '../../api/models';
import { ErrorAlert, NameCell } from '../../components/common';
import { useImpactConfirm } from '../../components/ImpactConfirm';
import { ResourceTable } from '../../components/ResourceTable';
import { useDirectory, useWorkspace } from '../../session';
import { memberCalls } from './members-api';

export function GroupMembersModal({ groupId, manage, onClose }: { groupId: string; manage: boolean; onClose(): void }) {
  const ws = useWorkspace();
  const dir = useDirectory();
  const qc = useQueryClient();
  const group = useGroup(ws.id, groupId);
  const [toAdd, setToAdd] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const calls = memberCalls(qc, ws.id);
  const confirm = useImpactConfirm();
  const inGroup = new Set(group.data?.members.map((m) => m.userId));
  const add = async () => {
    setError(null);
    try {
      await calls.addToGroup(groupId, toAdd);
      setToAdd([]);
    } catch (e) {
      setError(e);
    }
  };
  const remove = (m: GroupMember) =>
    confirm.run({
      title: `Remove ${m.email} from ${group.data?.name ?? 'the group'}`,
      what: 'Removing this member from the group',
      preview: () => calls.previewGroupRemoval(groupId, [m.userId]),
      apply: () => calls.removeFromGroup(groupId, [m.userId]),
    });
  return (
    <Modal opened onClose={onClose} title={group.data ? `Group: ${group.data.name}` : 'Group'} size="lg">
      <Stack>
        <ErrorAlert error={error} />
        {confirm.element}
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
        <ResourceTable
          label="Group members"
          query={group}
          rows={(d) => d.members}
          rowKey={(m) => m.userId}
          rowName={(m) => m.email}
          withHeader={false}
          empty="No members yet."
          columns={[{ header: 'Member', render: (m) => <NameCell name={m.name} detail={m.email} /> }]}
          actions={[{ label: 'Remove from the group', icon: <IconTrash size={16} />, color: 'red', when: () => manage, onClick: (m) => void remove(m) }]}
        />
      </Stack>
    </Modal>
  );
}
