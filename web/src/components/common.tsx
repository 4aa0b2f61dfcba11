/** Small building blocks every page uses: errors, badges, page headers, empty states. */
import { Alert, Badge, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle, IconLock, IconPlus } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { AssetKind, Level, Role, SqlType } from '../api/models';
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

/** The top of a tab: what it holds, and the button that adds one (when allowed). */
export function SectionIntro({ title, children, action }: { title?: string; children: ReactNode; action?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" wrap="wrap">
      <div>
        {title && <Title order={4}>{title}</Title>}
        <Text size="sm" c="dimmed" maw={640}>
          {children}
        </Text>
      </div>
      {action}
    </Group>
  );
}

export function AddButton({ label, onClick, icon, variant }: { label: string; onClick(): void; icon?: ReactNode; variant?: 'filled' | 'light' }) {
  return (
    <Button leftSection={icon ?? <IconPlus size={16} />} onClick={onClick} variant={variant ?? 'filled'}>
      {label}
    </Button>
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

const LEVEL_LABEL: Record<Level, string> = { none: 'No access', can_view: 'Can view', can_edit: 'Can edit', full_access: 'Full access' };
const LEVEL_COLOR: Record<Level, string> = { none: 'gray', can_view: 'blue', can_edit: 'teal', full_access: 'violet' };

export function levelLabel(l: Level): string {
  return LEVEL_LABEL[l];
}

export function LevelBadge({ level }: { level: Level }) {
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

export const KIND_LABEL: Record<AssetKind, string> = {
  data_connection: 'Data connection',
  secret: 'Secret',
  git_package: 'Git package',
  file_integration: 'File integration',
};

export const TYPE_LABEL: Record<SqlType, string> = { postgres: 'PostgreSQL', mysql: 'MySQL / MariaDB', sqlite: 'SQLite', duckdb: 'DuckDB' };

/** "1 project", "3 projects". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A name with a dimmed second line (description, e-mail, connection string). */
export function NameCell({ name, detail, mono }: { name: ReactNode; detail?: ReactNode; mono?: boolean }) {
  return (
    <>
      <Text size="sm" fw={500} component="div" {...(mono ? { ff: 'monospace' } : {})}>
        {name}
      </Text>
      {detail && (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      )}
    </>
  );
}

export function ScopeBadge({ scope }: { scope: 'workspace' | 'project' }) {
  return (
    <Badge variant="light" color={scope === 'workspace' ? 'indigo' : 'gray'}>
      {scope}
    </Badge>
  );
}

/** A name the caller may not see (rule 2): a lock and a placeholder. */
export function Hidden({ children }: { children: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <IconLock size={14} />
      <Text size="sm" c="dimmed">
        {children}
      </Text>
    </Group>
  );
}
