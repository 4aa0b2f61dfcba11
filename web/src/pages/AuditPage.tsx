/** The audit log (admins): newest first, filters, cursor pagination ("Load older events"). */
import { Button, Code, Group, Paper, Popover, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import { type FormEvent, useMemo, useState } from 'react';
import { type AuditFilters, useAuditEvents } from '../api/queries';
import type { AuditEvent } from '../api/models';
import { Loading, NameCell, PageHeader } from '../components/common';
import { ResourceTable } from '../components/ResourceTable';
import { useDirectory, useWorkspace } from '../session';

interface Filters {
  action: string;
  actorId: string;
  targetType: string;
  since: string;
  until: string;
}

const EMPTY: Filters = { action: '', actorId: '', targetType: '', since: '', until: '' };
const PAGE = 50;

const TARGET_TYPES = ['data_connection', 'secret', 'project', 'group', 'user', 'workspace', 'api_token'];

export function AuditPage() {
  const ws = useWorkspace();
  const dir = useDirectory();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const query = useMemo<AuditFilters>(
    () => ({
      ...(filters.action.trim() ? { action: filters.action.trim() } : {}),
      ...(filters.actorId ? { actorId: filters.actorId } : {}),
      ...(filters.targetType ? { targetType: filters.targetType } : {}),
      ...(filters.since ? { since: new Date(filters.since).toISOString() } : {}),
      ...(filters.until ? { until: new Date(filters.until).toISOString() } : {}),
    }),
    [filters],
  );
  const audit = useAuditEvents(ws.id, query, PAGE);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
  };

  const actor = (ev: AuditEvent) => {
    const m = ev.actorId ? dir.members.find((x) => x.userId === ev.actorId) : undefined;
    if (m) {
      return <NameCell name={m.name} detail={m.email} />;
    }
    return <Text size="sm">{ev.actorId ?? (ev.actorType === 'system' ? 'System' : ev.actorType)}</Text>;
  };
  const target = (ev: AuditEvent) => {
    if (!ev.targetType) return '—';
    if (!ev.targetId) return ev.targetType;
    if (ev.targetType === 'workspace' && ev.targetId === ws.id) return `workspace: ${ws.name}`;
    const name = ev.targetType === 'project' ? dir.projectLabel(ev.targetId) : ev.targetType === 'user' ? dir.userLabel(ev.targetId) : ev.targetType === 'group' ? dir.groupLabel(ev.targetId) : dir.assetLabel(ev.targetId);
    const detailName = typeof ev.details.name === 'string' ? ev.details.name : null;
    return `${ev.targetType.replace('_', ' ')}: ${name !== ev.targetId ? name : (detailName ?? ev.targetId)}`;
  };

  return (
    <>
      <PageHeader title="Audit log" description="Every change and every secret reveal, newest first. The log is append-only and hash-chained; it never contains secret values." />
      <Paper withBorder radius="md" p="md" mb="md">
        <form onSubmit={apply} aria-label="Audit filters">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="sm">
            <TextInput label="Action" placeholder="e.g. data_connection.delete" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })} />
            <Select label="Actor" placeholder="Anyone" clearable searchable data={dir.members.map((m) => ({ value: m.userId, label: m.email }))} value={draft.actorId || null} onChange={(v) => setDraft({ ...draft, actorId: v ?? '' })} />
            <Select label="Target type" placeholder="Any" clearable data={TARGET_TYPES} value={draft.targetType || null} onChange={(v) => setDraft({ ...draft, targetType: v ?? '' })} />
            <TextInput label="From" type="datetime-local" value={draft.since} onChange={(e) => setDraft({ ...draft, since: e.currentTarget.value })} />
            <TextInput label="Until" type="datetime-local" value={draft.until} onChange={(e) => setDraft({ ...draft, until: e.currentTarget.value })} />
          </SimpleGrid>
          <Group justify="flex-end" mt="sm" gap="sm">
            <Button
              variant="subtle"
              color="gray"
              onClick={() => {
                setDraft(EMPTY);
                setFilters(EMPTY);
              }}
            >
              Clear
            </Button>
            <Button type="submit" leftSection={<IconFilter size={16} />}>
              Apply filters
            </Button>
          </Group>
        </form>
      </Paper>
      <Paper withBorder radius="md" px="md">
        <ResourceTable
          label="Audit events"
          query={audit}
          rows={(d) => d.pages.flatMap((page) => page.events)}
          rowKey={(ev) => ev.id}
          minWidth={800}
          fz="sm"
          empty="No events match."
          columns={[
            { header: 'When', render: (ev) => <span style={{ whiteSpace: 'nowrap' }}>{new Date(ev.at).toLocaleString()}</span> },
            { header: 'Actor', render: actor },
            { header: 'Action', render: (ev) => <ActionCode action={ev.action} /> },
            { header: 'Target', render: target },
            { header: 'Details', render: (ev) => <Details ev={ev} /> },
          ]}
        />
        {audit.isFetchingNextPage && <Loading />}
        {audit.hasNextPage && !audit.isFetching && (
          <Group justify="center" p="md">
            <Button variant="default" onClick={() => void audit.fetchNextPage()}>
              Load older events
            </Button>
          </Group>
        )}
      </Paper>
    </>
  );
}

function ActionCode({ action }: { action: string }) {
  const color = action.endsWith('.delete') || action.endsWith('remove') ? 'red.1' : action.includes('reveal') ? 'orange.1' : 'indigo.0';
  return (
    <Code color={color} fz="xs" style={{ whiteSpace: 'nowrap' }}>
      {action}
    </Code>
  );
}

function Details({ ev }: { ev: AuditEvent }) {
  const entries = Object.entries(ev.details);
  if (!entries.length) return <Text c="dimmed" size="sm">—</Text>;
  const show = (v: unknown): string => {
    if (Array.isArray(v)) return v.length ? v.map(show).join(', ') : '—';
    if (v && typeof v === 'object') return Object.values(v).map(show).join(' ');
    return String(v);
  };
  const summary = entries
    .slice(0, 3)
    .map(([k, v]) => `${k}: ${show(v)}`)
    .join(' · ');
  return (
    <Popover width={420} position="bottom-end" withArrow shadow="md">
      <Popover.Target>
        <Text size="xs" c="dimmed" style={{ cursor: 'pointer' }} lineClamp={2} maw={380} component="button" bg="transparent" bd="none" ta="left" p={0}>
          {summary}
        </Text>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={4}>
          <Code block fz="xs">
            {JSON.stringify(ev.details, null, 2)}
          </Code>
          <Text size="xs" c="dimmed">
            seq {ev.seq}
            {ev.requestId ? ` · request ${ev.requestId}` : ''}
            {ev.ip ? ` · ${ev.ip}` : ''}
          </Text>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
