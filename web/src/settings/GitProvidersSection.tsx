/**
 * Settings › Workspace › Integrations › Git providers (admins): where git packages come from. The
 * credentials are write-only. A GitHub provider links the workspace's GitHub account with the
 * OAuth step: "Connect GitHub account" sends the browser to GitHub, which sends it back to the
 * server's callback, which sends it here with `?github=linked` or `?github_error=…` (rule 11).
 */
import { Alert, List, NumberInput, PasswordInput, Select, SimpleGrid, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBrandGithub, IconPlugConnected, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { client, unwrap } from '../api/client';
import { type GitProvider, type GitProviderKind, type GitProviderTestResult, packageKeys, startGitHubLink, useGitProviders } from '../api/packages';
import { AddButton, NameCell, SectionIntro } from '../components/common';
import { FormModal } from '../components/FormModal';
import { ResourceTable } from '../components/ResourceTable';
import { useWorkspace } from '../session';

export const KIND_LABELS: Record<GitProviderKind, string> = { github: 'GitHub', github_enterprise: 'GitHub Enterprise Server', gitlab: 'GitLab', bitbucket: 'Bitbucket', https: 'HTTPS remote' };
const isGitHub = (p: GitProvider) => p.kind === 'github' || p.kind === 'github_enterprise';

export function GitProvidersSection({ providers }: { providers: ReturnType<typeof useGitProviders> }) {
  const [newProvider, setNewProvider] = useState(false);
  const [testing, setTesting] = useState<GitProvider | null>(null);
  const [removing, setRemoving] = useState<GitProvider | null>(null);
  const [connecting, setConnecting] = useState<GitProvider | null>(null);
  useGitHubReturn();
  return (
    <>
      <SectionIntro title="Git providers" action={<AddButton label="New git provider" onClick={() => setNewProvider(true)} />}>
        Where packages come from: a GitHub App, GitLab, Bitbucket or any HTTPS remote. Credentials are stored encrypted and never shown again. A GitHub provider links one GitHub account to this workspace, and that account to no other workspace.
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
          {
            header: 'Account',
            render: (p) =>
              p.githubAccount ? (
                <NameCell name={p.githubAccount.login} detail={p.githubLinkedBy ? `linked by ${p.githubLinkedBy.login}` : p.installationId !== null ? `installation ${p.installationId}` : undefined} />
              ) : (
                <Text size="sm" c="dimmed">{isGitHub(p) ? 'Not connected' : '—'}</Text>
              ),
          },
          { header: 'Packages', render: (p) => <Text size="sm">{p.packageCount}</Text> },
        ]}
        actions={[
          { label: 'Connect GitHub account', icon: <IconBrandGithub size={16} />, when: isGitHub, onClick: (p) => setConnecting(p) },
          { label: 'Test', icon: <IconPlugConnected size={16} />, onClick: (p) => setTesting(p) },
          { label: 'Delete', icon: <IconTrash size={16} />, color: 'red', divider: true, onClick: (p) => setRemoving(p) },
        ]}
      />
      {newProvider && <ProviderModal onClose={() => setNewProvider(false)} />}
      {connecting && <ConnectGitHubModal provider={connecting} onClose={() => setConnecting(null)} />}
      {testing && <TestProviderModal provider={testing} onClose={() => setTesting(null)} />}
      {removing && <RemoveProviderModal provider={removing} onClose={() => setRemoving(null)} />}
    </>
  );
}

/** Back from GitHub: says how it went, once, and takes the parameters out of the address bar. */
function useGitHubReturn() {
  const [params, setParams] = useSearchParams();
  const linked = params.get('github');
  const error = params.get('github_error');
  useEffect(() => {
    if (!linked && !error) return;
    if (linked === 'linked') {
      const account = params.get('github_account');
      notifications.show({ title: 'GitHub account connected', message: account ? `This workspace is now linked to ${account}.` : 'The GitHub account is linked.', color: 'teal' });
    } else if (error) {
      notifications.show({ title: 'GitHub account not connected', message: params.get('github_message') ?? error, color: 'red', autoClose: false });
    }
    const next = new URLSearchParams(params);
    for (const k of ['github', 'github_account', 'github_error', 'github_message']) next.delete(k);
    setParams(next, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [linked, error]);
}

function ConnectGitHubModal({ provider, onClose }: { provider: GitProvider; onClose(): void }) {
  const ws = useWorkspace();
  const [installationId, setInstallationId] = useState<string | number>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await startGitHubLink(ws.id, provider.id, installationId === '' ? undefined : Number(installationId));
      // GitHub sends the browser back to Atrium's callback, which lands here again.
      window.location.assign(r.authorizeUrl);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <FormModal title={`Connect GitHub account to ${provider.name}`} onClose={onClose} onSubmit={() => void submit()} submitLabel="Continue on GitHub" busy={busy} error={error}>
      <Text size="sm">
        You sign in to GitHub and approve the App; GitHub sends you back here. The account the App is installed on becomes this workspace’s GitHub account — one workspace per account.
        {provider.githubAccount ? ` It is linked to ${provider.githubAccount.login} now.` : ''}
      </Text>
      <NumberInput label="Installation ID" description="Only when your GitHub account can access several installations of the App" value={installationId} onChange={setInstallationId} min={1} allowDecimal={false} data-autofocus />
    </FormModal>
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
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const github = kind === 'github' || kind === 'github_enterprise';
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const base = baseUrl.trim();
      const config: Record<string, unknown> = github
        ? { appId: Number(appId), ...(base ? { apiBaseUrl: base } : {}), ...(clientId.trim() ? { clientId: clientId.trim() } : {}) }
        : kind === 'https'
          ? { baseUrl: base, auth, ...(auth === 'basic' ? { username } : {}) }
          : kind === 'bitbucket'
            ? { ...(base ? { baseUrl: base } : {}), ...(email ? { email } : {}) }
            : { ...(base ? { baseUrl: base } : {}) };
      const credentials: Record<string, string> = github ? { privateKey, ...(clientSecret ? { clientSecret } : {}) } : kind === 'https' ? (auth === 'none' ? {} : { secret: token }) : { token };
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
          <SimpleGrid cols={2}>
            <TextInput label="Client ID" description="For “Connect GitHub account” (the App’s settings page)" value={clientId} onChange={(e) => setClientId(e.currentTarget.value)} />
            <PasswordInput label="Client secret" description="Stored encrypted, never shown again" value={clientSecret} onChange={(e) => setClientSecret(e.currentTarget.value)} autoComplete="new-password" />
          </SimpleGrid>
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
