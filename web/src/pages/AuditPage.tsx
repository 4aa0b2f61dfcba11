/** The audit log (admins): newest first, filters, cursor pagination ("Load older events"). */
import { Button, Code, Group, Paper, Popover, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { AuditEvent } from '../api/types';
import { Empty, ErrorAlert, Loading, PageHeader } from '../components/common';
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
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (f: Filters, before: number | null) => {
      setLoading(true);
      setError(null);
      try {
        const r = await api.get<{ events: AuditEvent[]; nextCursor: number | null }>(`/workspaces/${ws.id}/audit-events`, {
          action: f.action.trim() || undefined,
          actorId: f.actorId || undefined,
          targetType: f.targetType || undefined,
          since: f.since ? new Date(f.since).toISOString() : undefined,
          until: f.until ? new Date(f.until).toISOString() : undefined,
          cursor: before ?? undefined,
          limit: PAGE,
        });
        setEvents((prev) => (before ? [...prev, ...r.events] : r.events));
        setCursor(r.nextCursor);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [ws.id],
  );

  useEffect(() => {
    void load(filters, null);
  }, [filters, load]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
  };

  const actor = (ev: AuditEvent) => {
    const m = ev.actorId ? dir.members.find((x) => x.userId === ev.actorId) : undefined;
    if (m) {
      return (
        <>
          <Text size="sm">{m.name}</Text>
          <Text size="xs" c="dimmed">
            {m.email}
          </Text>
        </>
      );
    }
    return <Text size="sm">{ev.actorId ?? (ev.actorType === 'system' ? 'System' : ev.actorType)}</Text>;
  };
  const target = (ev: AuditEvent) => {
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
      <Paper withBorder radius="md">
        <ErrorAlert error={error} />
        <Table.ScrollContainer minWidth={800}>
          <Table aria-label="Audit events" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th pl="md">When</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {events.map((ev) => (
                <Table.Tr key={ev.id}>
                  <Table.Td pl="md" style={{ whiteSpace: 'nowrap' }}>
                    {new Date(ev.at).toLocaleString()}
                  </Table.Td>
                  <Table.Td>{actor(ev)}</Table.Td>
                  <Table.Td>
                    <Code color={ev.action.endsWith('.delete') || ev.action.endsWith('remove') ? 'red.1' : ev.action.includes('reveal') ? 'orange.1' : 'indigo.0'} fz="xs" style={{ whiteSpace: 'nowrap' }}>
                      {ev.action}
                    </Code>
                  </Table.Td>
                  <Table.Td>{target(ev)}</Table.Td>
                  <Table.Td>
                    <Details ev={ev} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {loading && <Loading />}
        {!loading && events.length === 0 && <Empty>No events match.</Empty>}
        {cursor !== null && !loading && (
          <Group justify="center" p="md">
            <Button variant="default" onClick={() => void load(filters, cursor)}>
              Load older events
            </Button>
          </Group>
        )}
      </Paper>
    </>
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
