/** Settings › Workspace › Integrations: git providers and packages (GitPackagesSection), API tokens for programs (the token is shown once). */
import { ActionIcon, Alert, Badge, Button, Checkbox, Code, CopyButton, Group, Modal, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconKey, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { client, unwrap } from '../api/client';
import { invalidate } from '../api/keys';
import { useChange, useTokens } from '../api/queries';
import type { ApiToken } from '../api/models';
import { AddButton, formatTime, NameCell, SectionIntro } from '../components/common';
import { FormModal } from '../components/FormModal';
import { ResourceTable } from '../components/ResourceTable';
import { FileIntegrationsSection } from './FileIntegrationsSection';
import { GitPackagesSection } from './GitPackagesSection';

export function IntegrationsTab() {
  const tokens = useTokens();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useChange((t: ApiToken) => unwrap(client.DELETE('/api/v1/me/tokens/{tokenId}', { params: { path: { tokenId: t.id } } })), (qc) => invalidate.tokens(qc));
  return (
    <Stack>
      <GitPackagesSection />
      <FileIntegrationsSection />
      <SectionIntro title="API tokens" action={<AddButton label="New token" onClick={() => setCreating(true)} />}>
        Programs call the Atrium API with a token (<Code>Authorization: Bearer atr_…</Code>). A token acts as you, limited to its scopes. It is shown once, stored hashed, and can expire.
      </SectionIntro>
      <ResourceTable
        label="API tokens"
        query={tokens}
        rows={(d) => d.tokens}
        minWidth={640}
        empty="You have no API tokens."
        columns={[
          { header: 'Name', render: (t) => <NameCell name={t.name} detail={`${t.prefix}…`} /> },
          { header: 'Scopes', render: (t) => <Scopes token={t} /> },
          { header: 'Created', render: (t) => formatTime(t.createdAt) },
          { header: 'Expires', render: (t) => (t.expiresAt ? formatTime(t.expiresAt) : 'Never') },
          { header: 'Last used', render: (t) => formatTime(t.lastUsedAt) },
        ]}
        actions={[{ label: 'Revoke', icon: <IconTrash size={16} />, color: 'red', when: (t) => !t.revokedAt, onClick: (t) => setRevoking(t) }]}
      />
      {creating && <CreateTokenModal onClose={() => setCreating(false)} />}
      {revoking && (
        <FormModal
          title="Revoke token"
          submitLabel="Revoke token"
          submitColor="red"
          busy={revoke.isPending}
          error={revoke.error}
          onClose={() => setRevoking(null)}
          onSubmit={() => revoke.mutate(revoking, { onSuccess: () => setRevoking(null) })}
        >
          <Text size="sm">Programs using “{revoking.name}” will stop working at once. This cannot be undone.</Text>
        </FormModal>
      )}
    </Stack>
  );
}

function Scopes({ token }: { token: ApiToken }) {
  return (
    <Group gap={4}>
      {token.scopes.map((s) => (
        <Badge key={s} variant="light" color={s === 'write' ? 'orange' : 'blue'}>
          {s}
        </Badge>
      ))}
      {token.revokedAt && (
        <Badge color="gray" variant="outline">
          Revoked
        </Badge>
      )}
    </Group>
  );
}

function CreateTokenModal({ onClose }: { onClose(): void }) {
  const [name, setName] = useState('');
  const [write, setWrite] = useState(false);
  const [days, setDays] = useState('90');
  const create = useChange(
    () => {
      const n = Number(days);
      const expiresAt = days && n > 0 ? new Date(Date.now() + n * 86_400_000).toISOString() : null;
      return unwrap(client.POST('/api/v1/me/tokens', { body: { name: name.trim(), scopes: write ? ['read', 'write'] : ['read'], expiresAt } }));
    },
    (qc) => invalidate.tokens(qc),
  );
  if (create.data) return <TokenCreated token={create.data.token} onClose={onClose} />;
  return (
    <FormModal title="New API token" size="lg" onClose={onClose} onSubmit={() => create.mutate(undefined)} submitLabel="Create token" busy={create.isPending} error={create.error}>
      <TextInput label="Name" description="What will use it, e.g. “nightly export”" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
      <Checkbox label="Allow changes (write scope); without it the token can only read" checked={write} onChange={(e) => setWrite(e.currentTarget.checked)} />
      <TextInput label="Expires after (days)" description="Empty for no expiry" type="number" min={1} value={days} onChange={(e) => setDays(e.currentTarget.value)} />
    </FormModal>
  );
}

function TokenCreated({ token, onClose }: { token: string; onClose(): void }) {
  return (
    <Modal opened onClose={onClose} title="New API token" size="lg">
      <Stack>
        <Alert color="teal" variant="light" icon={<IconKey size={18} />} title="Copy your token now">
          It will not be shown again.
        </Alert>
        <Group gap="xs" wrap="nowrap">
          <Code block style={{ flex: 1, wordBreak: 'break-all' }} aria-label="New API token">
            {token}
          </Code>
          <CopyButton value={token}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy'}>
                <ActionIcon variant="light" onClick={copy} aria-label="Copy token">
                  {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
        <Group justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
