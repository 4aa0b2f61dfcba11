/** Members of the workspace: invitations, roles (changed with a preview of who would lose access) and removal. */
import { Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconTrash, IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useMembers } from '../../api/queries';
import type { Member, Role } from '../../api/models';
import { AddButton, formatTime, NameCell, plural, RoleBadge, SectionIntro } from '../../components/common';
import { useImpactConfirm } from '../../components/ImpactConfirm';
import { ResourceTable } from '../../components/ResourceTable';
import { useSession, useWorkspace } from '../../session';
import { InvitationsPanel, InviteModal } from './InvitationsPanel';
import { memberCalls } from './members-api';
import { ROLES } from './roles';


export function MembersTab() {
  const ws = useWorkspace();
  const { can, me } = useSession();
  const qc = useQueryClient();
  const members = useMembers(ws.id);
  const [adding, setAdding] = useState(false);
  const confirm = useImpactConfirm();
  const manage = can('manage_members');
  const calls = memberCalls(qc, ws.id);

  const changeRole = (m: Member, role: Role) =>
    confirm.run({
      title: `Change ${m.email} to ${role}`,
      what: 'This role change',
      preview: () => calls.previewRole(m.userId, role),
      apply: async () => {
        await calls.setRole(m.userId, role);
        notifications.show({ message: `${m.email} is now ${role}.`, color: 'teal' });
      },
    });

  const removeMember = (m: Member) =>
    confirm.run({
      title: `Remove ${m.email} from the workspace`,
      what: 'Removing this member',
      confirmLabel: 'Remove member',
      always: true,
      preview: () => calls.previewRemoval(m.userId),
      apply: () => calls.remove(m.userId),
    });

  return (
    <Stack>
      <SectionIntro action={manage && <AddButton label="Invite user" icon={<IconUserPlus size={16} />} onClick={() => setAdding(true)} />}>
        {members.data ? `${plural(members.data.members.length, 'member')}. A member’s role caps what they can do in any project.` : ''}
      </SectionIntro>
      {confirm.element}
      <ResourceTable
        label="Members"
        query={members}
        rows={(d) => d.members}
        rowKey={(m) => m.userId}
        rowName={(m) => m.email}
        minWidth={600}
        empty="No members."
        columns={[
          { header: 'Name', render: (m) => <NameCell name={m.name} detail={m.email} /> },
          {
            header: 'Role',
            width: 170,
            render: (m) =>
              manage ? (
                <Select aria-label={`Role of ${m.email}`} size="xs" data={ROLES} value={m.role} allowDeselect={false} onChange={(v) => v && v !== m.role && void changeRole(m, v as Role)} />
              ) : (
                <RoleBadge role={m.role} />
              ),
          },
          { header: 'Joined', render: (m) => <Text size="sm">{formatTime(m.joinedAt)}</Text> },
        ]}
        actions={[{ label: 'Remove from workspace', icon: <IconTrash size={16} />, color: 'red', when: (m) => manage && m.userId !== me?.user.id, onClick: (m) => void removeMember(m) }]}
      />
      {manage && <InvitationsPanel />}
      {adding && <InviteModal onClose={() => setAdding(false)} />}
    </Stack>
  );
}
