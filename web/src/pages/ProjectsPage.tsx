import { Anchor, Paper, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { client, unwrap } from '../api/client';
import { invalidate } from '../api/keys';
import { useChange, useProjects } from '../api/queries';
import type { Project } from '../api/models';
import { AddButton, formatTime, LevelBadge, PageHeader } from '../components/common';
import { FormModal } from '../components/FormModal';
import { ResourceTable } from '../components/ResourceTable';
import { useSession, useWorkspace } from '../session';

export function ProjectsPage() {
  const ws = useWorkspace();
  const { can } = useSession();
  const list = useProjects(ws.id);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Projects"
        description="Projects you can open. Your level follows from your role, the project’s sharing, and whether you may use every asset it imports."
        actions={can('create_project') && <AddButton label="New project" onClick={() => setCreating(true)} />}
      />
      <Paper withBorder radius="md" px="md">
        <ResourceTable
          label="Projects"
          query={list}
          rows={(d) => d.projects}
          minWidth={560}
          empty="No projects yet."
          columns={[
            { header: 'Name', render: (p) => <ProjectName project={p} /> },
            { header: 'Your access', render: (p) => <LevelBadge level={p.access.level} /> },
            { header: 'Updated', render: (p) => <Text size="sm">{formatTime(p.updatedAt)}</Text> },
          ]}
        />
      </Paper>
      {creating && <CreateProject onClose={() => setCreating(false)} />}
    </>
  );
}

function ProjectName({ project: p }: { project: Project }) {
  return (
    <>
      <Anchor component={Link} to={`/projects/${p.id}`} fw={500} size="sm">
        {p.name}
      </Anchor>
      {p.description && (
        <Text size="xs" c="dimmed" lineClamp={1}>
          {p.description}
        </Text>
      )}
    </>
  );
}

function CreateProject({ onClose }: { onClose(): void }) {
  const ws = useWorkspace();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useChange(
    () => unwrap(client.POST('/api/v1/workspaces/{ws}/projects', { params: { path: { ws: ws.id } }, body: { name: name.trim(), description } })),
    (qc, p) => invalidate.project(qc, ws.id, p.id),
  );
  return (
    <FormModal
      title="New project"
      onClose={onClose}
      onSubmit={() => create.mutate(undefined, { onSuccess: (p) => navigate(`/projects/${p.id}`) })}
      submitLabel="Create project"
      busy={create.isPending}
      error={create.error}
    >
      <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
      <Textarea label="Description" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
    </FormModal>
  );
}
