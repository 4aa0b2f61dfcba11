/**
 * Settings › Workspace › Integrations › Git packages: the workspace's git providers (admins;
 * GitProvidersSection.tsx) and its packages (assets: usage, groups with access, edit, update a
 * branch package's pins with a preview, delete with a preview — rule 8).
 */
import { Badge, Code, Group, List, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { client, unwrap } from '../api/client';
import { type GitPackage, type GitPackageUpdateResult, type GitProvider, packageKeys, useGitPackages, useGitProviders } from '../api/packages';
import { canManage, GroupsWithAccess, sameAccess, useConfirmableSave } from '../components/AssetAccess';
import { DeleteAssetModal } from '../components/DeleteAssetModal';
import { AddButton, GroupBadges, Loading, NameCell, SectionIntro } from '../components/common';
import { FormModal } from '../components/FormModal';
import { ImpactConfirm } from '../components/ImpactConfirm';
import { ResourceTable } from '../components/ResourceTable';
import { useWorkspace } from '../session';
import { GitProvidersSection } from './GitProvidersSection';

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 10) : '—');

export function GitPackagesSection() {
  const ws = useWorkspace();
  const packages = useGitPackages(ws.id);
  const isAdmin = !!packages.data?.allowedActions.includes('manage_assets');
  const providers = useGitProviders(ws.id, isAdmin);
  const [editing, setEditing] = useState<GitPackage | 'new' | null>(null);
  const [updating, setUpdating] = useState<GitPackage | null>(null);
  const [deleting, setDeleting] = useState<GitPackage | null>(null);
  return (
    <Stack>
      {isAdmin && <GitProvidersSection providers={providers} />}
      <SectionIntro title="Git packages" action={isAdmin && <AddButton label="New git package" onClick={() => setEditing('new')} />}>
        A repository pinned to a branch, tag or commit, with optional install commands that run in a sandbox. A project importing it is pinned to the commit the ref names then; “Update” moves a branch package’s projects to its new head.
      </SectionIntro>
      <ResourceTable
        label="Git packages"
        query={packages}
        rows={(d) => d.packages}
        minWidth={760}
        empty="No git packages shared with you yet."
        columns={[
          { header: 'Name', render: (p) => <NameCell name={p.name} detail={`${p.provider.name} · ${p.repository}`} /> },
          { header: 'Ref', render: (p) => <Text size="sm">{p.ref.kind} <Code>{p.ref.name.length > 20 ? short(p.ref.name) : p.ref.name}</Code> @ {short(p.resolvedCommit)}</Text> },
          {
            header: 'Install',
            render: (p) => (
              <Group gap={4}>
                <Text size="sm">{p.installCommands.length ? `${p.installCommands.length} command(s)` : 'Tree only'}</Text>
                {p.network && <Badge size="sm" color="orange" variant="light">network</Badge>}
              </Group>
            ),
          },
          { header: 'Groups with access', render: (p) => <GroupBadges access={p.access} /> },
        ]}
        usage={{ kind: 'git-packages', of: (p) => ({ id: p.id, name: p.name, count: p.usageCount }) }}
        actions={[
          { label: 'Edit', icon: <IconPencil size={16} />, when: (p) => canManage(p), onClick: (p) => setEditing(p) },
          { label: 'Update', icon: <IconRefresh size={16} />, when: (p) => canManage(p) && p.ref.kind === 'branch', onClick: (p) => setUpdating(p) },
          { label: 'Delete', icon: <IconTrash size={16} />, color: 'red', divider: true, when: (p) => canManage(p), onClick: (p) => setDeleting(p) },
        ]}
      />
      {editing && <PackageModal pkg={editing === 'new' ? null : editing} providers={providers.data?.providers ?? []} onClose={() => setEditing(null)} />}
      {updating && <UpdateModal pkg={updating} onClose={() => setUpdating(null)} />}
      {deleting && <DeleteAssetModal kind="git-packages" id={deleting.id} name={deleting.name} kindLabel="Git package" onClose={() => setDeleting(null)} />}
    </Stack>
  );
}

