/**
 * A project's git packages: import one (pinned to the commit its ref names now; rule 7 preview
 * through POST …/packages with dryRun), see each pin's commit, install status and log, reinstall
 * (the log streams in as NDJSON), and download the installed tree as tar or zip (rule 5). A pin
 * installed with install commands or a network switch the package no longer has is badged
 * "outdated" with what changed, and offers a reinstall (same pinned commit, current commands).
 */
import { Anchor, Badge, Button, Code, Group, Modal, ScrollArea, Stack, Text, Tooltip } from '@mantine/core';
import { IconFileText, IconRefresh } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { client, unwrap } from '../api/client';
import { invalidate } from '../api/keys';
import type { Project } from '../api/models';
import { archiveUrl, installPackage, type PackageInstallEvent, packageKeys, type ProjectPackage, useGitPackages, useProjectPackages } from '../api/packages';
import { AddButton, ErrorAlert, Hidden, Loading, SectionIntro } from '../components/common';
import { PreviewedImportModal } from '../components/PreviewedImportModal';
import { ResourceTable } from '../components/ResourceTable';

const STATUS_COLOR: Record<string, string> = { installed: 'teal', failed: 'red', installing: 'blue', pending: 'gray' };

export function PackagesPanel({ project }: { project: Project }) {
  const list = useProjectPackages(project.id);
  const [importing, setImporting] = useState(false);
  const [logOf, setLogOf] = useState<ProjectPackage | null>(null);
  const [live, setLive] = useState<{ name: string; lines: string[]; done: boolean; error: string | null } | null>(null);
  const qc = useQueryClient();
  const canImport = project.allowedActions.includes('import_asset');
  const install = async (p: ProjectPackage) => {
    const name = p.name ?? '';
    setLive({ name, lines: [], done: false, error: null });
    const add = (ev: PackageInstallEvent) =>
      setLive((l) => {
        if (!l) return l;
        if (ev.type === 'log') return { ...l, lines: [...l.lines, ev.line] };
        if (ev.type === 'error') return { ...l, error: ev.message, done: true };
        if (ev.type === 'end') return { ...l, done: true };
        return l;
      });
    try {
      await installPackage(project.id, name, add);
    } catch (e) {
      setLive((l) => l && { ...l, error: e instanceof Error ? e.message : String(e), done: true });
    }
    await qc.invalidateQueries({ queryKey: packageKeys.projectPackages(project.id) });
  };
  return (
    <Stack>
      <SectionIntro action={canImport && <AddButton label="Import package" variant="light" onClick={() => setImporting(true)} />}>
        Git packages this project uses, each pinned to a commit. Their installed trees are what the project’s runtime sees under <Code>packages/&lt;name&gt;/</Code>.
      </SectionIntro>
      <ResourceTable
        label="Packages"
        query={list}
        rows={(d) => d.packages}
        rowName={(p) => p.name ?? 'package'}
        minWidth={720}
        empty="No packages imported."
        columns={[
          { header: 'Name', render: (p) => (p.visible ? <Text size="sm" fw={500}>{p.name}</Text> : p.name ? <Text size="sm" c="dimmed">{p.name} (no access)</Text> : <Hidden>A package you cannot see</Hidden>) },
          { header: 'Ref', render: (p) => (p.ref ? <Text size="sm">{p.ref.kind} <Code>{p.ref.name.slice(0, 24)}</Code></Text> : null) },
          { header: 'Pinned commit', render: (p) => (p.commit ? <Code>{p.commit.slice(0, 12)}</Code> : null) },
          {
            header: 'Status',
            render: (p) =>
              p.status ? (
                <Group gap={6} wrap="nowrap">
                  <Badge color={STATUS_COLOR[p.status]} variant="light">
                    {p.status}
                  </Badge>
                  {p.outdated && <OutdatedBadge reason={p.outdatedReason ?? null} onReinstall={p.usable ? () => void install(p) : null} />}
                </Group>
              ) : null,
          },
          {
            header: 'Download',
            render: (p) =>
              p.usable && p.status === 'installed' && p.name ? (
                <Group gap="xs">
                  <Anchor size="sm" href={archiveUrl(project.id, p.name, 'tar')} aria-label={`Download ${p.name} as tar`}>
                    tar
                  </Anchor>
                  <Anchor size="sm" href={archiveUrl(project.id, p.name, 'zip')} aria-label={`Download ${p.name} as zip`}>
                    zip
                  </Anchor>
                </Group>
              ) : null,
          },
        ]}
        actions={[
          { label: 'Install log', icon: <IconFileText size={16} />, when: (p) => p.visible && p.log !== undefined, onClick: (p) => setLogOf(p) },
          { label: 'Reinstall', icon: <IconRefresh size={16} />, when: (p) => p.usable, onClick: (p) => void install(p) },
        ]}
      />
      {importing && <ImportPackageModal project={project} onClose={() => setImporting(false)} />}
      {logOf && (
        <Modal opened onClose={() => setLogOf(null)} title={`Install log of ${logOf.name}`} size="xl">
          {logOf.error && <ErrorAlert error={new Error(logOf.error.message)} />}
          <LogView text={logOf.log ?? ''} />
        </Modal>
      )}
      {live && (
        <Modal opened onClose={() => setLive(null)} title={`Installing ${live.name}`} size="xl">
          <Stack>
            {live.error && <ErrorAlert error={new Error(live.error)} />}
            <LogView text={live.lines.join('\n')} />
            {!live.done && <Loading label="Installing…" />}
            {live.done && !live.error && <Text size="sm" c="teal">Installed.</Text>}
          </Stack>
        </Modal>
      )}
    </Stack>
  );
}

