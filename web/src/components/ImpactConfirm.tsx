/**
 * Rule 7 in the console, in one component: before a change that lowers someone's effective
 * level, show every (user, project, from → to) it would drop with the assets they lack, and ask.
 * Used inline (sharing, importing, an asset's groups) and as a dialog (`useImpactConfirm`, for
 * role changes, removals and group deletions that preview with dryRun first).
 */
import { Alert, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { ApiError } from '../api/client';
import type { DowngradedGrantee, ImpactEntry } from '../api/models';
import { useDirectory } from '../session';
import { ErrorAlert, levelLabel, plural } from './common';

/**
 * The impact carried by a 409 (confirmation_required / asset_access_required), or null for any
 * other error. A grant's refusal names affected users of one project: pass that project's id.
 */
export function impactOf(e: unknown, projectId?: string): ImpactEntry[] | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  if (e.code !== 'confirmation_required' && e.code !== 'asset_access_required') return null;
  if (Array.isArray(e.details.impact)) return e.details.impact as ImpactEntry[];
  if (projectId && Array.isArray(e.details.affectedUsers)) {
    return (e.details.affectedUsers as DowngradedGrantee[]).map((a) => ({ userId: a.userId, projectId, from: a.granted, to: a.effective, missingAssets: a.missingAssets }));
  }
  return null;
}

/** Every (user, project) whose effective level would drop, with the assets that cause it. */
export function ImpactTable({ impact }: { impact: ImpactEntry[] }) {
  const dir = useDirectory();
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table striped withTableBorder fz="sm" aria-label="Downgraded users">
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
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
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

export interface ImpactConfirmProps {
  impact: ImpactEntry[];
  /** What the change is, as the subject of a sentence: "Changing the groups with access". */
  what: string;
  /** Replaces the default sentence (null: none). */
  summary?: ReactNode | null;
  title?: string;
  confirmLabel: string;
  cancelLabel?: string;
  busy?: boolean;
  /** Nothing to confirm yet (e.g. no choice made). */
  disabled?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** The warning, the table and the two buttons; nobody affected reads as a plain question. */
export function ImpactConfirm(p: ImpactConfirmProps) {
  const users = new Set(p.impact.map((i) => i.userId)).size;
  const projects = new Set(p.impact.map((i) => i.projectId)).size;
  const buttons = (
    <Group justify="flex-end">
      <Button variant="default" onClick={p.onCancel}>
        {p.cancelLabel ?? 'Cancel'}
      </Button>
      <Button color={p.impact.length ? 'orange' : undefined} loading={!!p.busy} disabled={!!p.disabled} onClick={p.onConfirm}>
        {p.confirmLabel}
      </Button>
    </Group>
  );
  if (!p.impact.length) {
    return (
      <Stack gap="sm">
        {p.summary !== null && (
          <Text size="sm" c="dimmed">
            {p.summary ?? `${p.what} lowers nobody’s access to a project.`}
          </Text>
        )}
        {buttons}
      </Stack>
    );
  }
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={p.title ?? 'Some people would lose access'} role="alert">
      <Stack gap="sm">
        <Text size="sm">{p.summary ?? `${p.what} would lower the access of ${plural(users, 'user')} on ${plural(projects, 'project')}.`}</Text>
        <ImpactTable impact={p.impact} />
        {buttons}
      </Stack>
    </Alert>
  );
}

/** A change previewed with dryRun: `preview` returns its impact, `apply` makes it (confirmed). */
export interface PreviewedChange {
  title: string;
  what: string;
  confirmLabel?: string;
  /** Ask even when nobody would lose access (removals and deletions). */
  always?: boolean;
  preview(): Promise<ImpactEntry[]>;
  apply(): Promise<unknown>;
}

/**
 * Preview-then-confirm as a dialog. `run(change)` previews; a change that lowers nobody's access
 * (and is not `always` asked) is applied at once. `element` holds the dialog and the last error.
 */
export function useImpactConfirm(): { run(change: PreviewedChange): Promise<void>; element: ReactNode } {
  const [pending, setPending] = useState<{ change: PreviewedChange; impact: ImpactEntry[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const attempt = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    }
  };
  const run = (change: PreviewedChange) =>
    attempt(async () => {
      const impact = await change.preview();
      if (impact.length || change.always) setPending({ change, impact });
      else await change.apply();
    });
  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    await attempt(async () => {
      await pending.change.apply();
      setPending(null);
    });
    setBusy(false);
  };
  const element = (
    <>
      {!pending && <ErrorAlert error={error} />}
      {pending && (
        <Modal opened onClose={() => setPending(null)} title={pending.change.title} size="xl">
          <Stack>
            <ImpactConfirm impact={pending.impact} what={pending.change.what} confirmLabel={pending.change.confirmLabel ?? 'Continue anyway'} busy={busy} onConfirm={() => void confirm()} onCancel={() => setPending(null)} />
            <ErrorAlert error={error} />
          </Stack>
        </Modal>
      )}
    </>
  );
  return { run, element };
}
