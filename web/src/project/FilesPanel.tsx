/**
 * A project's files (rule 6: results — viewers and web viewers list and download them): imported
 * from an external file integration (rule 5: can_edit and access), with progress while they
 * move; exported back when the integration has writeback; deleted by editors.
 */
import { Anchor, Breadcrumbs, Button, Checkbox, Code, Group, Progress, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCloudUpload, IconDownload, IconFolder, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { client, unwrap } from '../api/client';
import { fileKeys, fileUrl, formatBytes, type ProjectFile, type TransferEvent, transfer, useObjects, useProjectFileIntegrations, useProjectFiles } from '../api/files';
import type { Project } from '../api/models';
import { AddButton, ErrorAlert, formatTime, Loading, SectionIntro } from '../components/common';
import { FormModal } from '../components/FormModal';
import { ResourceTable } from '../components/ResourceTable';

type Progressing = { label: string; files: number; bytes: number; filesDone: number; bytesDone: number; done: boolean; error: string | null; moved: string[] };

export function FilesPanel({ project }: { project: Project }) {
  const files = useProjectFiles(project.id);
  const integrations = useProjectFileIntegrations(project.id);
  const qc = useQueryClient();
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<ProjectFile | null>(null);
  const [progress, setProgress] = useState<Progressing | null>(null);
  const canEdit = project.allowedActions.includes('edit');
  const usable = (integrations.data?.fileIntegrations ?? []).filter((i) => i.canUse);
  const writebackOf = (f: ProjectFile) => usable.find((i) => i.writeback && i.folder && f.path.startsWith(`${i.folder}/`));

  const run = async (label: string, id: string, direction: 'import' | 'export', body: object) => {
    setProgress({ label, files: 0, bytes: 0, filesDone: 0, bytesDone: 0, done: false, error: null, moved: [] });
    const on = (ev: TransferEvent) =>
      setProgress((p) => {
        if (!p) return p;
        if (ev.type === 'start') return { ...p, files: ev.files, bytes: ev.bytes };
        if (ev.type === 'progress') return { ...p, filesDone: ev.filesDone, bytesDone: ev.bytesDone };
        if (ev.type === 'file') return { ...p, filesDone: p.filesDone + 1, bytesDone: Math.max(p.bytesDone, 0), moved: [...p.moved, direction === 'import' ? ev.path : ev.key] };
        if (ev.type === 'end') return { ...p, done: true, filesDone: ev.files, bytesDone: ev.bytes };
        if (ev.type === 'error') return { ...p, done: true, error: ev.error.message };
        return p;
      });
    try {
      await transfer(project.id, id, direction, body, on);
    } catch (e) {
      setProgress((p) => p && { ...p, done: true, error: e instanceof Error ? e.message : String(e) });
    }
    await qc.invalidateQueries({ queryKey: fileKeys.files(project.id) });
  };

  return (
    <Stack>
      <SectionIntro action={canEdit && usable.length > 0 && <AddButton label="Import files" variant="light" onClick={() => setImporting(true)} />}>
        The project’s files: what imports bring in from external file integrations (under <Code>external-files/s3/&lt;integration&gt;/</Code>) and what the project’s runs leave. Anyone who can view the project can download them.
      </SectionIntro>
      {progress && <TransferProgress progress={progress} onClose={() => setProgress(null)} />}
      <ResourceTable
        label="Files"
        query={files}
        rows={(d) => d.files}
        rowName={(f) => f.path}
        minWidth={640}
        empty="No files yet."
        columns={[
          {
            header: 'Path',
            render: (f) => (
              <Stack gap={0}>
                <Anchor href={fileUrl(project.id, f.path)} download size="sm" aria-label={`Download ${f.path}`}>
                  <Group gap={4} wrap="nowrap">
                    <IconDownload size={14} />
                    {f.path}
                  </Group>
                </Anchor>
                {f.sqlPath && (
                  <Text size="xs" c="dimmed">
                    In a DuckDB SQL cell: <Code>read_csv('{f.sqlPath}')</Code>
                  </Text>
                )}
              </Stack>
            ),
          },
          { header: 'Size', render: (f) => <Text size="sm">{formatBytes(f.size)}</Text> },
          { header: 'Modified', render: (f) => <Text size="sm">{formatTime(f.modified)}</Text> },
        ]}
        actions={[
          {
            label: 'Export to bucket',
            icon: <IconCloudUpload size={16} />,
            when: (f) => canEdit && !!writebackOf(f),
            onClick: (f) => void run(`Exporting ${f.path}`, writebackOf(f)!.id, 'export', { paths: [f.path] }),
          },
          { label: 'Delete', icon: <IconTrash size={16} />, color: 'red', divider: true, when: () => canEdit, onClick: (f) => setDeleting(f) },
        ]}
      />
      {files.data && (
        <Text size="xs" c="dimmed">
          {files.data.usage.files} of at most {files.data.usage.maxFiles} files, {formatBytes(files.data.usage.bytes)} of {formatBytes(files.data.usage.maxBytes)}
        </Text>
      )}
      {importing && (
        <ImportModal
          project={project}
          integrations={usable.map((i) => ({ id: i.id, name: i.name ?? i.id }))}
          onClose={() => setImporting(false)}
          onImport={(id, name, body) => {
            setImporting(false);
            void run(`Importing from ${name}`, id, 'import', body);
          }}
        />
      )}
      {deleting && <DeleteFileModal project={project} file={deleting} onClose={() => setDeleting(null)} />}
    </Stack>
  );
}

function TransferProgress({ progress: p, onClose }: { progress: Progressing; onClose(): void }) {
  const pct = p.bytes > 0 ? Math.min(100, (p.bytesDone / p.bytes) * 100) : p.done ? 100 : 0;
  return (
    <Stack gap={4} aria-label="Transfer progress" p="sm" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {p.label}: {p.filesDone} of {p.files} file(s), {formatBytes(p.bytesDone)} of {formatBytes(p.bytes)}
        </Text>
        {p.done && (
          <Button size="xs" variant="subtle" onClick={onClose}>
            Dismiss
          </Button>
        )}
      </Group>
      <Progress value={pct} color={p.error ? 'red' : p.done ? 'teal' : 'blue'} animated={!p.done} aria-label="Transferred" />
      {p.done && !p.error && <Text size="sm" c="teal">Done: {p.moved.join(', ') || 'nothing to move'}</Text>}
      {p.error && <Text size="sm" c="red" role="alert">{p.error}</Text>}
    </Stack>
  );
}

function ImportModal({ project, integrations, onClose, onImport }: { project: Project; integrations: { id: string; name: string }[]; onClose(): void; onImport(id: string, name: string, body: object): void }) {
  const [id, setId] = useState<string | null>(integrations[0]?.id ?? null);
  const [prefix, setPrefix] = useState('');
  const [q, setQ] = useState('');
  const [pages, setPages] = useState<string[]>(['']);
  const [selected, setSelected] = useState<string[]>([]);
  const listing = useObjects(project.id, id, prefix, q, pages[pages.length - 1]!);
  const name = integrations.find((i) => i.id === id)?.name ?? '';
  const go = (p: string) => {
    setPrefix(p);
    setPages(['']);
    setSelected([]);
  };
  const crumbs = ['', ...prefix.split('/').filter(Boolean).map((_, i, all) => `${all.slice(0, i + 1).join('/')}/`)];
  return (
    <FormModal
      title="Import files"
      size="xl"
      onClose={onClose}
      onSubmit={() => id && onImport(id, name, selected.length ? { keys: selected } : { prefix })}
      submitLabel={selected.length ? `Import ${selected.length} file(s)` : `Import everything under /${prefix}`}
    >
      <Group grow>
        <Select label="Integration" data={integrations.map((i) => ({ value: i.id, label: i.name }))} value={id} onChange={(v) => (setId(v), go(''))} allowDeselect={false} />
        <TextInput label="Filter by name" value={q} onChange={(e) => (setQ(e.currentTarget.value), setPages(['']))} />
      </Group>
      <Breadcrumbs>
        {crumbs.map((c) => (
          <Anchor key={c} size="sm" onClick={() => go(c)}>
            {c === '' ? name || 'bucket' : c.split('/').filter(Boolean).pop()}
          </Anchor>
        ))}
      </Breadcrumbs>
      <ErrorAlert error={listing.error} />
      {listing.isLoading ? (
        <Loading />
      ) : (
        <Table striped highlightOnHover aria-label="Bucket objects">
          <Table.Tbody>
            {listing.data?.folders.map((f) => (
              <Table.Tr key={f.prefix}>
                <Table.Td colSpan={3}>
                  <Anchor size="sm" onClick={() => go(f.prefix)}>
                    <Group gap={4}>
                      <IconFolder size={14} />
                      {f.name}/
                    </Group>
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
            {listing.data?.objects.map((o) => (
              <Table.Tr key={o.key}>
                <Table.Td>
                  <Checkbox label={o.name} checked={selected.includes(o.key)} onChange={(e) => setSelected((s) => (e.currentTarget.checked ? [...s, o.key] : s.filter((k) => k !== o.key)))} />
                </Table.Td>
                <Table.Td>{formatBytes(o.size)}</Table.Td>
                <Table.Td>{formatTime(o.modified)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group justify="space-between">
        <Button size="xs" variant="subtle" disabled={pages.length < 2} onClick={() => setPages((p) => p.slice(0, -1))}>
          Previous page
        </Button>
        <Button size="xs" variant="subtle" disabled={!listing.data?.nextPageToken} onClick={() => setPages((p) => [...p, listing.data!.nextPageToken!])}>
          Next page
        </Button>
      </Group>
    </FormModal>
  );
}

function DeleteFileModal({ project, file, onClose }: { project: Project; file: ProjectFile; onClose(): void }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setBusy(true);
    try {
      await unwrap(client.DELETE('/api/v1/projects/{projectId}/files/content', { params: { path: { projectId: project.id }, query: { path: file.path } } }));
      await qc.invalidateQueries({ queryKey: fileKeys.files(project.id) });
      notifications.show({ message: `Deleted ${file.path}.`, color: 'teal' });
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormModal title="Delete file" submitLabel="Delete file" submitColor="red" busy={busy} error={error} onClose={onClose} onSubmit={() => void submit()}>
      <Text size="sm">
        Delete <Code>{file.path}</Code> from this project? Its copy in a bucket, if any, stays.
      </Text>
    </FormModal>
  );
}
