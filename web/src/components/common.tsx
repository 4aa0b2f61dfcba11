/** Small building blocks every page uses: errors, badges, page headers, empty states. */
import { Alert, Badge, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { LevelName, Role } from '../api/types';
import { useDirectory } from '../session';

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={title ?? 'Something went wrong'} role="alert">
      <Text size="sm">{e ? e.message : error instanceof Error ? error.message : String(error)}</Text>
      {e && (
        <Text size="xs" c="dimmed" mt={4}>
          {e.code}
          {e.requestId ? ` · request ${e.requestId}` : ''}
        </Text>
      )}
    </Alert>
  );
}

export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap" gap="sm">
      <Stack gap={4}>
        <Title order={2}>{title}</Title>
        {description && (
          <Text c="dimmed" size="sm" maw={720}>
            {description}
          </Text>
        )}
      </Stack>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Group gap="xs" p="md" aria-live="polite">
      <Loader size="sm" />
      <Text size="sm" c="dimmed">
        {label}
      </Text>
    </Group>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" size="sm" ta="center" py="xl">
      {children}
    </Text>
  );
}

const LEVEL_LABEL: Record<LevelName, string> = { none: 'No access', can_view: 'Can view', can_edit: 'Can edit', full_access: 'Full access' };
const LEVEL_COLOR: Record<LevelName, string> = { none: 'gray', can_view: 'blue', can_edit: 'teal', full_access: 'violet' };

export function levelLabel(l: LevelName): string {
  return LEVEL_LABEL[l];
}

export function LevelBadge({ level }: { level: LevelName }) {
  return (
    <Badge variant="light" color={LEVEL_COLOR[level]}>
      {LEVEL_LABEL[level]}
    </Badge>
  );
}

const ROLE_COLOR: Record<Role, string> = { admin: 'grape', editor: 'teal', viewer: 'blue', guest: 'orange' };

export function RoleBadge({ role }: { role: Role }) {
  return (
    <Badge variant="dot" color={ROLE_COLOR[role]} tt="capitalize">
      {role}
    </Badge>
  );
}

export function GroupBadges({ access }: { access: string[] }) {
  const dir = useDirectory();
  if (!access.length) return <Text size="sm" c="dimmed">Admins only</Text>;
  return (
    <Group gap={4}>
      {access.map((g) => (
        <Badge key={g} variant="outline" color="gray" tt="none" fw={500}>
          {dir.groupLabel(g)}
        </Badge>
      ))}
    </Group>
  );
}

export const KIND_LABEL: Record<string, string> = {
  data_connection: 'Data connection',
  secret: 'Secret',
  git_package: 'Git package',
  file_integration: 'File integration',
};

export const TYPE_LABEL: Record<string, string> = { postgres: 'PostgreSQL', mysql: 'MySQL / MariaDB', sqlite: 'SQLite', duckdb: 'DuckDB' };

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
