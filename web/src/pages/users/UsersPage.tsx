/**
 * Users and groups: members and their roles, custom groups and their members. Role changes,
 * removals and group deletions preview who would lose access (dryRun), then ask (rule 7).
 */
import { IconUsers, IconUsersGroup } from '@tabler/icons-react';
import { PageHeader } from '../../components/common';
import { TabbedPaper } from '../../components/TabbedPaper';
import { GroupsTab } from './GroupsTab';
import { MembersTab } from './MembersTab';

export function UsersPage() {
  return (
    <>
      <PageHeader title="Users and groups" description="Roles decide the most a member can do; groups decide which shared assets they can use." />
      <TabbedPaper
        tabs={[
          { value: 'members', label: 'Members', icon: <IconUsers size={16} />, panel: <MembersTab /> },
          { value: 'groups', label: 'Groups', icon: <IconUsersGroup size={16} />, panel: <GroupsTab /> },
        ]}
      />
    </>
  );
}
