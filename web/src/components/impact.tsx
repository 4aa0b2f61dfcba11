/**
 * Rule 7 in the console: before a change that lowers someone's access, show who and where, and
 * ask. Also the Usage column (projects importing an asset) and delete with its preview.
 */
import { Alert, Anchor, Button, Group, List, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError } from '../api/client';
import type { DeletePreview, ImpactRow, Usage } from '../api/types';
import { useDirectory } from '../session';
import { ErrorAlert, levelLabel, Loading } from './common';

/** Every (user, project) whose effective level would drop, with the assets that cause it. */
export function ImpactTable({ impact }: { impact: ImpactRow[] }) {
  const dir = useDirectory();
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table striped withTableBorder fz="sm" aria-label="Who would be downgraded">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>User</Table.Th>
            <Table.Th>Project</Table.Th>
            <Table.Th>Level</Table.Th>
            <Table.Th>Missing access to</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {impact.map((i) => (
            <Table.Tr key={`${i.userId}/${i.projectId}`}>
              <Table.Td>{dir.userLabel(i.userId)}</Table.Td>
              <Table.Td>{dir.projectLabel(i.projectId)}</Table.Td>
              <Table.Td>
                {levelLabel(i.from)} → <b>{levelLabel(i.to)}</b>
              </Table.Td>
              <Table.Td>{i.missingAssets?.length ? i.missingAssets.map((a) => dir.assetLabel(a)).join(', ') : '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function ImpactWarning({ impact, what }: { impact: ImpactRow[]; what: string }) {
  const users = new Set(impact.map((i) => i.userId)).size;
  const projects = new Set(impact.map((i) => i.projectId)).size;
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Some people would lose access" role="alert">
      <Stack gap="sm">
        <Text size="sm">
          {what} would lower the access of {users} user{users === 1 ? '' : 's'} on {projects} project{projects === 1 ? '' : 's'}.
        </Text>
        <ImpactTable impact={impact} />
      </Stack>
    </Alert>
  );
}

/** Impact rows from a 409 (confirmation_required / asset_access_required), or null for any other error. */
export function impactOf(e: unknown): ImpactRow[] | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  if (e.code !== 'confirmation_required' && e.code !== 'asset_access_required') return null;
  const impact = e.details.impact;
  return Array.isArray(impact) ? (impact as ImpactRow[]) : null;
}

/** The Usage column: a count that opens the list of importing projects. */
export function UsageLink({ count, usagePath, assetName }: { count: number; usagePath: string; assetName: string }) {
  const [open, setOpen] = useState(false);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!open) return;
    setUsage(null);
    api.get<Usage>(usagePath).then(setUsage, setError);
  }, [open, usagePath]);
  return (
    <>
      <Anchor component="button" type="button" size="sm" onClick={() => setOpen(true)} aria-label={`Usage of ${assetName}: ${count} project${count === 1 ? '' : 's'}`}>
        {count} project{count === 1 ? '' : 's'}
      </Anchor>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Projects using ${assetName}`}>
        <ErrorAlert error={error} />
        {!usage && !error && <Loading />}
        {usage && (usage.projects.length ? <ProjectList usage={usage} /> : <Text c="dimmed">No project imports it.</Text>)}
      </Modal>
    </>
  );
}

function ProjectList({ usage }: { usage: Usage }) {
  return (
    <List spacing="xs" aria-label="Projects">
      {usage.projects.map((p) => (
        <List.Item key={p.id}>{p.visible ? <Anchor component={Link} to={`/projects/${p.id}`}>{p.name}</Anchor> : <Text c="dimmed" span>{p.name}</Text>}</List.Item>
      ))}
    </List>
  );
}

/**
 * Delete with rule 8: preview the usage (DELETE ?dryRun=true), have the name typed, then
 * DELETE ?confirm=true.
 */
export function DeleteAssetModal({ opened, onClose, path, name, kindLabel, onDeleted }: { opened: boolean; onClose(): void; path: string; name: string; kindLabel: string; onDeleted(): void }) {
  const [preview, setPreview] = useState<DeletePreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!opened) return;
    setPreview(null);
    setError(null);
    setTyped('');
    api.del<DeletePreview>(path, { dryRun: true }).then(setPreview, setError);
  }, [opened, path]);
  const submit = async () => {
    setBusy(true);
    try {
      await api.del(path, { confirm: true });
      onDeleted();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={`Delete ${kindLabel.toLowerCase()} “${name}”`} size="lg">
      <Stack>
        <ErrorAlert error={error} />
        {!preview && !error && <Loading label="Checking where it is used…" />}
        {preview && (
          <>
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="This cannot be undone">
              <Text size="sm">
                {preview.usage.count === 0 ? 'No project uses it.' : `It will be removed from ${preview.usage.count} project${preview.usage.count === 1 ? '' : 's'} that use it:`}
                {preview.isDefault && ' It is the workspace default connection; SQL cells that rely on the default will stop working until another default is set.'}
              </Text>
            </Alert>
            {preview.usage.count > 0 && <ProjectList usage={preview.usage} />}
            <TextInput
              label={
                <>
                  Type <b>{name}</b> to confirm
                </>
              }
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              data-autofocus
              autoComplete="off"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button color="red" disabled={typed !== name} loading={busy} onClick={submit}>
                Delete {kindLabel.toLowerCase()}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}
