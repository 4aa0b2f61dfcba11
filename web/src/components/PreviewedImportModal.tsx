/**
 * The one "import into this project" dialog (rule 7): choose what to import, see who would lose
 * access (the caller's `preview`, a dryRun of the import), then import — with confirm when anyone
 * would. Workspace assets (ImportsPanel) and git packages (PackagesPanel) differ only in their
 * list and their endpoint.
 */
import { Modal, Select, Stack } from '@mantine/core';
import { useState } from 'react';
import type { ImpactEntry } from '../api/models';
import { ErrorAlert, Loading } from './common';
import { ImpactConfirm } from './ImpactConfirm';

export interface PreviewedImportModalProps {
  title: string;
  /** The thing imported, for the labels: 'asset', 'package'. */
  noun: string;
  description: string;
  /** The choices; null while they load. */
  options: { value: string; label: string }[] | null;
  loadError: unknown;
  preview(id: string): Promise<ImpactEntry[]>;
  apply(id: string, confirm: boolean): Promise<void>;
  onClose(): void;
}

export function PreviewedImportModal(p: PreviewedImportModalProps) {
  const [id, setId] = useState<string | null>(null);
  const [impact, setImpact] = useState<ImpactEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const Noun = p.noun[0]!.toUpperCase() + p.noun.slice(1);
  const choose = async (next: string | null) => {
    setId(next);
    setImpact(null);
    setError(null);
    if (!next) return;
    try {
      setImpact(await p.preview(next));
    } catch (e) {
      setError(e);
    }
  };
  const confirm = async () => {
    if (!id || !impact) return;
    setBusy(true);
    try {
      await p.apply(id, impact.length > 0);
      p.onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={p.onClose} title={p.title} size="lg">
      <Stack>
        {!p.options && !p.loadError && <Loading />}
        <ErrorAlert error={p.loadError ?? error} />
        {p.options && (
          <Select
            label={Noun}
            description={p.description}
            placeholder={p.options.length ? `Choose ${/^[aeiou]/i.test(p.noun) ? 'an' : 'a'} ${p.noun}` : 'Nothing to import'}
            data={p.options}
            value={id}
            onChange={(v) => void choose(v)}
            searchable
            disabled={!p.options.length}
            data-autofocus
          />
        )}
        <ImpactConfirm
          impact={impact ?? []}
          what={`Importing this ${p.noun}`}
          summary={!impact ? null : impact.length ? undefined : 'Nobody who can edit this project would lose access.'}
          disabled={!impact}
          confirmLabel={impact?.length ? 'Import anyway' : 'Import'}
          busy={busy}
          onConfirm={() => void confirm()}
          onCancel={p.onClose}
        />
      </Stack>
    </Modal>
  );
}
