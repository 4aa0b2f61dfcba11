/**
 * The SQL cell: pick a connection (the project's imports, or the workspace default), run, and
 * watch rows arrive (NDJSON read with fetch + getReader). Cancel stops the query in the database.
 * Stored results are listed for everyone who can view the project (rule 6).
 */
import { Alert, Badge, Button, Code, Group, Select, Stack, Table, Text, Textarea, Title, UnstyledButton } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconAlertCircle, IconPlayerPlay, IconPlayerStop } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, client, unwrap } from '../api/client';
import { keys } from '../api/keys';
import { lineAndColumn, type QueryEvent, runQuery } from '../api/ndjson';
import { fetchStoredQuery, useProjectConnections, useStoredQueries } from '../api/queries';
import type { Column, Project, QueryResult, QuerySummary } from '../api/models';
import { ErrorAlert, formatTime, Hidden } from '../components/common';
import { ResourceTable } from '../components/ResourceTable';

interface QueryError {
  code: string;
  message: string;
  position?: number;
}

interface Result {
  queryId: string | null;
  connectionName: string;
  sql: string;
  columns: Column[];
  rows: unknown[][];
  status: 'running' | QuerySummary['status'];
  rowCount: number;
  truncated: boolean;
  durationMs?: number;
  error?: QueryError;
  stored?: boolean;
  createdAt?: string;
}

const DISPLAY_LIMIT = 1000;