function PackageModal({ pkg, providers, onClose }: { pkg: GitPackage | null; providers: GitProvider[]; onClose(): void }) {
  const ws = useWorkspace();
  const [name, setName] = useState(pkg?.name ?? '');
  const [providerId, setProviderId] = useState<string | null>(pkg?.provider.id ?? providers[0]?.id ?? null);
  const [repository, setRepository] = useState(pkg?.repository ?? '');
  const [refKind, setRefKind] = useState<'branch' | 'tag' | 'commit'>(pkg?.ref.kind ?? 'branch');
  const [refName, setRefName] = useState(pkg?.ref.name ?? 'main');
  const [commands, setCommands] = useState((pkg?.installCommands ?? []).join('\n'));
  const [network, setNetwork] = useState(pkg?.network ?? false);
  const [access, setAccess] = useState<string[]>(pkg?.access ?? ['workspace']);
  const saver = useConfirmableSave(() => {
    notifications.show({ message: `Git package ${name} saved.`, color: 'teal' });
    onClose();
  });
  const installCommands = commands.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim());
  const change = async (confirm: boolean) => {
    const fields = { name: name.trim(), providerId: providerId ?? '', repository: repository.trim(), ref: { kind: refKind, name: refName.trim() }, installCommands, network };
    if (!pkg) {
      await unwrap(client.POST('/api/v1/workspaces/{ws}/git-packages', { params: { path: { ws: ws.id } }, body: { ...fields, access } }));
      return;
    }
    const one = { params: { path: { ws: ws.id, id: pkg.id } } };
    if (!confirm) await unwrap(client.PATCH('/api/v1/workspaces/{ws}/git-packages/{id}', { ...one, body: fields }));
    if (!sameAccess(access, pkg.access)) await unwrap(client.PUT('/api/v1/workspaces/{ws}/git-packages/{id}/access', { ...one, body: { access, ...(confirm ? { confirm: true } : {}) } }));
  };
  return (
    <FormModal
      title={pkg ? `Edit ${pkg.name}` : 'New git package'}
      size="lg"
      onClose={onClose}
      onSubmit={() => saver.save(change)}
      submitLabel={pkg ? 'Save changes' : 'Create package'}
      busy={saver.busy}
      error={saver.error}
      footer={saver.impact && <ImpactConfirm impact={saver.impact} what="Changing the groups with access" confirmLabel="Change access anyway" busy={saver.busy} onConfirm={saver.confirm} onCancel={saver.cancel} />}
    >
      <SimpleGrid cols={2}>
        <TextInput label="Name" description="Becomes packages/<name>/ in a project’s runtime" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
        <Select label="Provider" required data={providers.map((p) => ({ value: p.id, label: p.name }))} value={providerId} onChange={setProviderId} allowDeselect={false} />
      </SimpleGrid>
      <TextInput label="Repository" description="Its path on the provider, e.g. acme/tools" required value={repository} onChange={(e) => setRepository(e.currentTarget.value)} />
      <SimpleGrid cols={2}>
        <Select label="Ref kind" data={[{ value: 'branch', label: 'Branch' }, { value: 'tag', label: 'Tag' }, { value: 'commit', label: 'Commit' }]} value={refKind} onChange={(v) => v && setRefKind(v as typeof refKind)} allowDeselect={false} />
        <TextInput label="Ref" description={refKind === 'commit' ? 'A full commit id' : `The ${refKind} name`} required value={refName} onChange={(e) => setRefName(e.currentTarget.value)} />
      </SimpleGrid>
      <Textarea
        label="Install commands"
        description="One shell line each, run in order in a sandbox over a copy of the tree; leave empty to use the tree as is"
        autosize
        minRows={2}
        value={commands}
        onChange={(e) => setCommands(e.currentTarget.value)}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
      <Switch label="Let the install commands reach the network" checked={network} onChange={(e) => setNetwork(e.currentTarget.checked)} />
      <GroupsWithAccess
        value={access}
        onChange={(v) => {
          setAccess(v);
          saver.cancel();
        }}
      />
    </FormModal>
  );
}

function UpdateModal({ pkg, onClose }: { pkg: GitPackage; onClose(): void }) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  const [preview, setPreview] = useState<GitPackageUpdateResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const path = { params: { path: { ws: ws.id, id: pkg.id } } };
  useEffect(() => {
    unwrap(client.POST('/api/v1/workspaces/{ws}/git-packages/{id}/update', { ...path, body: { dryRun: true } })).then(setPreview, setError);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pkg.id]);
  const apply = async () => {
    setBusy(true);
    try {
      await unwrap(client.POST('/api/v1/workspaces/{ws}/git-packages/{id}/update', { ...path, body: {} }));
      await Promise.all([qc.invalidateQueries({ queryKey: packageKeys.packages(ws.id) }), qc.invalidateQueries({ queryKey: ['project'] })]);
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormModal title={`Update ${pkg.name}`} onClose={onClose} onSubmit={() => void apply()} submitLabel={preview?.changes.length ? `Move ${preview.changes.length} project(s)` : 'Update'} busy={busy} error={error}>
      {!preview && !error && <Loading label="Resolving the branch…" />}
      {preview && (
        <Stack gap="xs">
          <Text size="sm">
            Branch <Code>{pkg.ref.name}</Code> is at <Code>{short(preview.commit)}</Code>.
          </Text>
          {preview.changes.length === 0 ? (
            <Text size="sm" c="dimmed">Every project is already pinned there.</Text>
          ) : (
            <List size="sm" aria-label="Projects that change">
              {preview.changes.map((c) => (
                <List.Item key={c.projectId}>
                  {c.projectName}: {short(c.from)} → {short(c.to)}
                </List.Item>
              ))}
            </List>
          )}
        </Stack>
      )}
    </FormModal>
  );
}
