/**
 * The one table every list in the console is drawn with: loading, error and empty states, an
 * optional Usage column (projects importing the asset, opened in a dialog) and a three-dot menu
 * per row whose items come from the row's `allowedActions` — the console never guesses what a
 * user may do.
 */
import { ActionIcon, Menu, Table } from '@mantine/core';
import { IconDots } from '@tabler/icons-react';
import { Fragment, type ReactNode } from 'react';
import type { AssetCollection } from '../api/keys';
import { Empty, ErrorAlert, Loading } from './common';
import { UsageLink } from './UsageLink';

export interface Column<T> {
  header: ReactNode;
  render(row: T): ReactNode;
  width?: number | string;
}

export interface RowAction<T> {
  label: string;
  icon?: ReactNode;
  color?: string;
  /**
   * When the item shows: for assets, from the row's typed `allowedActions`
   * (`(c) => c.allowedActions.includes('manage')`, where a misspelt action does not compile);
   * for rows without them, from the workspace's allowed actions or the row's state.
   */
  when?(row: T): boolean;
  /** Draw a divider above this item (e.g. before a destructive one). */
  divider?: boolean;
  onClick(row: T): void;
}


/** What the table needs of a TanStack query. */
export interface QueryLike<D> {
  data: D | undefined;
  error: unknown;
  isPending: boolean;
}

export interface ResourceTableProps<D, T> {
  /** Accessible name of the table. */
  label: string;
  query: QueryLike<D>;
  /** The rows in the query's answer. */
  rows(data: D): readonly T[];
  /** Defaults to the row's `id`. */
  rowKey?(row: T): string;
  columns: Column<T>[];
  /** What to say when there are no rows. */
  empty: ReactNode;
  /** The Usage column, for workspace assets. */
  usage?: { kind: AssetCollection; of(row: T): { id: string; name: string; count: number } };
  actions?: RowAction<T>[];
  /** The name the row's menu button is labelled with, "Actions for <name>"; defaults to the row's `name`. */
  rowName?(row: T): string;
  rowProps?(row: T): Record<string, string>;
  minWidth?: number;
  withHeader?: boolean;
  fz?: 'xs' | 'sm';
}

const field = (row: unknown, name: 'id' | 'name'): string => String((row as Record<string, unknown>)[name] ?? '');

export function ResourceTable<D, T>(props: ResourceTableProps<D, T>) {
  const { query, columns, usage, actions = [], withHeader = true } = props;
  const rowKey = props.rowKey ?? ((row: T) => field(row, 'id'));
  const rowName = props.rowName ?? ((row: T) => field(row, 'name'));
  if (query.error) return <ErrorAlert error={query.error} />;
  if (query.data === undefined) return query.isPending ? <Loading /> : null;
  const rows = props.rows(query.data);
  if (rows.length === 0) return <Empty>{props.empty}</Empty>;
  const visible = (row: T) => actions.filter((a) => !a.when || a.when(row));
  const table = (
    <Table aria-label={props.label} {...(props.fz ? { fz: props.fz } : {})}>
      {withHeader && (
        <Table.Thead>
          <Table.Tr>
            {columns.map((c, i) => (
              <Table.Th key={i} {...(c.width !== undefined ? { w: c.width } : {})}>
                {c.header}
              </Table.Th>
            ))}
            {usage && <Table.Th>Usage</Table.Th>}
            {actions.length > 0 && (
              <Table.Th w={48}>
                <span className="sr-only">Actions</span>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
      )}
      <Table.Tbody>
        {rows.map((row) => {
          const items = visible(row);
          const u = usage?.of(row);
          return (
            <Table.Tr key={rowKey(row)} {...props.rowProps?.(row)}>
              {columns.map((c, i) => (
                <Table.Td key={i} {...(c.width !== undefined ? { w: c.width } : {})}>
                  {c.render(row)}
                </Table.Td>
              ))}
              {usage && u && (
                <Table.Td>
                  <UsageLink kind={usage.kind} assetId={u.id} assetName={u.name} count={u.count} />
                </Table.Td>
              )}
              {actions.length > 0 && <Table.Td w={48}>{items.length > 0 && <RowMenu row={row} items={items} name={rowName(row)} />}</Table.Td>}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
  return props.minWidth ? <Table.ScrollContainer minWidth={props.minWidth}>{table}</Table.ScrollContainer> : table;
}

function RowMenu<T>({ row, items, name }: { row: T; items: RowAction<T>[]; name: string }) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${name}`}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {items.map((a, i) => (
          <Fragment key={a.label}>
            {a.divider && i > 0 && <Menu.Divider />}
            <Menu.Item leftSection={a.icon} {...(a.color ? { color: a.color } : {})} onClick={() => a.onClick(row)}>
              {a.label}
            </Menu.Item>
          </Fragment>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
