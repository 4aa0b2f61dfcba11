import { Anchor, Button, Group, Modal, Paper, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import { useLoad } from '../api/hooks';
import type { Project } from '../api/types';
import { Empty, ErrorAlert, formatTime, LevelBadge, Loading, PageHeader } from '../components/common';
import { useSession, useWorkspace } from '../session';

export function ProjectsPage() {
  const ws = useWorkspace();
  const { can } = useSession();
  const list = useLoad(() => api.get<{ projects: Project[] }>(`/workspaces/${ws.id}/projects`), [ws.id]);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Projects"
        description="Projects you can open. Your level follows from your role, the project’s sharing, and whether you may use every asset it imports."
        actions={
          can('create_project') && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New project
            </Button>
          )
        }
      />
      <Paper withBorder radius="md">
        <ErrorAlert error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && (
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Projects">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th pl="md">Name</Table.Th>
                  <Table.Th>Your access</Table.Th>
                  <Table.Th>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.projects.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td pl="md">
                      <Anchor component={Link} to={`/projects/${p.id}`} fw={500} size="sm">
                        {p.name}
                      </Anchor>
                      {p.description && (
                        <Text size="xs" c="dimmed" lineClamp={1}>
                          {p.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <LevelBadge level={p.access.level} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatTime(p.updatedAt)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {list.data.projects.length === 0 && <Empty>No projects yet.</Empty>}
          </Table.ScrollContainer>
        )}
      </Paper>
      {creating && <CreateProject onClose={() => setCreating(false)} />}
    </>
  );
}

function CreateProject({ onClose }: { onClose(): void }) {
  const ws = useWorkspace();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    try {
      const p = await api.post<Project>(`/workspaces/${ws.id}/projects`, { name: name.trim(), description });
      navigate(`/projects/${p.id}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title="New project">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <Stack>
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <Textarea label="Description" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="subtle" color="gray" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create project
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
