/**
 * Settings › Workspace › Integrations › External file integrations: S3 (or S3-compatible) buckets
 * shared with projects — usage, groups with access, edit, test, delete with a preview (rule 8).
 * The key pair is write-only; saving checks it and the server names each permission it lacks.
 */
import { Alert, Code, List, PasswordInput, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlugConnected, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { client, unwrap } from '../api/client';
import { type FileIntegration, type PermissionReport, useFileIntegrations } from '../api/files';
import { canManage, GroupsWithAccess, sameAccess, useConfirmableSave } from '../components/AssetAccess';
import { AddButton, ErrorAlert, GroupBadges, NameCell, SectionIntro } from '../components/common';
import { DeleteAssetModal } from '../components/DeleteAssetModal';
import { FormModal } from '../components/FormModal';
import { ImpactConfirm } from '../components/ImpactConfirm';
import { ResourceTable } from '../components/ResourceTable';
import { useWorkspace } from '../session';

export function FileIntegrationsSection() {
  const ws = useWorkspace();
  const list = useFileIntegrations(ws.id);
  const [editing, setEditing] = useState<FileIntegration | 'new' | null>(null);
  const [testing, setTesting] = useState<FileIntegration | null>(null);
  const [deleting, setDeleting] = useState<FileIntegration | null>(null);
  return (
    <Stack>
      <SectionIntro title="External file integrations" action={list.data?.allowedActions.includes('manage_assets') && <AddButton label="New file integration" onClick={() => setEditing('new')} />}>
        S3 or S3-compatible buckets. Editors with access browse a bucket and import its files into a project (under <Code>external-files/s3/&lt;name&gt;/</Code>); with writeback on they can export project files back.
      </SectionIntro>
      <ResourceTable
        label="External file integrations"
        query={list}
        rows={(d) => d.fileIntegrations}
        minWidth={760}
        empty="No file integrations shared with you yet."
        columns={[
          { header: 'Name', render: (f) => <NameCell name={f.name} detail={`s3://${f.bucket}/${f.prefix}`} /> },
          { header: 'Endpoint', render: (f) => <Text size="sm">{f.endpoint ?? `AWS · ${f.region}`}</Text> },
          { header: 'Writeback', render: (f) => <Text size="sm">{f.writeback ? 'On' : 'Off'}</Text> },
          { header: 'Groups with access', render: (f) => <GroupBadges access={f.access} /> },
        ]}
        usage={{ kind: 'file-integrations', of: (f) => ({ id: f.id, name: f.name, count: f.usageCount }) }}
        actions={[
          { label: 'Edit', icon: <IconPencil size={16} />, when: (f) => canManage(f), onClick: (f) => setEditing(f) },
          { label: 'Test', icon: <IconPlugConnected size={16} />, when: (f) => canManage(f), onClick: (f) => setTesting(f) },
          { label: 'Delete', icon: <IconTrash size={16} />, color: 'red', divider: true, when: (f) => canManage(f), onClick: (f) => setDeleting(f) },
        ]}
      />
      {editing && <IntegrationModal integration={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {testing && <TestModal integration={testing} onClose={() => setTesting(null)} />}
      {deleting && <DeleteAssetModal kind="file-integrations" id={deleting.id} name={deleting.name} kindLabel="File integration" onClose={() => setDeleting(null)} />}
    </Stack>
  );
}

function Report({ report }: { report: PermissionReport }) {
  if (report.ok && !report.unverified.length) return <Alert color="teal" variant="light" title="This key has every permission the integration needs">{report.granted.join(', ')}</Alert>;
  return (
    <Alert color={report.ok ? 'yellow' : 'red'} variant="light" title={report.ok ? 'Some permissions could not be checked' : 'This key lacks permissions'} role="alert">
      <List size="sm">
        {[...report.missing, ...report.unverified].map((m) => (
          <List.Item key={m.permission}>{m.message}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

function IntegrationModal({ integration, onClose }: { integration: FileIntegration | null; onClose(): void }) {
  const ws = useWorkspace();
  const [name, setName] = useState(integration?.name ?? '');
  const [bucket, setBucket] = useState(integration?.bucket ?? '');
  const [region, setRegion] = useState(integration?.region ?? 'us-east-1');
  const [endpoint, setEndpoint] = useState(integration?.endpoint ?? '');
  const [pathStyle, setPathStyle] = useState(integration?.pathStyle ?? false);
  const [prefix, setPrefix] = useState(integration?.prefix ?? '');
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [writeback, setWriteback] = useState(integration?.writeback ?? false);
  const [access, setAccess] = useState<string[]>(integration?.access ?? ['workspace']);
  const [report, setReport] = useState<PermissionReport | null>(null);
  const [testError, setTestError] = useState<unknown>(null);
  const [testing, setTesting] = useState(false);
  const saver = useConfirmableSave(() => {
    notifications.show({ message: `File integration ${name} saved.`, color: 'teal' });
    onClose();
  });
  const settings = () => ({ bucket: bucket.trim(), region: region.trim(), pathStyle, prefix: prefix.trim(), writeback, ...(endpoint.trim() ? { endpoint: endpoint.trim() } : {}) });

  const change = async (confirm: boolean) => {
    if (!integration) {
      await unwrap(client.POST('/api/v1/workspaces/{ws}/file-integrations', { params: { path: { ws: ws.id } }, body: { name: name.trim(), ...settings(), accessKeyId: accessKeyId.trim(), secretAccessKey, access } }));
      return;
    }
    const one = { params: { path: { ws: ws.id, id: integration.id } } };
    if (!confirm) {
      await unwrap(
        client.PATCH('/api/v1/workspaces/{ws}/file-integrations/{id}', {
          ...one,
          body: { name: name.trim(), ...settings(), endpoint: endpoint.trim() || null, ...(accessKeyId.trim() ? { accessKeyId: accessKeyId.trim() } : {}), ...(secretAccessKey ? { secretAccessKey } : {}) },
        }),
      );
    }
    if (!sameAccess(access, integration.access)) await unwrap(client.PUT('/api/v1/workspaces/{ws}/file-integrations/{id}/access', { ...one, body: { access, ...(confirm ? { confirm: true } : {}) } }));
  };
  const test = async () => {
    setTesting(true);
    setTestError(null);
    setReport(null);
    try {
      setReport(
        integration && !accessKeyId && !secretAccessKey
          ? await unwrap(client.POST('/api/v1/workspaces/{ws}/file-integrations/{id}/test', { params: { path: { ws: ws.id, id: integration.id } } }))
          : await unwrap(client.POST('/api/v1/workspaces/{ws}/file-integrations/test', { params: { path: { ws: ws.id } }, body: { ...settings(), accessKeyId: accessKeyId.trim(), secretAccessKey } })),
      );
    } catch (e) {
      setTestError(e);
    } finally {
      setTesting(false);
    }
  };

  return (
    <FormModal
      title={integration ? `Edit ${integration.name}` : 'New file integration'}
      size="lg"
      onClose={onClose}
      onSubmit={() => saver.save(change)}
      submitLabel={integration ? 'Save changes' : 'Add integration'}
      busy={saver.busy}
      error={saver.error}
      errorTitle="The integration was not saved"
      footerStart={
        <AddButton label={testing ? 'Checking…' : 'Check permissions'} variant="light" icon={<IconPlugConnected size={16} />} onClick={() => void test()} />
      }
      footer={saver.impact && <ImpactConfirm impact={saver.impact} what="Changing the groups with access" confirmLabel="Change access anyway" busy={saver.busy} onConfirm={saver.confirm} onCancel={saver.cancel} />}
    >
      <TextInput label="Name" description="Also the folder of its files in a project" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
      <SimpleGrid cols={2}>
        <TextInput label="Bucket" required value={bucket} onChange={(e) => setBucket(e.currentTarget.value)} />
        <TextInput label="Region" value={region} onChange={(e) => setRegion(e.currentTarget.value)} />
      </SimpleGrid>
      <TextInput label="Endpoint" description="For S3-compatible stores (MinIO, Ceph, R2…); empty for AWS S3" placeholder="https://s3.example.com:9000" value={endpoint} onChange={(e) => setEndpoint(e.currentTarget.value)} />
      <Switch label="Path-style addressing (most S3-compatible stores need it)" checked={pathStyle} onChange={(e) => setPathStyle(e.currentTarget.checked)} />
      <TextInput label="Prefix" description="Limit the integration to one folder of the bucket (optional)" value={prefix} onChange={(e) => setPrefix(e.currentTarget.value)} />
      <SimpleGrid cols={2}>
        <TextInput label="Access key id" required={!integration} description={integration ? `Now ${integration.accessKeyIdHint}; empty keeps it` : 'Stored encrypted'} value={accessKeyId} onChange={(e) => setAccessKeyId(e.currentTarget.value)} autoComplete="off" />
        <PasswordInput label="Secret access key" required={!integration} description={integration ? 'Empty keeps the current one' : 'Write-only: never shown again'} value={secretAccessKey} onChange={(e) => setSecretAccessKey(e.currentTarget.value)} autoComplete="new-password" />
      </SimpleGrid>
      <Switch label="Writeback: editors may export project files to the bucket (the key needs s3:PutObject)" checked={writeback} onChange={(e) => setWriteback(e.currentTarget.checked)} />
      <GroupsWithAccess
        value={access}
        onChange={(v) => {
          setAccess(v);
          saver.cancel();
        }}
      />
      {report && <Report report={report} />}
      <ErrorAlert error={testError} title="The check failed" />
    </FormModal>
  );
}

function TestModal({ integration, onClose }: { integration: FileIntegration; onClose(): void }) {
  const ws = useWorkspace();
  const [state, setState] = useState<{ report?: PermissionReport; error?: unknown; busy: boolean }>({ busy: false });
  const run = async () => {
    setState({ busy: true });
    try {
      setState({ busy: false, report: await unwrap(client.POST('/api/v1/workspaces/{ws}/file-integrations/{id}/test', { params: { path: { ws: ws.id, id: integration.id } } })) });
    } catch (e) {
      setState({ busy: false, error: e });
    }
  };
  return (
    <FormModal title={`Test ${integration.name}`} onClose={onClose} onSubmit={() => void run()} submitLabel="Check permissions" busy={state.busy}>
      <Text size="sm">Checks the saved key against s3://{integration.bucket}/{integration.prefix} without writing anything.</Text>
      {state.report && <Report report={state.report} />}
      <ErrorAlert error={state.error} title="The check failed" />
    </FormModal>
  );
}
