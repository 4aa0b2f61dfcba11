/** The Usage column: a count that opens the list of projects importing the asset. */
import { Anchor, List, Modal, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import type { AssetCollection } from '../api/keys';
import { useUsage } from '../api/queries';
import type { AssetUsage } from '../api/models';
import { useWorkspace } from '../session';
import { ErrorAlert, Loading, plural } from './common';

export function UsageLink({ kind, assetId, assetName, count }: { kind: AssetCollection; assetId: string; assetName: string; count: number }) {
  const ws = useWorkspace();
  const [open, setOpen] = useState(false);
  const usage = useUsage(ws.id, kind, assetId, open);
  return (
    <>
      <Anchor component="button" type="button" size="sm" onClick={() => setOpen(true)} aria-label={`Usage of ${assetName}: ${plural(count, 'project')}`}>
        {plural(count, 'project')}
      </Anchor>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Projects using ${assetName}`}>
        <ErrorAlert error={usage.error} />
        {usage.isPending && !usage.error && <Loading />}
        {usage.data && (usage.data.projects.length ? <ProjectList usage={usage.data} /> : <Text c="dimmed">No project imports it.</Text>)}
      </Modal>
    </>
  );
}

/** Projects importing an asset; those the caller cannot open are named but not linked. */
export function ProjectList({ usage }: { usage: AssetUsage }) {
  return (
    <List spacing="xs" aria-label="Projects">
      {usage.projects.map((p) => (
        <List.Item key={p.id}>
          {p.visible ? (
            <Anchor component={Link} to={`/projects/${p.id}`}>
              {p.name}
            </Anchor>
          ) : (
            <Text c="dimmed" span>
              {p.name}
            </Text>
          )}
        </List.Item>
      ))}
    </List>
  );
}
