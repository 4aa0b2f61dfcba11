/** A project's secrets; editors with access may reveal a value (audited). Values are never listed. */
import { ActionIcon, Badge, Button, Code, CopyButton, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconEye, IconEyeOff, IconLock } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../api/client';
import { useLoad } from '../api/hooks';
import type { Project, Secret } from '../api/types';
import { Empty, ErrorAlert, Loading } from '../components/common';

export function ProjectSecretsPanel({ project }: { project: Project }) {
  const list = useLoad(() => api.get<{ secrets: Secret[] }>(`/projects/${project.id}/secrets`), [project.id]);
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const reveal = async (name: string) => {
    setError(null);
    try {
      const r = await api.post<{ value: string }>(`/projects/${project.id}/secrets/${encodeURIComponent(name)}/reveal`);
      setRevealed((s) => ({ ...s, [name]: r.value }));
    } catch (e) {
      setError(e);
    }
  };
  const hide = (name: string) =>
    setRevealed((s) => {
      const { [name]: _gone, ...rest } = s;
      return rest;
    });
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Secrets are injected into the project’s runtime. Revealing a value needs Can edit and access to the secret, and is written to the audit log.
      </Text>
      <ErrorAlert error={list.error ?? error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.secrets.length === 0 && <Empty>This project has no secrets.</Empty>}
      {list.data && list.data.secrets.length > 0 && (
        <Table aria-label="Project secrets">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Scope</Table.Th>
              <Table.Th>Value</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.secrets.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  {s.name ? (
                    <Text ff="monospace" size="sm" fw={500}>
                      {s.name}
                    </Text>
                  ) : (
                    <Group gap={6}>
                      <IconLock size={14} />
                      <Text size="sm" c="dimmed">
                        A secret you cannot see
                      </Text>
                    </Group>
                  )}
                  {s.description && (
                    <Text size="xs" c="dimmed">
                      {s.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={s.scope === 'workspace' ? 'indigo' : 'gray'}>
                    {s.scope}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {s.name && revealed[s.name] !== undefined ? (
                    <Group gap={6} wrap="nowrap">
                      <Code>{revealed[s.name]}</Code>
                      <CopyButton value={revealed[s.name] ?? ''}>
                        {({ copied, copy }) => (
                          <ActionIcon variant="subtle" onClick={copy} aria-label="Copy value">
                            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                          </ActionIcon>
                        )}
                      </CopyButton>
                      <Tooltip label="Hide">
                        <ActionIcon variant="subtle" color="gray" onClick={() => hide(s.name!)} aria-label="Hide value">
                          <IconEyeOff size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  ) : s.canReveal && s.name ? (
                    <Button size="xs" variant="light" leftSection={<IconEye size={14} />} onClick={() => void reveal(s.name!)}>
                      Reveal
                    </Button>
                  ) : (
                    <Text size="sm" c="dimmed">
                      ••••••••
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
