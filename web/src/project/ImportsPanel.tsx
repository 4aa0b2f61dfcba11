/**
 * Imported assets of a project. Importing previews who would be downgraded (POST …/imports with
 * dryRun) and asks before importing with confirm (rule 7).
 */
import { Badge, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { client, unwrap } from '../api/client';
import { invalidate } from '../api/keys';
import { useChange, useImportable, useImports } from '../api/queries';
import type { Project } from '../api/models';
import { AddButton, ErrorAlert, Hidden, KIND_LABEL, ScopeBadge, SectionIntro } from '../components/common';
import { PreviewedImportModal } from '../components/PreviewedImportModal';
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
  const qc = useQueryClient();
  const path = { params: { path: { projectId: project.id } } };
  return (
    <PreviewedImportModal
      title="Import a workspace asset"
      noun="asset"
      description="Only assets you have access to can be imported."
      options={importable.data ? importable.data.assets.map((a) => ({ value: a.id, label: `${a.name} · ${KIND_LABEL[a.kind]}` })) : null}
      loadError={importable.error}
      preview={async (assetId) => (await unwrap(client.POST('/api/v1/projects/{projectId}/imports', { ...path, body: { assetId, dryRun: true } }))).impact}
      apply={async (assetId, confirm) => {
        await unwrap(client.POST('/api/v1/projects/{projectId}/imports', { ...path, body: { assetId, ...(confirm ? { confirm: true } : {}) } }));
        await invalidate.imports(qc, project.workspaceId, project.id);
      }}
      onClose={onClose}
    />
  );
}
