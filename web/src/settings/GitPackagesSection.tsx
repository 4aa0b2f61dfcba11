/**
 * Settings › Workspace › Integrations › Git packages: the workspace's git providers (admins; the
 * credentials are write-only) and its packages (assets: usage, groups with access, edit, update a
 * branch package's pins with a preview, delete with a preview — rule 8).
 */
import { Alert, Badge, Code, Group, List, NumberInput, PasswordInput, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlugConnected, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { client, unwrap } from '../api/client';
import { type GitPackage, type GitPackageUpdateResult, type GitProvider, type GitProviderKind, type GitProviderTestResult, packageKeys, useGitPackages, useGitProviders } from '../api/packages';
import { canManage, GroupsWithAccess, sameAccess, useConfirmableSave } from '../components/AssetAccess';
import { DeleteAssetModal } from '../components/DeleteAssetModal';
import { AddButton, GroupBadges, Loading, NameCell, SectionIntro } from '../components/common';
import { FormModal } from '../components/FormModal';
import { ImpactConfirm } from '../components/ImpactConfirm';
import { ResourceTable } from '../components/ResourceTable';
import { useWorkspace } from '../session';

const KIND_LABELS: Record<GitProviderKind, string> = { github: 'GitHub', github_enterprise: 'GitHub Enterprise Server', gitlab: 'GitLab', bitbucket: 'Bitbucket', https: 'HTTPS remote' };
const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 10) : '—');

export function GitPackagesSection() {
  const ws = useWorkspace();
  const packages = useGitPackages(ws.id);
  const isAdmin = !!packages.data?.allowedActions.includes('manage_assets');
  const providers = useGitProviders(ws.id, isAdmin);
  const [newProvider, setNewProvider] = useState(false);
  const [testing, setTesting] = useState<GitProvider | null>(null);
  const [removingProvider, setRemovingProvider] = useState<GitProvider | null>(null);
  const [editing, setEditing] = useState<GitPackage | 'new' | null>(null);
  const [updating, setUpdating] = useState<GitPackage | null>(null);
  const [deleting, setDeleting] = useState<GitPackage | null>(null);
  return (
    <Stack>
      {isAdmin && (
        <>
          <SectionIntro title="Git providers" action={<AddButton label="New git provider" onClick={() => setNewProvider(true)} />}>
            Where packages come from: a GitHub App, GitLab, Bitbucket or any HTTPS remote. Credentials are stored encrypted and never shown again.
          </SectionIntro>
          <ResourceTable
            label="Git providers"
            query={providers}
            rows={(d) => d.providers}
            minWidth={640}
            empty="No git provider yet."
            columns={[
              { header: 'Name', render: (p) => <NameCell name={p.name} detail={String(p.config.baseUrl ?? p.config.apiBaseUrl ?? '')} /> },
              { header: 'Kind', render: (p) => <Text size="sm">{KIND_LABELS[p.kind]}</Text> },
              { header: 'Account', render: (p) => <Text size="sm">{p.githubAccount?.login ?? '—'}</Text> },
              { header: 'Packages', render: (p) => <Text size="sm">{p.packageCount}</Text> },
            ]}
            actions={[
              { label: 'Test', icon: <IconPlugConnected size={16} />, onClick: (p) => setTesting(p) },
              { label: 'Delete', icon: <IconTrash size={16} />, color: 'red', divider: true, onClick: (p) => setRemovingProvider(p) },
            ]}
          />
        </>
      )}
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
      {newProvider && <ProviderModal onClose={() => setNewProvider(false)} />}
      {testing && <TestProviderModal provider={testing} onClose={() => setTesting(null)} />}
      {removingProvider && <RemoveProviderModal provider={removingProvider} onClose={() => setRemovingProvider(null)} />}
      {editing && <PackageModal pkg={editing === 'new' ? null : editing} providers={providers.data?.providers ?? []} onClose={() => setEditing(null)} />}
      {updating && <UpdateModal pkg={updating} onClose={() => setUpdating(null)} />}
      {deleting && <DeleteAssetModal kind="git-packages" id={deleting.id} name={deleting.name} kindLabel="Git package" onClose={() => setDeleting(null)} />}
    </Stack>
  );
}

