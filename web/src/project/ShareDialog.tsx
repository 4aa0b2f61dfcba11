/**
 * Share a project with a user, a group, the workspace or the web. A grant that would leave
 * someone downgraded (they lack access to an asset the project imports) is refused with
 * asset_access_required: the dialog shows who and why, and asks before repeating with confirm.
 */
import { Button, Divider, Group, List, Modal, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import type { QueryClient } from '@tanstack/react-query';
import { IconTrash, IconUser, IconUsers, IconUsersGroup, IconWorld } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { client, unwrap } from '../api/client';
import { invalidate } from '../api/keys';
import { useChange, useGrants } from '../api/queries';
import type { Grant, GrantLevel, GrantSubject, ImpactEntry, Project } from '../api/models';
import { ErrorAlert, levelLabel } from '../components/common';
import { ImpactConfirm, impactOf } from '../components/ImpactConfirm';
import { ResourceTable } from '../components/ResourceTable';
import { useDirectory } from '../session';

type SubjectKind = 'user' | 'group' | 'workspace' | 'public';

function subjectKey(s: GrantSubject): string {
  return s.type === 'public' ? 'public' : s.type === 'user' ? `user:${s.userId}` : `group:${s.groupId}`;
}

const LEVELS: { value: GrantLevel; label: string }[] = [
  { value: 'can_view', label: 'Can view' },
  { value: 'can_edit', label: 'Can edit' },
  { value: 'full_access', label: 'Full access' },
];

interface GrantChange {
  key: string;
  label: string;
  level: GrantLevel;
  confirm: boolean;
}

const KINDS = [
  { value: 'user', label: 'User', icon: IconUser },
  { value: 'group', label: 'Group', icon: IconUsersGroup },
  { value: 'workspace', label: 'Workspace', icon: IconUsers },
  { value: 'public', label: 'Web', icon: IconWorld },
].map(({ value, label, icon: Icon }) => ({
  value,
  label: (
    <Group gap={6} wrap="nowrap">
      <Icon size={16} />
      {label}
    </Group>
  ),
}));

export function ShareDialog({ project, onClose }: { project: Project; onClose(): void }) {
  const dir = useDirectory();
  const grants = useGrants(project.id);
  const [kind, setKind] = useState<SubjectKind>('user');
  const [who, setWho] = useState<string | null>(null);
  const [level, setLevel] = useState<GrantLevel>('can_view');
  const [pending, setPending] = useState<{ change: GrantChange; impact: ImpactEntry[] } | null>(null);
  const after = (qc: QueryClient) => invalidate.project(qc, project.workspaceId, project.id);
  const put = useChange(
    (c: GrantChange) =>
      unwrap(client.PUT('/api/v1/projects/{projectId}/grants/{subject}', { params: { path: { projectId: project.id, subject: c.key } }, body: { level: c.level, ...(c.confirm ? { confirm: true } : {}) } })),
    after,
  );
  const remove = useChange((g: Grant) => unwrap(client.DELETE('/api/v1/projects/{projectId}/grants/{subject}', { params: { path: { projectId: project.id, subject: subjectKey(g.subject) } } })), after);

  const share = (change: GrantChange) =>
    put.mutate(change, {
      onSuccess: () => {
        setPending(null);
        setWho(null);
      },
      onError: (e) => {
        const impact = impactOf(e, project.id);
        if (impact) {
          put.reset();
          setPending({ change, impact });
        }
      },
    });

  const userOptions = useMemo(() => dir.members.map((m) => ({ value: m.userId, label: `${m.name} (${m.email}) · ${m.role}` })), [dir.members]);
  const groupOptions = useMemo(() => dir.groups.custom.map((g) => ({ value: g.id, label: g.name })), [dir.groups]);
  const target = (): { key: string; label: string } | null => {
    if (kind === 'workspace') return { key: 'group:workspace', label: 'Everyone in the workspace' };
    if (kind === 'public') return { key: 'public', label: 'Anyone on the web' };
    if (!who) return null;
    if (kind === 'user') return { key: `user:${who}`, label: dir.userLabel(who) };
    return { key: `group:${who}`, label: dir.groupLabel(who) };
  };
  const t = target();
  const choose = (v: string | null) => {
    setWho(v);
    setPending(null);
  };

  return (
    <Modal opened onClose={onClose} title={`Share “${project.name}”`} size="xl">
      <Stack>
        <SegmentedControl
          value={kind}
          onChange={(v) => {
            setKind(v as SubjectKind);
            choose(null);
            if (v === 'public') setLevel('can_view');
          }}
          data={KINDS}
          aria-label="Share with"
          fullWidth
        />
        <Group align="flex-end" wrap="wrap" gap="sm">
          {kind === 'user' && <Select label="Member" placeholder="Choose a member" data={userOptions} value={who} onChange={choose} searchable style={{ flex: 1, minWidth: 240 }} />}
          {kind === 'group' && (
            <Select label="Custom group" placeholder={groupOptions.length ? 'Choose a group' : 'No custom groups'} data={groupOptions} value={who} onChange={choose} searchable style={{ flex: 1, minWidth: 240 }} />
          )}
          {kind === 'workspace' && (
            <Text size="sm" style={{ flex: 1 }}>
              Everyone in the workspace except guests.
            </Text>
          )}
          {kind === 'public' && (
            <Text size="sm" style={{ flex: 1 }}>
              Anyone with the link, signed in or not, can view the project and its results.
            </Text>
          )}
          <Select
            label="Level"
            data={kind === 'public' ? LEVELS.slice(0, 1) : LEVELS}
            value={level}
            onChange={(v) => {
              if (v) {
                setLevel(v as GrantLevel);
                setPending(null);
              }
            }}
            w={150}
            allowDeselect={false}
          />
          <Button disabled={!t || !!pending} loading={put.isPending && !pending} onClick={() => t && share({ ...t, level, confirm: false })}>
            Share
          </Button>
        </Group>
        {pending && (
          <ImpactConfirm
            impact={pending.impact}
            what="Sharing"
            title="They would only be able to view this project"
            summary={
              <>
                Sharing with <b>{pending.change.label}</b> as <b>{levelLabel(pending.change.level)}</b>: {pending.impact.length === 1 ? 'this person lacks' : 'these people lack'} access to assets the project uses, so they
                would be downgraded to Can view until an admin gives them access.
              </>
            }
            confirmLabel="Share anyway"
            cancelLabel="Don’t share"
            busy={put.isPending}
            onConfirm={() => share({ ...pending.change, confirm: true })}
            onCancel={() => setPending(null)}
          />
        )}
        <ErrorAlert error={put.error ?? remove.error} />
        <Divider label="Who has access" labelPosition="left" />
        <ResourceTable
          label="Project sharing"
          query={grants}
          rows={(d) => d.grants}
          rowKey={(g) => subjectKey(g.subject)}
          rowName={(g) => g.label}
          withHeader={false}
          fz="sm"
          empty="Nobody has been given access yet."
          columns={[
            { header: 'Who', render: (g) => <Subject grant={g} /> },
            {
              header: 'Level',
              width: 170,
              render: (g) => (
                <Select
                  aria-label={`Level for ${g.label}`}
                  size="xs"
                  data={g.subject.type === 'public' ? LEVELS.slice(0, 1) : LEVELS}
                  value={g.level}
                  allowDeselect={false}
                  onChange={(v) => v && v !== g.level && share({ key: subjectKey(g.subject), label: g.label, level: v as GrantLevel, confirm: false })}
                />
              ),
            },
          ]}
          actions={[{ label: 'Remove access', icon: <IconTrash size={16} />, color: 'red', onClick: (g) => remove.mutate(g) }]}
        />
        <List size="xs" c="dimmed">
          <List.Item>Viewers are capped at Can view; guests are not part of “Workspace”.</List.Item>
          <List.Item>Admins can always manage sharing.</List.Item>
        </List>
      </Stack>
    </Modal>
  );
}

function Subject({ grant: g }: { grant: Grant }) {
  const dir = useDirectory();
  const Icon = g.subject.type === 'public' ? IconWorld : g.subject.type === 'group' ? IconUsersGroup : IconUser;
  return (
    <Group gap={8} wrap="nowrap">
      <Icon size={16} />
      <Text size="sm">{g.subject.type === 'user' ? dir.userLabel(g.subject.userId) : g.label}</Text>
    </Group>
  );
}