/** What changed since the install, and (for those who may install) the reinstall it calls for. */
function OutdatedBadge({ reason, onReinstall }: { reason: string | null; onReinstall: (() => void) | null }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={reason ?? 'Installed with other install commands than the package has now.'} multiline w={320} withArrow>
        <Badge color="yellow" variant="light" aria-label={`outdated: ${reason ?? ''}`}>
          outdated
        </Badge>
      </Tooltip>
      {onReinstall && (
        <Button size="compact-xs" variant="subtle" leftSection={<IconRefresh size={12} />} onClick={onReinstall}>
          Reinstall
        </Button>
      )}
    </Group>
  );
}

function LogView({ text }: { text: string }) {
  return (
    <ScrollArea.Autosize mah={420}>
      <Code block aria-label="Install log">
        {text || '(empty)'}
      </Code>
    </ScrollArea.Autosize>
  );
}

function ImportPackageModal({ project, onClose }: { project: Project; onClose(): void }) {
  const packages = useGitPackages(project.workspaceId);
  const current = useProjectPackages(project.id);
  const qc = useQueryClient();
  const path = { params: { path: { projectId: project.id } } };
  const imported = new Set((current.data?.packages ?? []).map((p) => p.id));
  return (
    <PreviewedImportModal
      title="Import a git package"
      noun="package"
      description="Only packages you have access to can be imported; the project is pinned to the commit its ref names now."
      options={packages.data ? packages.data.packages.filter((p) => p.allowedActions.includes('use') && !imported.has(p.id)).map((p) => ({ value: p.id, label: `${p.name} · ${p.repository}` })) : null}
      loadError={packages.error}
      preview={async (packageId) => (await unwrap(client.POST('/api/v1/projects/{projectId}/packages', { ...path, body: { packageId, dryRun: true } }))).impact}
      apply={async (packageId, confirm) => {
        await unwrap(client.POST('/api/v1/projects/{projectId}/packages', { ...path, body: { packageId, ...(confirm ? { confirm: true } : {}) } }));
        await Promise.all([invalidate.imports(qc, project.workspaceId, project.id), qc.invalidateQueries({ queryKey: packageKeys.projectPackages(project.id) })]);
      }}
      onClose={onClose}
    />
  );
}

