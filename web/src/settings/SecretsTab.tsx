/** Settings › Workspace › Secrets: shared secrets (values are write-only), usage, groups. */
import { PasswordInput, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { client, unwrap } from '../api/client';
import { useSecrets } from '../api/queries';
import type { Secret } from '../api/models';
import { canManage, GroupsWithAccess, sameAccess, useConfirmableSave } from '../components/AssetAccess';
import { AddButton, formatTime, GroupBadges, NameCell, SectionIntro } from '../components/common';
import { DeleteAssetModal } from '../components/DeleteAssetModal';
import { FormModal } from '../components/FormModal';
import { ImpactConfirm } from '../components/ImpactConfirm';
import { ResourceTable } from '../components/ResourceTable';
import { useWorkspace } from '../session';

export function SecretsTab() {
  const ws = useWorkspace();
  const list = useSecrets(ws.id);
  const [editing, setEditing] = useState<Secret | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Secret | null>(null);
  return (
    <Stack>
      <SectionIntro action={list.data?.allowedActions.includes('manage_assets') && <AddButton label="New secret" onClick={() => setEditing('new')} />}>
        Named, encrypted values. Imported into a project, a secret can be revealed by its editors who have access, and is injected into the project’s runtime environment.
      </SectionIntro>
      <ResourceTable
        label="Secrets"
        query={list}
        rows={(d) => d.secrets}
        rowName={(s) => s.name ?? 'secret'}
        minWidth={720}
        empty="No secrets shared with you yet."
        columns={[
          { header: 'Name', render: (s) => <NameCell name={s.name} detail={s.description} mono /> },
          { header: 'Type', render: (s) => <Text size="sm">Secret · v{s.currentVersion}</Text> },
          { header: 'Groups with access', render: (s) => <GroupBadges access={s.access} /> },
          { header: 'Updated', render: (s) => <Text size="sm">{formatTime(s.updatedAt)}</Text> },
        ]}
        usage={{ kind: 'secrets', of: (s) => ({ id: s.id, name: s.name ?? 'secret', count: s.usageCount ?? 0 }) }}
        actions={[
          { label: 'Edit', icon: <IconPencil size={16} />, when: (a) => canManage(a), onClick: (r) => setEditing(r) },
          { label: 'Delete', icon: <IconTrash size={16} />, color: 'red', divider: true, when: (a) => canManage(a), onClick: (r) => setDeleting(r) },
        ]}
      />
      {editing && <SecretModal secret={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {deleting && <DeleteAssetModal kind="secrets" id={deleting.id} name={deleting.name ?? ''} kindLabel="Secret" onClose={() => setDeleting(null)} />}
    </Stack>
  );
}

function SecretModal({ secret, onClose }: { secret: Secret | null; onClose(): void }) {
  const ws = useWorkspace();
  const [name, setName] = useState(secret?.name ?? '');
  const [description, setDescription] = useState(secret?.description ?? '');
  const [value, setValue] = useState('');
  const [access, setAccess] = useState<string[]>(secret?.access ?? ['workspace']);
  const saver = useConfirmableSave(() => {
    notifications.show({ message: `Secret ${name} saved.`, color: 'teal' });
    onClose();
  });

  const change = async (confirm: boolean) => {
    if (!secret) {
      await unwrap(client.POST('/api/v1/workspaces/{ws}/secrets', { params: { path: { ws: ws.id } }, body: { name: name.trim(), description, value, access } }));
      return;
    }
    const one = { params: { path: { ws: ws.id, id: secret.id } } };
    if (!confirm) await unwrap(client.PATCH('/api/v1/workspaces/{ws}/secrets/{id}', { ...one, body: { name: name.trim(), description, ...(value ? { value } : {}) } }));
    if (!sameAccess(access, secret.access)) await unwrap(client.PUT('/api/v1/workspaces/{ws}/secrets/{id}/access', { ...one, body: { access, ...(confirm ? { confirm: true } : {}) } }));
  };

  return (
    <FormModal
      title={secret ? `Edit ${secret.name}` : 'New secret'}
      size="lg"
      onClose={onClose}
      onSubmit={() => saver.save(change)}
      submitLabel={secret ? 'Save changes' : 'Create secret'}
      busy={saver.busy}
      error={saver.error}
      footer={saver.impact && <ImpactConfirm impact={saver.impact} what="Changing the groups with access" confirmLabel="Change access anyway" busy={saver.busy} onConfirm={saver.confirm} onCancel={saver.cancel} />}
    >
      <TextInput
        label="Name"
        description="An environment variable name, like DB_PASSWORD"
        required
        value={name}
        onChange={(e) => setName(e.currentTarget.value.toUpperCase())}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        data-autofocus
      />
      <Textarea label="Description" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
      <PasswordInput
        label="Value"
        required={!secret}
        description={secret ? 'Leave empty to keep the current value; a new value makes a new version' : 'Stored encrypted; never listed'}
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
        autoComplete="new-password"
      />
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
