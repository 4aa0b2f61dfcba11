/**
 * Delete with rule 8: preview the usage (DELETE ?dryRun=true), have the name typed, then
 * DELETE ?confirm=true. The asset leaves every project that imports it, in one transaction.
 */
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { type AssetCollection, invalidate } from '../api/keys';
import { deleteAsset, useChange, useDeletePreview } from '../api/queries';
import { useWorkspace } from '../session';
import { ErrorAlert, Loading, plural } from './common';
import { ProjectList } from './UsageLink';

export function DeleteAssetModal({ kind, id, name, kindLabel, onClose, onDeleted }: { kind: AssetCollection; id: string; name: string; kindLabel: string; onClose(): void; onDeleted?(): void }) {
  const ws = useWorkspace();
  const preview = useDeletePreview(ws.id, kind, id, true);
  const [typed, setTyped] = useState('');
  const del = useChange(() => deleteAsset(ws.id, kind, id, 'confirm'), (qc) => invalidate.access(qc, ws.id));
  const what = kindLabel.toLowerCase();
  const submit = () =>
    del.mutate(undefined, {
      onSuccess: () => {
        onDeleted?.();
        onClose();
      },
    });
  const p = preview.data;
  return (
    <Modal opened onClose={onClose} title={`Delete ${what} “${name}”`} size="lg">
      <Stack>
        <ErrorAlert error={preview.error ?? del.error} />
        {preview.isPending && <Loading label="Checking where it is used…" />}
        {p && (
          <>
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="This cannot be undone">
              <Text size="sm">
                {p.usage.count === 0 ? 'No project uses it.' : `It will be removed from ${plural(p.usage.count, 'project')} that use it:`}
                {p.isDefault && ' It is the workspace default connection; SQL cells that rely on the default will stop working until another default is set.'}
              </Text>
            </Alert>
            {p.usage.count > 0 && <ProjectList usage={p.usage} />}
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
              <Button color="red" disabled={typed !== name} loading={del.isPending} onClick={submit}>
                Delete {what}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}