export function SqlPanel({ project }: { project: Project }) {
  const qc = useQueryClient();
  const conns = useProjectConnections(project.id);
  const stored = useStoredQueries(project.id);
  const [connectionId, setConnectionId] = useState<string | null>(null);
  const [sql, setSql] = useState('select 1 as one');
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  const canEdit = project.allowedActions.includes('edit');

  const list = useMemo(() => conns.data?.dataConnections ?? [], [conns.data]);
  useEffect(() => {
    if (connectionId || !conns.data) return;
    const first = conns.data.defaultConnectionId ?? list.find((c) => c.canQuery)?.id ?? list[0]?.id ?? null;
    setConnectionId(first);
  }, [conns.data, connectionId, list]);
  const selected = list.find((c) => c.id === connectionId);
  // The API says per connection whether the caller may query it here (rule 5): no guessing.
  const canRun = !!selected?.canQuery;
  const running = result?.status === 'running';

  useEffect(() => () => abort.current?.abort(), []);

  const run = async () => {
    if (!selected) return;
    setError(null);
    const controller = new AbortController();
    abort.current = controller;
    const r: Result = { queryId: null, connectionName: selected.name, sql, columns: [], rows: [], status: 'running', rowCount: 0, truncated: false };
    setResult({ ...r });
    // Rows arrive in batches: collect them and render at most once per frame.
    let pending = false;
    const flush = () => {
      pending = false;
      setResult({ ...r, rows: r.rows.slice(0, DISPLAY_LIMIT) });
    };
    const schedule = () => {
      if (!pending) {
        pending = true;
        requestAnimationFrame(flush);
      }
    };
    const onEvent = (ev: QueryEvent) => {
      switch (ev.type) {
        case 'query':
          r.queryId = ev.queryId;
          r.connectionName = ev.connectionName;
          break;
        case 'columns':
          r.columns = ev.columns;
          break;
        case 'rows':
          if (r.rows.length < DISPLAY_LIMIT) r.rows.push(...ev.rows.slice(0, DISPLAY_LIMIT - r.rows.length));
          r.rowCount += ev.rows.length;
          break;
        case 'end':
          r.status = 'succeeded';
          r.rowCount = ev.rowCount;
          r.truncated = ev.truncated;
          r.durationMs = ev.durationMs;
          break;
        case 'error':
          r.status = ev.error.code === 'cancelled' ? 'cancelled' : 'failed';
          r.error = { code: ev.error.code, message: ev.error.message, ...(typeof ev.error.details?.position === 'number' ? { position: ev.error.details.position } : {}) };
          break;
      }
      schedule();
    };
    try {
      await runQuery(project.id, { sql, ...(selected.isDefault && !selected.imported ? {} : { connectionId: selected.id }) }, onEvent, controller.signal);
      if (r.status === 'running') r.status = 'cancelled';
    } catch (e) {
      if (e instanceof ApiError) {
        const pos = e.details.position;
        r.status = e.code === 'cancelled' ? 'cancelled' : 'failed';
        r.error = { code: e.code, message: e.message, ...(typeof pos === 'number' ? { position: pos } : {}) };
      } else if (controller.signal.aborted) {
        r.status = 'cancelled';
      } else {
        r.status = 'failed';
        r.error = { code: 'network', message: e instanceof Error ? e.message : String(e) };
      }
    } finally {
      abort.current = null;
      flush();
      void qc.invalidateQueries({ queryKey: keys.storedQueries(project.id) });
    }
  };

  const cancel = async () => {
    if (!result?.queryId) {
      abort.current?.abort();
      return;
    }
    try {
      await unwrap(client.POST('/api/v1/projects/{projectId}/queries/{queryId}/cancel', { params: { path: { projectId: project.id, queryId: result.queryId } } }));
    } catch (e) {
      // Finished meanwhile: nothing to cancel.
      if (!(e instanceof ApiError && e.code === 'not_found')) setError(e);
    }
  };

  const openStored = async (id: string) => {
    setError(null);
    try {
      setResult(resultOf(await fetchStoredQuery(qc, project.id, id)));
    } catch (e) {
      setError(e);
    }
  };

  const connectionOptions = useMemo(
    () => list.map((c) => ({ value: c.id, label: `${c.name}${c.isDefault ? ' (default)' : ''}${c.canQuery ? '' : ' — no access'}` })),
    [list],
  );

  return (
    <Stack gap="lg">
      {canEdit && (
        <Stack gap="sm" aria-label="SQL cell" component="section">
          <Group justify="space-between" wrap="wrap" gap="sm">
            <Select
              label="Data connection"
              placeholder={conns.isPending ? 'Loading…' : 'No connection available'}
              data={connectionOptions}
              value={connectionId}
              onChange={setConnectionId}
              w={340}
              allowDeselect={false}
              disabled={!list.length}
            />
            <Group gap="sm" align="flex-end" style={{ alignSelf: 'flex-end' }}>
              {running ? (
                <Button color="red" variant="light" leftSection={<IconPlayerStop size={16} />} onClick={() => void cancel()}>
                  Cancel
                </Button>
              ) : (
                canRun && (
                  <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => void run()} disabled={!sql.trim()}>
                    Run
                  </Button>
                )
              )}
            </Group>
          </Group>
          {conns.data && !list.length && (
            <Text size="sm" c="dimmed">
              This project uses no data connection yet: import one under “Imported assets”, or ask an admin to set a workspace default.
            </Text>
          )}
          {selected && !selected.canQuery && (
            <Text size="sm" c="orange.8">
              You may not run queries with {selected.name} here: it needs Can edit on the project and access to the connection.
            </Text>
          )}
          <Textarea
            aria-label="SQL"
            value={sql}
            onChange={(e) => setSql(e.currentTarget.value)}
            autosize
            minRows={4}
            maxRows={16}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
            onKeyDown={(e) => {
              if ((e.metaKey || e.ctrlKey) && e.key === 'Enter' && canRun && !running) {
                e.preventDefault();
                void run();
              }
            }}
          />
        </Stack>
      )}
      <ErrorAlert error={error} />
      {result && <ResultView result={result} />}
      <Stack gap="xs">
        <Title order={5}>Stored results</Title>
        <Text size="xs" c="dimmed">
          Results are kept with the project: anyone who can view it can read them, whatever their access to the connection.
        </Text>
        <ResourceTable
          label="Stored results"
          query={stored}
          rows={(d) => d.queries}
          minWidth={560}
          fz="sm"
          empty="No stored results yet."
          columns={[
            {
              header: 'Query',
              render: (q) => (
                <UnstyledButton onClick={() => void openStored(q.id)} aria-label={`Open result of ${q.sql.slice(0, 60)}`}>
                  <Text size="sm" ff="monospace" c="indigo.7" truncate="end" maw={340}>
                    {q.sql}
                  </Text>
                </UnstyledButton>
              ),
            },
            { header: 'Connection', render: (q) => q.connectionName ?? <Hidden>A connection you cannot see</Hidden> },
            { header: 'Status', render: (q) => <StatusBadge status={q.status} /> },
            { header: 'Rows', render: (q) => q.rowCount },
            { header: 'Ran', render: (q) => formatTime(q.createdAt) },
          ]}
        />
      </Stack>
    </Stack>
  );
}