function ProviderModal({ onClose }: { onClose(): void }) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  const [kind, setKind] = useState<GitProviderKind>('gitlab');
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [auth, setAuth] = useState<'bearer' | 'basic' | 'none'>('bearer');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [token, setToken] = useState('');
  const [appId, setAppId] = useState<string | number>('');
  const [privateKey, setPrivateKey] = useState('');
  const [installationId, setInstallationId] = useState<string | number>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const github = kind === 'github' || kind === 'github_enterprise';
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const base = baseUrl.trim();
      const config: Record<string, unknown> = github
        ? { appId: Number(appId), ...(base ? { apiBaseUrl: base } : {}) }
        : kind === 'https'
          ? { baseUrl: base, auth, ...(auth === 'basic' ? { username } : {}) }
          : kind === 'bitbucket'
            ? { ...(base ? { baseUrl: base } : {}), ...(email ? { email } : {}) }
            : { ...(base ? { baseUrl: base } : {}) };
      const credentials: Record<string, string> = github ? { privateKey } : kind === 'https' ? (auth === 'none' ? {} : { secret: token }) : { token };
      await unwrap(
        client.POST('/api/v1/workspaces/{ws}/git-providers', {
          params: { path: { ws: ws.id } },
          body: { name: name.trim(), kind, config, credentials, ...(github && installationId !== '' ? { installationId: Number(installationId) } : {}) },
        }),
      );
      await qc.invalidateQueries({ queryKey: packageKeys.providers(ws.id) });
      notifications.show({ message: `Git provider ${name} connected.`, color: 'teal' });
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormModal title="New git provider" size="lg" onClose={onClose} onSubmit={() => void submit()} submitLabel="Connect provider" busy={busy} error={error}>
      <SimpleGrid cols={2}>
        <Select label="Kind" data={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))} value={kind} onChange={(v) => v && setKind(v as GitProviderKind)} allowDeselect={false} />
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
      </SimpleGrid>
      <TextInput
        label={github ? 'API base URL' : 'Base URL'}
        description={github ? (kind === 'github' ? 'Leave empty for github.com' : 'https://HOST/api/v3') : kind === 'https' ? 'The remote host, e.g. https://git.example.com' : 'Leave empty for the cloud service'}
        value={baseUrl}
        onChange={(e) => setBaseUrl(e.currentTarget.value)}
      />
      {github ? (
        <>
          <SimpleGrid cols={2}>
            <NumberInput label="App ID" required value={appId} onChange={setAppId} />
            <NumberInput label="Installation ID" value={installationId} onChange={setInstallationId} />
          </SimpleGrid>
          <Textarea label="Private key" description="The App’s PEM private key; stored encrypted, never shown again" required autosize minRows={3} value={privateKey} onChange={(e) => setPrivateKey(e.currentTarget.value)} />
        </>
      ) : (
        <>
          {kind === 'https' && (
            <SimpleGrid cols={2}>
              <Select label="Authentication" data={[{ value: 'bearer', label: 'Bearer token' }, { value: 'basic', label: 'Basic (user + password)' }, { value: 'none', label: 'None' }]} value={auth} onChange={(v) => v && setAuth(v as typeof auth)} allowDeselect={false} />
              {auth === 'basic' && <TextInput label="User name" value={username} onChange={(e) => setUsername(e.currentTarget.value)} />}
            </SimpleGrid>
          )}
          {kind === 'bitbucket' && <TextInput label="Atlassian account email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />}
          {!(kind === 'https' && auth === 'none') && (
            <PasswordInput label="Access token" description="Read access to repositories is enough; stored encrypted, never shown again" required value={token} onChange={(e) => setToken(e.currentTarget.value)} autoComplete="new-password" />
          )}
        </>
      )}
    </FormModal>
  );
}

function TestProviderModal({ provider, onClose }: { provider: GitProvider; onClose(): void }) {
  const ws = useWorkspace();
  const [repository, setRepository] = useState('');
  const [result, setResult] = useState<GitProviderTestResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await unwrap(client.POST('/api/v1/workspaces/{ws}/git-providers/{id}/test', { params: { path: { ws: ws.id, id: provider.id } }, body: repository.trim() ? { repository: repository.trim() } : {} })));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormModal title={`Test ${provider.name}`} onClose={onClose} onSubmit={() => void run()} submitLabel="Test" busy={busy} error={error}>
      <TextInput label="Repository" description="A repository path the credentials should read, e.g. group/project" value={repository} onChange={(e) => setRepository(e.currentTarget.value)} data-autofocus />
      {result &&
        (result.ok ? (
          <Alert color="teal" title="The provider works">
            <List size="sm">{result.checks.map((c) => <List.Item key={c}>{c}</List.Item>)}</List>
          </Alert>
        ) : (
          <Alert color="red" title="Something is wrong">
            {result.error?.message}
          </Alert>
        ))}
    </FormModal>
  );
}

function RemoveProviderModal({ provider, onClose }: { provider: GitProvider; onClose(): void }) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setBusy(true);
    try {
      await unwrap(client.DELETE('/api/v1/workspaces/{ws}/git-providers/{id}', { params: { path: { ws: ws.id, id: provider.id } } }));
      await qc.invalidateQueries({ queryKey: packageKeys.providers(ws.id) });
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormModal title={`Disconnect ${provider.name}`} onClose={onClose} onSubmit={() => void submit()} submitLabel="Disconnect" submitColor="red" busy={busy} error={error}>
      <Text size="sm">Its credentials are deleted. A provider that packages still use cannot be disconnected.</Text>
    </FormModal>
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
