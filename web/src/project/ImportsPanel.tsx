/**
 * Imported assets of a project. Importing previews who would be downgraded (POST …/imports with
 * dryRun) and asks before importing with confirm (rule 7).
 */
import { Badge, Modal, Select, Stack, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { client, unwrap } from '../api/client';
import { invalidate } from '../api/keys';
import { useChange, useImportable, useImports } from '../api/queries';
import type { ImpactEntry, Project } from '../api/models';
import { AddButton, ErrorAlert, Hidden, KIND_LABEL, Loading, ScopeBadge, SectionIntro } from '../components/common';
import { ImpactConfirm } from '../components/ImpactConfirm';
import { ResourceTable } from '../components/ResourceTable';

export function ImportsPanel({ project }: { project: Project }) {
  const list = useImports(project.id);
  const [importing, setImporting] = useState(false);
  const canImport = project.allowedActions.includes('import_asset');
  const remove = useChange(
    (assetId: string) => unwrap(client.DELETE('/api/v1/projects/{projectId}/imports/{assetId}', { params: { path: { projectId: project.id, assetId } } })),
    (qc) => invalidate.imports(qc, project.workspaceId, project.id),
  );
  return (
    <Stack>
      <SectionIntro action={canImport && <AddButton label="Import asset" variant="light" onClick={() => setImporting(true)} />}>
        Workspace assets this project uses, and its own. Editors without access to one of them can only view the project.
      </SectionIntro>
      <ErrorAlert error={remove.error} />
      <ResourceTable
        label="Imported assets"
        query={list}
        rows={(d) => d.imports}
        rowName={(a) => a.name ?? 'asset'}
        empty="No imported assets."
        columns={[
          { header: 'Name', render: (a) => (a.visible ? <Text size="sm" fw={500}>{a.name}</Text> : <Hidden>An asset you cannot see</Hidden>) },
          { header: 'Kind', render: (a) => KIND_LABEL[a.kind] },
          { header: 'Scope', render: (a) => <ScopeBadge scope={a.scope} /> },
          { header: 'You can use it', render: (a) => (a.usable ? <Badge color="teal" variant="light">Yes</Badge> : <Badge color="gray" variant="light">No</Badge>) },
        ]}
        actions={[{ label: 'Remove from the project', icon: <IconTrash size={16} />, color: 'red', when: (a) => canImport && a.scope === 'workspace', onClick: (a) => remove.mutate(a.id) }]}
      />
      {importing && <ImportModal project={project} onClose={() => setImporting(false)} />}
    </Stack>
  );
}

function ImportModal({ project, onClose }: { project: Project; onClose(): void }) {
  const importable = useImportable(project.id);
  const [assetId, setAssetId] = useState<string | null>(null);
  const [impact, setImpact] = useState<ImpactEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const path = { params: { path: { projectId: project.id } } };
  const doImport = useChange(
    (args: { assetId: string; confirm: boolean }) => unwrap(client.POST('/api/v1/projects/{projectId}/imports', { ...path, body: { assetId: args.assetId, ...(args.confirm ? { confirm: true } : {}) } })),
    (qc) => invalidate.imports(qc, project.workspaceId, project.id),
  );

  const choose = async (id: string | null) => {
    setAssetId(id);
    setImpact(null);
    setError(null);
    if (!id) return;
    try {
      const r = (await unwrap(client.POST('/api/v1/projects/{projectId}/imports', { ...path, body: { assetId: id, dryRun: true } })));
      setImpact(r.impact);
    } catch (e) {
      setError(e);
    }
  };
  const confirm = () => assetId && impact && doImport.mutate({ assetId, confirm: impact.length > 0 }, { onSuccess: onClose });
  const options = (importable.data?.assets ?? []).map((a) => ({ value: a.id, label: `${a.name} · ${KIND_LABEL[a.kind]}` }));
  return (
    <Modal opened onClose={onClose} title="Import a workspace asset" size="lg">
      <Stack>
        {importable.isPending && <Loading />}
        <ErrorAlert error={importable.error ?? error ?? doImport.error} />
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
        <ImpactConfirm
          impact={impact ?? []}
          what="Importing this asset"
          summary={!impact ? null : impact.length ? undefined : 'Nobody who can edit this project would lose access.'}
          disabled={!impact}
          confirmLabel={impact?.length ? 'Import anyway' : 'Import'}
          busy={doImport.isPending}
          onConfirm={confirm}
          onCancel={onClose}
        />
      </Stack>
    </Modal>
  );
}
