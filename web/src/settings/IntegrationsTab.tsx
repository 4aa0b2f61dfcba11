/** Settings › Workspace › Integrations: API tokens for programs (the token is shown once). */
import { ActionIcon, Alert, Badge, Button, Checkbox, Code, CopyButton, Group, Modal, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconKey, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../api/client';
import { useLoad } from '../api/hooks';
import type { ApiToken } from '../api/types';
import { Empty, ErrorAlert, formatTime, Loading } from '../components/common';

export function IntegrationsTab() {
  const tokens = useLoad(() => api.get<{ tokens: ApiToken[] }>('/me/tokens'), []);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [error, setError] = useState<unknown>(null);
  const revoke = async (t: ApiToken) => {
    try {
      await api.del(`/me/tokens/${t.id}`);
      setRevoking(null);
      await tokens.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <div>
          <Title order={4}>API tokens</Title>
          <Text size="sm" c="dimmed" maw={640}>
            Programs call the Atrium API with a token (<Code>Authorization: Bearer atr_…</Code>). A token acts as you, limited to its scopes. It is shown once, stored hashed, and can expire.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New token
        </Button>
      </Group>
      <ErrorAlert error={tokens.error ?? error} />
      {tokens.loading && !tokens.data && <Loading />}
      {tokens.data && (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="API tokens">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.tokens.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {t.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {t.prefix}…
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {t.scopes.map((s) => (
                        <Badge key={s} variant="light" color={s === 'write' ? 'orange' : 'blue'}>
                          {s}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{formatTime(t.createdAt)}</Table.Td>
                  <Table.Td>{t.expiresAt ? formatTime(t.expiresAt) : 'Never'}</Table.Td>
                  <Table.Td>{formatTime(t.lastUsedAt)}</Table.Td>
                  <Table.Td>
                    {t.revokedAt ? (
                      <Badge color="gray" variant="light">
                        Revoked
                      </Badge>
                    ) : (
                      <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(t)}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {tokens.data.tokens.length === 0 && <Empty>You have no API tokens.</Empty>}
        </Table.ScrollContainer>
      )}
      {creating && <CreateTokenModal onClose={() => setCreating(false)} onCreated={() => void tokens.reload()} />}
      <Modal opened={!!revoking} onClose={() => setRevoking(null)} title="Revoke token">
        <Stack>
          <Text size="sm">Programs using “{revoking?.name}” will stop working at once. This cannot be undone.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button color="red" onClick={() => revoking && void revoke(revoking)}>
              Revoke token
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function CreateTokenModal({ onClose, onCreated }: { onClose(): void; onCreated(): void }) {
  const [name, setName] = useState('');
  const [write, setWrite] = useState(false);
  const [days, setDays] = useState('90');
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const n = Number(days);
      const expiresAt = days && n > 0 ? new Date(Date.now() + n * 86_400_000).toISOString() : null;
      const r = await api.post<{ token: string }>('/me/tokens', { name: name.trim(), scopes: write ? ['read', 'write'] : ['read'], expiresAt });
      setToken(r.token);
      onCreated();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title="New API token" size="lg">
      {token ? (
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
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <Stack>
            <TextInput label="Name" description="What will use it, e.g. “nightly export”" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
            <Checkbox label="Allow changes (write scope); without it the token can only read" checked={write} onChange={(e) => setWrite(e.currentTarget.checked)} />
            <TextInput label="Expires after (days)" description="Empty for no expiry" type="number" min={1} value={days} onChange={(e) => setDays(e.currentTarget.value)} />
            <ErrorAlert error={error} />
            <Group justify="flex-end">
              <Button variant="subtle" color="gray" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
