/**
 * Share a project with a user, a group, the workspace or the web. A grant that would leave
 * someone downgraded (they lack access to an asset the project imports) is refused with
 * asset_access_required: the dialog shows who and why, and asks before repeating with confirm.
 */
import { ActionIcon, Alert, Button, Divider, Group, List, Modal, SegmentedControl, Select, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconTrash, IconUser, IconUsers, IconUsersGroup, IconWorld } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { api, ApiError } from '../api/client';
import { useLoad } from '../api/hooks';
import type { AffectedUser, Grant, GrantLevel, GrantSubject, Project } from '../api/types';
import { ErrorAlert, levelLabel, Loading } from '../components/common';
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

interface Pending {
  key: string;
  label: string;
  level: GrantLevel;
  affected: AffectedUser[];
  message: string;
}

export function ShareDialog({ project, onClose, onChanged }: { project: Project; onClose(): void; onChanged(): Promise<void> }) {
  const dir = useDirectory();
  const grants = useLoad(() => api.get<{ grants: Grant[] }>(`/projects/${project.id}/grants`), [project.id]);
  const [kind, setKind] = useState<SubjectKind>('user');
  const [who, setWho] = useState<string | null>(null);
  const [level, setLevel] = useState<GrantLevel>('can_view');
  const [pending, setPending] = useState<Pending | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const userOptions = useMemo(() => dir.members.map((m) => ({ value: m.userId, label: `${m.name} (${m.email}) · ${m.role}` })), [dir.members]);
  const groupOptions = useMemo(() => dir.groups.custom.map((g) => ({ value: g.id, label: g.name })), [dir.groups]);

  const target = (): { key: string; label: string } | null => {
    if (kind === 'workspace') return { key: 'group:workspace', label: 'Everyone in the workspace' };
    if (kind === 'public') return { key: 'public', label: 'Anyone on the web' };
    if (!who) return null;
    if (kind === 'user') return { key: `user:${who}`, label: dir.userLabel(who) };
    return { key: `group:${who}`, label: dir.groupLabel(who) };
  };

  const put = async (key: string, label: string, lvl: GrantLevel, confirm: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await api.put(`/projects/${project.id}/grants/${encodeURIComponent(key)}`, { level: lvl, ...(confirm ? { confirm: true } : {}) });
      setPending(null);
      setWho(null);
      await grants.reload();
      await onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'asset_access_required' && Array.isArray(e.details.affectedUsers)) {
        setPending({ key, label, level: lvl, affected: e.details.affectedUsers as AffectedUser[], message: e.message });
      } else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (g: Grant) => {
    setError(null);
    try {
      await api.del(`/projects/${project.id}/grants/${encodeURIComponent(subjectKey(g.subject))}`);
      await grants.reload();
      await onChanged();
    } catch (e) {
      setError(e);
    }
  };

  const t = target();
  const levelOptions = kind === 'public' ? LEVELS.slice(0, 1) : LEVELS;

  return (
    <Modal opened onClose={onClose} title={`Share “${project.name}”`} size="xl">
      <Stack>
        <SegmentedControl
          value={kind}
          onChange={(v) => {
            setKind(v as SubjectKind);
            setWho(null);
            setPending(null);
            if (v === 'public') setLevel('can_view');
          }}
          data={[
            { value: 'user', label: <Group gap={6} wrap="nowrap"><IconUser size={16} />User</Group> },
            { value: 'group', label: <Group gap={6} wrap="nowrap"><IconUsersGroup size={16} />Group</Group> },
            { value: 'workspace', label: <Group gap={6} wrap="nowrap"><IconUsers size={16} />Workspace</Group> },
            { value: 'public', label: <Group gap={6} wrap="nowrap"><IconWorld size={16} />Web</Group> },
          ]}
          aria-label="Share with"
          fullWidth
        />
        <Group align="flex-end" wrap="wrap" gap="sm">
          {kind === 'user' && <Select label="Member" placeholder="Choose a member" data={userOptions} value={who} onChange={(v) => { setWho(v); setPending(null); }} searchable style={{ flex: 1, minWidth: 240 }} />}
          {kind === 'group' && <Select label="Custom group" placeholder={groupOptions.length ? 'Choose a group' : 'No custom groups'} data={groupOptions} value={who} onChange={(v) => { setWho(v); setPending(null); }} searchable style={{ flex: 1, minWidth: 240 }} />}
          {kind === 'workspace' && <Text size="sm" style={{ flex: 1 }}>Everyone in the workspace except guests.</Text>}
          {kind === 'public' && <Text size="sm" style={{ flex: 1 }}>Anyone with the link, signed in or not, can view the project and its results.</Text>}
          <Select label="Level" data={levelOptions} value={level} onChange={(v) => { if (v) { setLevel(v as GrantLevel); setPending(null); } }} w={150} allowDeselect={false} />
          <Button disabled={!t || !!pending} loading={busy && !pending} onClick={() => t && void put(t.key, t.label, level, false)}>
            Share
          </Button>
        </Group>

        {pending && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={20} />} title="They would only be able to view this project" role="alert">
            <Stack gap="sm">
              <Text size="sm">
                Sharing with <b>{pending.label}</b> as <b>{levelLabel(pending.level)}</b>: {pending.affected.length === 1 ? 'this person lacks' : 'these people lack'} access to assets the project uses, so they would be downgraded to Can view until an admin gives them access.
              </Text>
              <Table withTableBorder fz="sm" aria-label="Downgraded users">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>User</Table.Th>
                    <Table.Th>Would get</Table.Th>
                    <Table.Th>Effective</Table.Th>
                    <Table.Th>Missing access to</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {pending.affected.map((a) => (
                    <Table.Tr key={a.userId}>
                      <Table.Td>{dir.userLabel(a.userId)}</Table.Td>
                      <Table.Td>{levelLabel(a.granted)}</Table.Td>
                      <Table.Td>
                        <b>{levelLabel(a.effective)}</b>
                      </Table.Td>
                      <Table.Td>{a.missingAssets.map((id) => dir.assetLabel(id)).join(', ')}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setPending(null)}>
                  Don’t share
                </Button>
                <Button color="orange" loading={busy} onClick={() => void put(pending.key, pending.label, pending.level, true)}>
                  Share anyway
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        <ErrorAlert error={error} />
        <Divider label="Who has access" labelPosition="left" />
        {grants.loading && !grants.data && <Loading />}
        <ErrorAlert error={grants.error} />
        {grants.data && (
          <Table aria-label="Project sharing" fz="sm">
            <Table.Tbody>
              {grants.data.grants.map((g) => (
                <Table.Tr key={subjectKey(g.subject)}>
                  <Table.Td>
                    <Group gap={8} wrap="nowrap">
                      {g.subject.type === 'public' ? <IconWorld size={16} /> : g.subject.type === 'group' ? <IconUsersGroup size={16} /> : <IconUser size={16} />}
                      <Text size="sm">{g.subject.type === 'user' ? dir.userLabel(g.subject.userId) : g.label}</Text>
                    </Group>
                  </Table.Td>
                  <Table.Td w={170}>
                    <Select
                      aria-label={`Level for ${g.label}`}
                      size="xs"
                      data={g.subject.type === 'public' ? LEVELS.slice(0, 1) : LEVELS}
                      value={g.level}
                      allowDeselect={false}
                      onChange={(v) => v && v !== g.level && void put(subjectKey(g.subject), g.label, v as GrantLevel, false)}
                    />
                  </Table.Td>
                  <Table.Td w={48}>
                    <Tooltip label="Remove access">
                      <ActionIcon variant="subtle" color="red" aria-label={`Remove ${g.label}`} onClick={() => void remove(g)}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <List size="xs" c="dimmed">
          <List.Item>Viewers are capped at Can view; guests are not part of “Workspace”.</List.Item>
          <List.Item>Admins can always manage sharing.</List.Item>
        </List>
      </Stack>
    </Modal>
  );
}
