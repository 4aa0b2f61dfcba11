/**
 * Create or edit a shared data connection: one form per type, Test connection with the form's
 * values, and Groups with access. Changing the groups of an existing connection goes through
 * PUT …/access, which answers confirmation_required with the impact when anyone would be
 * downgraded: the modal shows it and asks before repeating with confirm.
 */
import { Alert, Button, Group, Modal, MultiSelect, NumberInput, PasswordInput, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { api } from '../api/client';
import type { DataConnection, ImpactRow, SqlType } from '../api/types';
import { ErrorAlert, TYPE_LABEL } from '../components/common';
import { ImpactWarning, impactOf } from '../components/impact';
import { useDirectory, useWorkspace } from '../session';

interface FormState {
  name: string;
  type: SqlType;
  host: string;
  port: number | string;
  database: string;
  user: string;
  password: string;
  sslMode: string;
  path: string;
  readOnly: boolean;
  access: string[];
}

const DEFAULT_PORT: Record<SqlType, number | ''> = { postgres: 5432, mysql: 3306, sqlite: '', duckdb: '' };

function initial(c: DataConnection | null): FormState {
  const cfg = c?.config ?? {};
  const type = c?.type ?? 'postgres';
  return {
    name: c?.name ?? '',
    type,
    host: String(cfg.host ?? ''),
    port: typeof cfg.port === 'number' ? cfg.port : DEFAULT_PORT[type],
    database: String(cfg.database ?? ''),
    user: String(cfg.user ?? ''),
    password: '',
    sslMode: String(cfg.sslMode ?? (type === 'mysql' ? 'disable' : 'prefer')),
    path: String(cfg.path ?? ''),
    readOnly: c?.readOnly ?? false,
    access: c?.access ?? ['workspace'],
  };
}

function configOf(f: FormState): Record<string, unknown> {
  if (f.type === 'sqlite' || f.type === 'duckdb') return { path: f.path };
  return { host: f.host.trim(), port: Number(f.port), database: f.database.trim(), user: f.user.trim(), sslMode: f.sslMode };
}

const sameConfig = (a: Record<string, unknown>, b: Record<string, unknown>) => Object.keys(a).every((k) => a[k] === b[k]);

export function ConnectionModal({ connection, onClose, onSaved }: { connection: DataConnection | null; onClose(): void; onSaved(): Promise<void> | void }) {
  const ws = useWorkspace();
  const dir = useDirectory();
  const [f, setF] = useState<FormState>(() => initial(connection));
  const [error, setError] = useState<unknown>(null);
  const [testResult, setTestResult] = useState<{ serverVersion?: string; latencyMs?: number } | null>(null);
  const [testing, setTesting] = useState(false);
  const [saving, setSaving] = useState(false);
  const [impact, setImpact] = useState<ImpactRow[] | null>(null);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => {
    setF((s) => ({ ...s, [k]: v }));
    setTestResult(null);
  };
  const isNetwork = f.type === 'postgres' || f.type === 'mysql';
  const groupOptions = useMemo(
    () => [
      { group: 'Built-in groups', items: dir.groups.builtin.map((g) => ({ value: g.id, label: g.name })) },
      { group: 'Custom groups', items: dir.groups.custom.map((g) => ({ value: g.id, label: g.name })) },
    ].filter((g) => g.items.length),
    [dir.groups],
  );

  const test = async () => {
    setTesting(true);
    setError(null);
    setTestResult(null);
    try {
      const cfg = configOf(f);
      // Editing with the password left empty: test the saved credentials when the settings are unchanged.
      const r =
        connection && !f.password && sameConfig(cfg, connection.config)
          ? await api.post<{ serverVersion?: string; latencyMs?: number }>(`/workspaces/${ws.id}/data-connections/${connection.id}/test`)
          : await api.post<{ serverVersion?: string; latencyMs?: number }>(`/workspaces/${ws.id}/data-connections/test`, { type: f.type, config: cfg, ...(f.password ? { password: f.password } : {}) });
      setTestResult(r);
    } catch (e) {
      setError(e);
    } finally {
      setTesting(false);
    }
  };

  const accessChanged = connection ? [...f.access].sort().join(',') !== [...connection.access].sort().join(',') : false;

  const save = async (confirm = false) => {
    setSaving(true);
    setError(null);
    try {
      if (!connection) {
        await api.post(`/workspaces/${ws.id}/data-connections`, {
          name: f.name.trim(),
          type: f.type,
          config: configOf(f),
          ...(f.password ? { password: f.password } : {}),
          readOnly: f.readOnly,
          access: f.access,
        });
      } else {
        if (!confirm) {
          await api.patch(`/workspaces/${ws.id}/data-connections/${connection.id}`, {
            name: f.name.trim(),
            config: configOf(f),
            ...(f.password ? { password: f.password } : {}),
            readOnly: f.readOnly,
          });
        }
        if (accessChanged) await api.put(`/workspaces/${ws.id}/data-connections/${connection.id}/access`, { access: f.access, ...(confirm ? { confirm: true } : {}) });
      }
      await onSaved();
      onClose();
    } catch (e) {
      const rows = impactOf(e);
      if (rows) setImpact(rows);
      else setError(e);
      if (rows) await onSaved();
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={connection ? `Edit ${connection.name}` : 'New data connection'} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Name" required value={f.name} onChange={(e) => set('name', e.currentTarget.value)} data-autofocus />
            <Select
              label="Type"
              required
              disabled={!!connection}
              data={(['postgres', 'mysql', 'sqlite', 'duckdb'] as const).map((t) => ({ value: t, label: TYPE_LABEL[t]! }))}
              value={f.type}
              onChange={(v) => {
                if (!v) return;
                const t = v as SqlType;
                setF((s) => ({ ...s, type: t, port: DEFAULT_PORT[t], sslMode: t === 'mysql' ? 'disable' : 'prefer' }));
                setTestResult(null);
              }}
              allowDeselect={false}
            />
          </SimpleGrid>
          {isNetwork ? (
            <>
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <TextInput label="Host" required value={f.host} onChange={(e) => set('host', e.currentTarget.value)} style={{ gridColumn: 'span 2' }} />
                <NumberInput label="Port" required min={1} max={65535} value={f.port} onChange={(v) => set('port', v)} hideControls />
              </SimpleGrid>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput label="Database" required value={f.database} onChange={(e) => set('database', e.currentTarget.value)} />
                <TextInput label="User" required value={f.user} onChange={(e) => set('user', e.currentTarget.value)} autoComplete="off" />
                <PasswordInput
                  label="Password"
                  description={connection ? (connection.hasPassword ? 'Leave empty to keep the current password' : 'No password is stored') : 'Stored encrypted; never shown again'}
                  placeholder={connection?.hasPassword ? '••••••••' : ''}
                  value={f.password}
                  onChange={(e) => set('password', e.currentTarget.value)}
                  autoComplete="new-password"
                />
                <Select
                  label="SSL mode"
                  description="verify-full checks the certificate and host name"
                  data={f.type === 'mysql' ? ['disable', 'require', 'verify-full'] : ['disable', 'prefer', 'require', 'verify-full']}
                  value={f.sslMode}
                  onChange={(v) => v && set('sslMode', v)}
                  allowDeselect={false}
                />
              </SimpleGrid>
            </>
          ) : (
            <TextInput
              label="Database file"
              description={f.type === 'duckdb' ? 'A path under the server’s files directory, or :memory:' : 'A path under the server’s files directory'}
              required
              value={f.path}
              onChange={(e) => set('path', e.currentTarget.value)}
            />
          )}
          <Switch label="Read-only: refuse statements that change data" checked={f.readOnly} onChange={(e) => set('readOnly', e.currentTarget.checked)} />
          <MultiSelect
            label="Groups with access"
            description="Members of these groups can use the connection in projects they can edit. Admins always have access."
            data={groupOptions}
            value={f.access}
            onChange={(v) => {
              set('access', v);
              setImpact(null);
            }}
            searchable
            clearable
            comboboxProps={{ withinPortal: true }}
          />
          {testResult && (
            <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="Connection succeeded" role="status">
              <Text size="sm">
                {testResult.serverVersion ?? 'Connected'}
                {testResult.latencyMs !== undefined ? ` · ${testResult.latencyMs} ms` : ''}
              </Text>
            </Alert>
          )}
          <ErrorAlert error={error} title="That did not work" />
          {impact && <ImpactWarning impact={impact} what="Changing the groups with access" />}
          <Group justify="space-between">
            <Button variant="default" onClick={() => void test()} loading={testing}>
              Test connection
            </Button>
            <Group gap="sm">
              <Button variant="subtle" color="gray" onClick={onClose}>
                Cancel
              </Button>
              {impact ? (
                <Button color="orange" loading={saving} onClick={() => void save(true)}>
                  Change access anyway
                </Button>
              ) : (
                <Button type="submit" loading={saving}>
                  {connection ? 'Save changes' : 'Create connection'}
                </Button>
              )}
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
