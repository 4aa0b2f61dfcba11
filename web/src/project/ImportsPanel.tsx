/**
 * Imported assets of a project. Importing previews who would be downgraded (POST …/imports with
 * dryRun) and asks before importing with confirm (rule 7).
 */
import { ActionIcon, Badge, Button, Group, Modal, Select, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconLock, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../api/client';
import { useLoad } from '../api/hooks';
import type { ImpactRow, ImportableAsset, ImportRow, Project } from '../api/types';
import { Empty, ErrorAlert, KIND_LABEL, Loading } from '../components/common';
import { ImpactWarning } from '../components/impact';

export function ImportsPanel({ project, onChanged }: { project: Project; onChanged(): Promise<void> }) {
  const list = useLoad(() => api.get<{ imports: ImportRow[] }>(`/projects/${project.id}/imports`), [project.id]);
  const [importing, setImporting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const canImport = project.allowedActions.includes('import_asset');
  const removeImport = async (a: ImportRow) => {
    setError(null);
    try {
      await api.del(`/projects/${project.id}/imports/${a.id}`);
      await onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Workspace assets this project uses, and its own. Editors without access to one of them can only view the project.
        </Text>
        {canImport && (
          <Button leftSection={<IconPlus size={16} />} variant="light" onClick={() => setImporting(true)}>
            Import asset
          </Button>
        )}
      </Group>
      <ErrorAlert error={list.error ?? error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.imports.length === 0 && <Empty>No imported assets.</Empty>}
      {list.data && list.data.imports.length > 0 && (
        <Table aria-label="Imported assets">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Scope</Table.Th>
              <Table.Th>You can use it</Table.Th>
              <Table.Th w={48} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.imports.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  {a.visible ? (
                    <Text size="sm" fw={500}>
                      {a.name}
                    </Text>
                  ) : (
                    <Group gap={6}>
                      <IconLock size={14} />
                      <Text size="sm" c="dimmed">
                        An asset you cannot see
                      </Text>
                    </Group>
                  )}
                </Table.Td>
                <Table.Td>{KIND_LABEL[a.kind] ?? a.kind}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={a.scope === 'workspace' ? 'indigo' : 'gray'}>
                    {a.scope}
                  </Badge>
                </Table.Td>
                <Table.Td>{a.usable ? <Badge color="teal" variant="light">Yes</Badge> : <Badge color="gray" variant="light">No</Badge>}</Table.Td>
                <Table.Td>
                  {canImport && a.scope === 'workspace' && (
                    <Tooltip label="Stop using it in this project">
                      <ActionIcon variant="subtle" color="red" aria-label={`Remove ${a.name ?? 'asset'} from the project`} onClick={() => void removeImport(a)}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {importing && <ImportModal project={project} onClose={() => setImporting(false)} onImported={onChanged} />}
    </Stack>
  );
}

function ImportModal({ project, onClose, onImported }: { project: Project; onClose(): void; onImported(): Promise<void> }) {
  const importable = useLoad(() => api.get<{ assets: ImportableAsset[] }>(`/projects/${project.id}/importable`), [project.id]);
  const [assetId, setAssetId] = useState<string | null>(null);
  const [impact, setImpact] = useState<ImpactRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const choose = async (id: string | null) => {
    setAssetId(id);
    setImpact(null);
    setError(null);
    if (!id) return;
    try {
      const r = await api.post<{ impact: ImpactRow[] }>(`/projects/${project.id}/imports`, { assetId: id, dryRun: true });
      setImpact(r.impact);
    } catch (e) {
      setError(e);
    }
  };
  const confirm = async () => {
    if (!assetId || !impact) return;
    setBusy(true);
    try {
      await api.post(`/projects/${project.id}/imports`, { assetId, ...(impact.length ? { confirm: true } : {}) });
      await onImported();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const options = (importable.data?.assets ?? []).map((a) => ({ value: a.id, label: `${a.name} · ${KIND_LABEL[a.kind] ?? a.kind}` }));
  return (
    <Modal opened onClose={onClose} title="Import a workspace asset" size="lg">
      <Stack>
        {importable.loading && !importable.data && <Loading />}
        <ErrorAlert error={importable.error} />
        {importable.data && (
          <Select
            label="Asset"
            description="Only assets you have access to can be imported."
            placeholder={options.length ? 'Choose an asset' : 'Nothing to import'}
            data={options}
            value={assetId}
            onChange={(v) => void choose(v)}
            searchable
            disabled={!options.length}
            data-autofocus
          />
        )}
        {impact && impact.length === 0 && (
          <Text size="sm" c="dimmed">
            Nobody who can edit this project would lose access.
          </Text>
        )}
        {impact && impact.length > 0 && <ImpactWarning impact={impact} what="Importing this asset" />}
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="subtle" color="gray" onClick={onClose}>
            Cancel
          </Button>
          <Button color={impact?.length ? 'orange' : undefined} disabled={!impact} loading={busy} onClick={() => void confirm()}>
            {impact?.length ? 'Import anyway' : 'Import'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
