/** A project's secrets; editors with access may reveal a value (audited). Values are never listed. */
import { ActionIcon, Button, Code, CopyButton, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconEye, IconEyeOff } from '@tabler/icons-react';
import { useState } from 'react';
import { client, unwrap } from '../api/client';
import { useProjectSecrets } from '../api/queries';
import type { Project, ProjectSecret } from '../api/models';
import { ErrorAlert, Hidden, NameCell, ScopeBadge } from '../components/common';
import { ResourceTable } from '../components/ResourceTable';

export function ProjectSecretsPanel({ project }: { project: Project }) {
  const list = useProjectSecrets(project.id);
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const reveal = async (name: string) => {
    setError(null);
    try {
      const r = (await unwrap(client.POST('/api/v1/projects/{projectId}/secrets/{name}/reveal', { params: { path: { projectId: project.id, name } } })));
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
  const value = (s: ProjectSecret) => {
    const masked = (
      <Text size="sm" c="dimmed">
        ••••••••
      </Text>
    );
    const name = s.name;
    if (!s.visible || !name) return masked;
    const shown = revealed[name];
    if (shown !== undefined) return <Revealed value={shown} onHide={() => hide(name)} />;
    if (!s.canReveal) return masked;
    return (
      <Button size="xs" variant="light" leftSection={<IconEye size={14} />} onClick={() => void reveal(name)}>
        Reveal
      </Button>
    );
  };
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Secrets are injected into the project’s runtime. Revealing a value needs Can edit and access to the secret, and is written to the audit log.
      </Text>
      <ErrorAlert error={error} />
      <ResourceTable
        label="Project secrets"
        query={list}
        rows={(d) => d.secrets}
        empty="This project has no secrets."
        columns={[
          { header: 'Name', render: (s) => (s.visible && s.name ? <NameCell name={s.name} detail={s.description} mono /> : s.name ? <NameCell name={s.name} detail="You have no access to it" mono /> : <Hidden>A secret you cannot see</Hidden>) },
          { header: 'Scope', render: (s) => <ScopeBadge scope={s.scope} /> },
          { header: 'Value', render: value },
        ]}
      />
    </Stack>
  );
}

function Revealed({ value, onHide }: { value: string; onHide(): void }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Code>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <ActionIcon variant="subtle" onClick={copy} aria-label="Copy value">
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        )}
      </CopyButton>
      <Tooltip label="Hide">
        <ActionIcon variant="subtle" color="gray" onClick={onHide} aria-label="Hide value">
          <IconEyeOff size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
