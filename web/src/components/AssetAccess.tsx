/**
 * "Groups with access" of a workspace asset, and the save that may need a confirmation: changing
 * the groups answers confirmation_required with the impact when anyone would be downgraded
 * (rule 7); the dialog then shows it and repeats the change with confirm.
 */
import { MultiSelect } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { invalidate } from '../api/keys';
import type { AssetAction, ImpactEntry } from '../api/models';
import { useDirectory, useWorkspace } from '../session';
import { impactOf } from './ImpactConfirm';

export function GroupsWithAccess({ value, onChange, description }: { value: string[]; onChange(v: string[]): void; description?: string }) {
  const dir = useDirectory();
  const data = useMemo(
    () =>
      [
        { group: 'Built-in groups', items: dir.groups.builtin.map((g) => ({ value: g.id, label: g.name })) },
        { group: 'Custom groups', items: dir.groups.custom.map((g) => ({ value: g.id, label: g.name })) },
      ].filter((g) => g.items.length),
    [dir.groups],
  );
  return <MultiSelect label="Groups with access" description={description} data={data} value={value} onChange={onChange} searchable clearable comboboxProps={{ withinPortal: true }} />;
}

/** An asset's menu items that change it: shown when its allowedActions include manage (rule 1). */
export const canManage = (asset: { allowedActions: readonly AssetAction[] }) => asset.allowedActions.includes('manage');

export const sameAccess = (a: readonly string[], b: readonly string[]) => [...a].sort().join(',') === [...b].sort().join(',');

/**
 * Runs `change(false)`; if the server asks for a confirmation, keeps the impact until `confirm()`
 * runs `change(true)`. Every attempt refetches what it may have changed; success calls `done`.
 */
export function useConfirmableSave(done: () => void) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  const [impact, setImpact] = useState<ImpactEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [change, setChange] = useState<((confirm: boolean) => Promise<unknown>) | null>(null);
  const attempt = async (fn: (confirm: boolean) => Promise<unknown>, confirm: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await fn(confirm);
      await invalidate.access(qc, ws.id);
      setImpact(null);
      done();
    } catch (e) {
      const rows = impactOf(e);
      if (rows) {
        // Parts of an edit may be saved already (the name, the settings): show them behind the dialog.
        await invalidate.access(qc, ws.id);
        setImpact(rows);
        setChange(() => fn);
      } else setError(e);
    } finally {
      setBusy(false);
    }
  };
  return {
    impact,
    error,
    busy,
    save: (fn: (confirm: boolean) => Promise<unknown>) => void attempt(fn, false),
    confirm: () => void (change && attempt(change, true)),
    cancel: () => setImpact(null),
  };
}