/** A stored result shown as if it had just run. */
function resultOf(q: QueryResult): Result {
  return {
    queryId: q.id,
    // Rule 2: a connection the caller may not see (or a deleted one) has no name here.
    connectionName: q.connectionName ?? 'a connection you cannot see',
    sql: q.sql,
    columns: q.columns,
    rows: q.rows,
    status: q.status,
    rowCount: q.rowCount,
    truncated: q.truncated || q.storedRows < q.rowCount,
    durationMs: q.durationMs,
    stored: true,
    createdAt: q.createdAt,
    ...(q.error ? { error: queryErrorOf(q.error) } : {}),
  };
}

/** A stored result's error ({code, message, details}), read field by field: its schema is an open record. */
function queryErrorOf(e: Record<string, unknown>): QueryError {
  const details = (e.details ?? {}) as Record<string, unknown>;
  return { code: String(e.code ?? 'query_failed'), message: String(e.message ?? 'The query failed.'), ...(typeof details.position === 'number' ? { position: details.position } : {}) };
}

function StatusBadge({ status }: { status: Result['status'] }) {
  const color = status === 'succeeded' ? 'teal' : status === 'failed' ? 'red' : status === 'running' ? 'blue' : 'gray';
  return (
    <Badge variant="light" color={color}>
      {status}
    </Badge>
  );
}

function ResultView({ result }: { result: Result }) {
  return (
    <Stack gap="xs" aria-label="Query result" component="section">
      <Group gap="sm">
        <StatusBadge status={result.status} />
        <Text size="sm" c="dimmed" aria-live="polite">
          {result.status === 'running' ? `Running on ${result.connectionName}… ${result.rowCount} rows so far` : `${result.rowCount} row${result.rowCount === 1 ? '' : 's'}`}
          {result.durationMs !== undefined && result.status !== 'running' ? ` · ${result.durationMs} ms` : ''}
          {result.status !== 'running' ? ` · ${result.connectionName}` : ''}
          {result.stored && result.createdAt ? ` · stored result from ${formatTime(result.createdAt)}` : ''}
          {result.truncated ? ' · truncated' : ''}
        </Text>
      </Group>
      {result.stored && (
        <Code block fz="xs">
          {result.sql}
        </Code>
      )}
      {result.error && <QueryErrorView error={result.error} sql={result.sql} />}
      {result.columns.length > 0 && (
        <Table.ScrollContainer minWidth={Math.min(1200, result.columns.length * 140)} mah={440} type="native">
          <Table striped withTableBorder withColumnBorders stickyHeader fz="sm" aria-label="Result rows" ff="monospace">
            <Table.Thead>
              <Table.Tr>
                {result.columns.map((c, i) => (
                  <Table.Th key={i}>
                    {c.name}
                    <Text span size="xs" c="dimmed" ml={6} fw={400}>
                      {c.type}
                    </Text>
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.rows.map((row, i) => (
                <Table.Tr key={i}>
                  {row.map((v, j) => (
                    <Table.Td key={j} style={{ whiteSpace: 'nowrap' }}>
                      {v === null ? <Text span c="dimmed" size="sm">NULL</Text> : typeof v === 'object' ? JSON.stringify(v) : String(v)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {result.rows.length < result.rowCount && result.status !== 'running' && (
        <Text size="xs" c="dimmed">
          Showing the first {result.rows.length} of {result.rowCount} rows.
        </Text>
      )}
    </Stack>
  );
}

function QueryErrorView({ error, sql }: { error: QueryError; sql: string }) {
  const where = error.position !== undefined ? lineAndColumn(sql, error.position) : null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={error.code === 'cancelled' ? 'Query cancelled' : 'Query failed'} role="alert">
      <Text size="sm">{error.message}</Text>
      {where && (
        <>
          <Text size="xs" c="dimmed" mt={6}>
            at line {where.line}, column {where.column}
          </Text>
          <Code block mt={4} fz="xs" aria-label="Error position">
            {where.text}
            {'\n'}
            {' '.repeat(Math.max(0, where.column - 1))}^
          </Code>
        </>
      )}
      <Text size="xs" c="dimmed" mt={4}>
        {error.code}
      </Text>
    </Alert>
  );
}
