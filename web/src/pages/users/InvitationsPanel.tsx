/**
 * Members join by invitation: an admin invites an email and gets a one-time link to send; the
 * invitee sets their own password (or, with an account already, accepts signed in). The link is
 * shown once — only its hash is kept — and pending invitations can be revoked.
 */
import { Alert, Badge, Button, CopyButton, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconCheck, IconCopy, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { client, unwrap } from '../../api/client';
import { keys } from '../../api/keys';
import type { CreatedInvitation, Invitation, Role } from '../../api/models';
import { useChange, useInvitations } from '../../api/queries';
import { formatTime, SectionIntro } from '../../components/common';
import { FormModal } from '../../components/FormModal';
import { ResourceTable } from '../../components/ResourceTable';
import { useWorkspace } from '../../session';
import { ROLES } from './roles';

const STATUS_COLOR: Record<Invitation['status'], string> = { pending: 'blue', accepted: 'teal', revoked: 'gray', expired: 'orange' };

export function InvitationsPanel() {
  const ws = useWorkspace();
  const invitations = useInvitations(ws.id);
  const revoke = useChange(
    (id: string) => unwrap(client.DELETE('/api/v1/workspaces/{ws}/invitations/{id}', { params: { path: { ws: ws.id, id } } })),
    (qc) => qc.invalidateQueries({ queryKey: keys.invitations(ws.id) }),
  );
  return (
    <Stack>
      <SectionIntro title="Invitations">Invited people become members when they open their link. A link works once, until it expires.</SectionIntro>
      <ResourceTable
        label="Invitations"
        query={invitations}
        rows={(d) => d.invitations}
        rowKey={(i) => i.id}
        rowName={(i) => i.email}
        minWidth={600}
        empty="No invitations yet."
        columns={[
          { header: 'Email', render: (i) => <Text size="sm">{i.email}</Text> },
          { header: 'Role', width: 110, render: (i) => <Text size="sm">{i.role}</Text> },
          { header: 'Status', width: 110, render: (i) => <Badge color={STATUS_COLOR[i.status]} variant="light">{i.status}</Badge> },
          { header: 'Expires', render: (i) => <Text size="sm">{i.status === 'pending' ? formatTime(i.expiresAt) : '—'}</Text> },
        ]}
        actions={[{ label: 'Revoke', icon: <IconX size={16} />, color: 'red', when: (i) => i.status === 'pending', onClick: (i) => revoke.mutate(i.id) }]}
      />
    </Stack>
  );
}

/** Invite someone: email and role; then the link, shown once, to copy and send. */
export function InviteModal({ onClose }: { onClose(): void }) {
  const ws = useWorkspace();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const invite = useChange(
    () => unwrap(client.POST('/api/v1/workspaces/{ws}/invitations', { params: { path: { ws: ws.id } }, body: { email, role } })),
    (qc) => qc.invalidateQueries({ queryKey: keys.invitations(ws.id) }),
  );
  if (created) {
    const link = `${window.location.origin}${created.acceptPath}`;
    return (
      <FormModal
        title="Invitation link"
        onClose={onClose}
        onSubmit={onClose}
        submitLabel="Done"
        footer={
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        }
      >
        <Alert color="blue" title="Copy this link now">
          Send it to {created.invitation.email}. It is shown only once and works until {formatTime(created.invitation.expiresAt)}.
        </Alert>
        <Group gap="xs" wrap="nowrap">
          <TextInput aria-label="Invitation link" value={link} readOnly style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
          <CopyButton value={link}>
            {({ copied, copy }) => (
              <Button variant="light" leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
      </FormModal>
    );
  }
  return (
    <FormModal title="Invite user" onClose={onClose} onSubmit={() => invite.mutate(undefined, { onSuccess: setCreated })} submitLabel="Create invitation" busy={invite.isPending} error={invite.error} errorTitle="Could not invite">
      <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus />
      <Select label="Role" data={ROLES} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} />
      <Text size="xs" c="dimmed">
        They choose their own password when they open the link. Someone who already has an Atrium account accepts it signed in.
      </Text>
    </FormModal>
  );
}
