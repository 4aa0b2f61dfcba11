/**
 * Create or edit a shared data connection: one form per type, Test connection with the form's
 * values, and Groups with access. Changing the groups of an existing connection goes through
 * PUT …/access, which answers confirmation_required with the impact when anyone would be
 * downgraded: the modal shows it and asks before repeating with confirm.
 */
import { Alert, Button, NumberInput, PasswordInput, Select, SimpleGrid, Switch, Text, TextInput } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { client, unwrap } from '../api/client';
import type { ConnectionTestResult, DataConnection, SqlType } from '../api/models';
import { GroupsWithAccess, sameAccess, useConfirmableSave } from '../components/AssetAccess';
import { TYPE_LABEL } from '../components/common';
import { FormModal } from '../components/FormModal';
import { ImpactConfirm } from '../components/ImpactConfirm';
import { useWorkspace } from '../session';

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
  // No path: the connection gets a new, empty database file of its own (the server creates it).
  if (f.type === 'sqlite' || f.type === 'duckdb') return f.path.trim() ? { path: f.path.trim() } : {};
  return { host: f.host.trim(), port: Number(f.port), database: f.database.trim(), user: f.user.trim(), sslMode: f.sslMode };
}

const sameConfig = (a: Record<string, unknown>, b: Record<string, unknown>) => Object.keys(a).every((k) => a[k] === b[k]);

export function ConnectionModal({ connection, onClose }: { connection: DataConnection | null; onClose(): void }) {
  const ws = useWorkspace();
  const [f, setF] = useState<FormState>(() => initial(connection));
  const [testError, setTestError] = useState<unknown>(null);
  const [testResult, setTestResult] = useState<ConnectionTestResult | null>(null);
  const [testing, setTesting] = useState(false);
  const saver = useConfirmableSave(onClose);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => {
    setF((s) => ({ ...s, [k]: v }));
    setTestResult(null);
  };
  const isNetwork = f.type === 'postgres' || f.type === 'mysql';
  const password = f.password ? { password: f.password } : {};

  const test = async () => {
    setTesting(true);
    setTestError(null);
    setTestResult(null);
    try {
      const config = configOf(f);
      // Editing with the password left empty: test the saved credentials when the settings are unchanged.
      const r =
        connection && !f.password && sameConfig(config, connection.config)
          ? client.POST('/api/v1/workspaces/{ws}/data-connections/{id}/test', { params: { path: { ws: ws.id, id: connection.id } } })
          : client.POST('/api/v1/workspaces/{ws}/data-connections/test', { params: { path: { ws: ws.id } }, body: { type: f.type, config, ...password } });
      setTestResult(await unwrap(r));
    } catch (e) {
      setTestError(e);
    } finally {
      setTesting(false);
    }
  };

  const change = async (confirm: boolean) => {
    const path = { params: { path: { ws: ws.id } } };
    if (!connection) {
      await unwrap(client.POST('/api/v1/workspaces/{ws}/data-connections', { ...path, body: { name: f.name.trim(), type: f.type, config: configOf(f), ...password, readOnly: f.readOnly, access: f.access } }));
      return;
    }
    const one = { params: { path: { ws: ws.id, id: connection.id } } };
    if (!confirm) await unwrap(client.PATCH('/api/v1/workspaces/{ws}/data-connections/{id}', { ...one, body: { name: f.name.trim(), config: configOf(f), ...password, readOnly: f.readOnly } }));
    if (!sameAccess(f.access, connection.access)) {
      await unwrap(client.PUT('/api/v1/workspaces/{ws}/data-connections/{id}/access', { ...one, body: { access: f.access, ...(confirm ? { confirm: true } : {}) } }));
    }
  };

  return (
    <FormModal
      title={connection ? `Edit ${connection.name}` : 'New data connection'}
      size="lg"
      onClose={onClose}
      onSubmit={() => saver.save(change)}
      submitLabel={connection ? 'Save changes' : 'Create connection'}
      busy={saver.busy}
      error={saver.error ?? testError}
      errorTitle="That did not work"
      footerStart={
        <Button variant="default" onClick={() => void test()} loading={testing}>
          Test connection
        </Button>
      }
      footer={saver.impact && <ImpactConfirm impact={saver.impact} what="Changing the groups with access" confirmLabel="Change access anyway" busy={saver.busy} onConfirm={saver.confirm} onCancel={saver.cancel} />}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Name" required value={f.name} onChange={(e) => set('name', e.currentTarget.value)} data-autofocus />
        <Select
          label="Type"
          required
          disabled={!!connection}
          data={(['postgres', 'mysql', 'sqlite', 'duckdb'] as const).map((t) => ({ value: t, label: TYPE_LABEL[t] }))}
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
          description={`Leave empty for a new, empty database of this connection’s own; or an existing file under the server’s files directory${f.type === 'duckdb' ? ', or :memory:' : ''}`}
          placeholder="New empty database"
          value={f.path}
          onChange={(e) => set('path', e.currentTarget.value)}
        />
      )}
      <Switch label="Read-only: refuse statements that change data" checked={f.readOnly} onChange={(e) => set('readOnly', e.currentTarget.checked)} />
      <GroupsWithAccess
        description="Members of these groups can use the connection in projects they can edit. Admins always have access."
        value={f.access}
        onChange={(v) => {
          set('access', v);
          saver.cancel();
        }}
      />
      {testResult && (
        <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="Connection succeeded" role="status">
          <Text size="sm">
            {testResult.serverVersion} · {testResult.latencyMs} ms
          </Text>
        </Alert>
      )}
    </FormModal>
  );
}
