/**
 * SQL cells (rules 5, 6, 9): run a query through a data connection the project uses (or the
 * workspace default), stream rows as they arrive, and store the result — capped — for the
 * project's viewers. Running queries can be cancelled by id; a cancel or a client disconnect
 * stops the query in the database.
 */
import { ProjectAction } from '../../access/access-types.js';
import type { QueryEvent } from '../../connectors/sql/sql-connector.js';
import { type Caller, userContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { GroupCommit } from '../../store/store-group-commit.js';
import type { AssetRow, AssetsService } from '../assets/assets-service.js';
import type { AuditWrite } from '../audit/audit-service.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import { queryErrorOf } from '../data-connections/data-connections-errors.js';
import type { DataConnectionsService } from '../data-connections/data-connections-service.js';
import type { ProjectFilesService } from '../project-files/project-files-service.js';
import type { ProjectRow, ProjectsService } from '../projects/projects-service.js';
import type { WorkspacesService } from '../workspaces/workspaces-service.js';
import { type QueriesRepository, type QueryStatus, statusOfError } from './queries-repository.js';

/** How long a query may take to produce its first event and still fail as a plain HTTP error. */
export const EARLY_ERROR_WINDOW_MS = 250;

export interface QueryLimits {
  maxRows: number;
  timeoutMs: number;
  resultMaxRows: number;
  resultMaxBytes: number;
}

export interface RunInput {
  sql: string;
  connectionId?: string;
  params?: unknown[];
  maxRows?: number;
  timeoutMs?: number;
}

type Deps = {
  repo: QueriesRepository;
  assets: Pick<AssetsService, 'get'>;
  projects: Pick<ProjectsService, 'load'>;
  workspaces: Pick<WorkspacesService, 'defaultConnectionId'>;
  connections: Pick<DataConnectionsService, 'connectorFor'>;
  /** A DuckDB cell reads its project's files (only that project's, read-only). */
  files: Pick<ProjectFilesService, 'sqlRoot'>;
  policies: Pick<AuthzPolicies, 'canSeeAsset' | 'mayNameAsset' | 'assertRunQuery'>;
  /** stored results share the store's group commit with audit events */
  commits: Pick<GroupCommit<AuditWrite>, 'submit'>;
};

/** What goes over the wire, one JSON object per line. */
export type QueryStreamEvent =
  | { type: 'query'; queryId: string; connectionId: string; connectionName: string }
  | QueryEvent
  | { type: 'end'; rowCount: number; truncated: boolean; queryId: string; durationMs: number; storedRows: number }
  | { type: 'error'; error: { code: string; message: string; details: Record<string, unknown> } };

export function createQueriesService(deps: Deps, limits: QueryLimits) {
  const { repo, policies } = deps;
  const running = new Map<string, { projectId: string; userId: string; controller: AbortController }>();

  /** Picks the connection (named, or the default) and checks rule 5 for the caller. */
  async function resolveConnection(project: ProjectRow, userId: string, connectionId?: string): Promise<AssetRow> {
    let id = connectionId;
    if (!id) {
      id = (await deps.workspaces.defaultConnectionId(project.workspaceId)) ?? undefined;
      if (!id) throw new AppError('no_default_connection', 'This workspace has no default data connection: name one with connectionId, or ask an admin to set a default.', { field: 'connectionId' });
    }
    const a = await deps.assets.get(id, 'data_connection').catch(() => null);
    if (!a || a.workspaceId !== project.workspaceId || !policies.canSeeAsset(userId, a)) throw notFound('Data connection', id);
    if (a.projectId && a.projectId !== project.id) throw notFound('Data connection', id);
    policies.assertRunQuery(userId, project, a, { isDefault: !connectionId });
    return a;
  }

  /**
   * Starts a query. Resolves once the first event (the columns, or an error before any row) is
   * known, so connection failures surface as ordinary HTTP errors; the rest streams after.
   */
  async function start(project: ProjectRow, userId: string, input: RunInput, clientSignal: AbortSignal) {
    const clientContext = userContext(userId);
    const conn = await resolveConnection(project, userId, input.connectionId);
    const { connector, readOnly } = await deps.connections.connectorFor(conn, { id: project.id, filesDir: () => deps.files.sqlRoot(project.id) });
    const queryId = newId('qry');
    const controller = new AbortController();
    const onClientAbort = () => controller.abort();
    clientSignal.addEventListener('abort', onClientAbort, { once: true });
    running.set(queryId, { projectId: project.id, userId, controller });
    const started = performance.now();
    const maxRows = Math.min(input.maxRows ?? limits.maxRows, limits.maxRows);
    const timeoutMs = Math.min(input.timeoutMs ?? limits.timeoutMs, limits.timeoutMs);
    const iterator = connector.query(input.sql, { params: input.params, maxRows, timeoutMs, readOnly, signal: controller.signal })[Symbol.asyncIterator]();

    // What gets stored for the project's viewers: the first rows, within a byte budget.
    let columns: { name: string; type: string }[] = [];
    const stored: unknown[][] = [];
    let storedBytes = 0;
    let storedFull = false;
    let rowCount = 0;

    const cleanup = () => {
      running.delete(queryId);
      clientSignal.removeEventListener('abort', onClientAbort);
    };

    /** Stores the result; shares a group commit with concurrent writers, resolves when durable. */
    async function save(status: QueryStatus, truncated: boolean, error: Record<string, unknown> | null) {
      const row = {
          id: queryId,
          project_id: project.id,
          connection_id: conn.id,
          connection_name: conn.name,
          sql: input.sql,
          status,
          columns: JSON.stringify(columns),
          rows: JSON.stringify(stored),
          row_count: rowCount,
          stored_row_count: stored.length,
          truncated: truncated || storedFull ? 1 : 0,
          error: error ? JSON.stringify(error) : null,
          duration_ms: Math.round(performance.now() - started),
          created_by: userId,
          created_at: nowIso(),
        };
      await deps.commits.submit(null, { key: `query:${queryId}`, run: (tx) => repo.insert(tx, row) });
    }

    const keep = (rows: unknown[][]) => {
      rowCount += rows.length;
      if (storedFull) return;
      for (const r of rows) {
        const size = JSON.stringify(r).length + 1;
        if (stored.length >= limits.resultMaxRows || storedBytes + size > limits.resultMaxBytes) {
          storedFull = true;
          return;
        }
        stored.push(r);
        storedBytes += size;
      }
    };

    const errorOf = queryErrorOf;

    // Wait briefly for the first event: a failure that quick (bad SQL, wrong password) becomes
    // an ordinary HTTP error. A slow start streams at once instead, so the client learns the
    // query id (to cancel) without waiting; a later failure arrives as an `error` event.
    type First = { ok: true; value: IteratorResult<QueryEvent> } | { ok: false; error: unknown };
    const firstP: Promise<First> = iterator.next().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    let timer: NodeJS.Timeout | undefined;
    const early = await Promise.race([firstP, new Promise<null>((r) => (timer = setTimeout(() => r(null), EARLY_ERROR_WINDOW_MS)))]);
    clearTimeout(timer);
    if (early && !early.ok) {
      cleanup();
      const err = errorOf(early.error);
      await save(statusOfError(err.code), false, err).catch(() => {});
      throw early.error;
    }

    async function* events(): AsyncGenerator<QueryStreamEvent> {
      try {
        yield { type: 'query', queryId, connectionId: conn.id, connectionName: conn.name };
        const first = early ?? (await firstP);
        if (!first.ok) throw first.error;
        let next = first.value;
        while (!next.done) {
          const ev = next.value;
          if (ev.type === 'columns') {
            columns = ev.columns;
            yield ev;
          } else if (ev.type === 'rows') {
            keep(ev.rows);
            yield ev;
          } else {
            await save('succeeded', ev.truncated, null);
            yield { type: 'end', rowCount: ev.rowCount, truncated: ev.truncated, queryId, durationMs: Math.round(performance.now() - started), storedRows: stored.length };
          }
          next = await iterator.next();
        }
      } catch (e) {
        const err = errorOf(e);
        await save(statusOfError(err.code), false, err).catch(() => {});
        yield { type: 'error', error: err };
      } finally {
        cleanup();
        // A consumer that stops early (client gone) must stop the database too.
        if (!controller.signal.aborted) controller.abort();
        await iterator.return?.().catch(() => undefined);
      }
    }

    return { queryId, connection: conn, events: events() };
  }

  /** Cancels a running query of the project; only its author or someone who can edit the project. */
  function cancel(project: ProjectRow, queryId: string): boolean {
    const r = running.get(queryId);
    if (!r || r.projectId !== project.id) return false;
    r.controller.abort();
    return true;
  }

  /**
   * Rule 6: a stored result is readable by anyone who can view the project; rule 2: the
   * connection's name only for those who may name it (its id stays, so the console can link it).
   */
  async function connectionNameFor(userId: string | null | undefined, project: ProjectRow, connectionId: string | null, stored: string): Promise<string | null> {
    // A trusted caller (no user given) gets the name stored with the result.
    if (userId === undefined) return stored;
    if (!connectionId) return null;
    const a = await deps.assets.get(connectionId).catch(() => null);
    return a && policies.mayNameAsset(userId, a, project.id) ? a.name : null;
  }

  async function list(project: ProjectRow, userId?: string | null, limit = 50) {
    const rows = await repo.list(project.id, limit);
    const names = new Map<string | null, string | null>();
    for (const r of rows) if (!names.has(r.connection_id)) names.set(r.connection_id, await connectionNameFor(userId, project, r.connection_id, r.connection_name));
    return rows.map((r) => ({
      id: r.id,
      connectionId: r.connection_id,
      connectionName: names.get(r.connection_id) ?? null,
      sql: r.sql,
      status: r.status as QueryStatus,
      rowCount: Number(r.row_count),
      storedRows: Number(r.stored_row_count),
      truncated: Number(r.truncated) === 1,
      durationMs: Number(r.duration_ms),
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  async function get(project: ProjectRow, queryId: string, userId?: string | null) {
    const r = await repo.get(project.id, queryId);
    if (!r) throw notFound('Query result', queryId);
    return {
      id: r.id,
      connectionId: r.connection_id,
      connectionName: await connectionNameFor(userId, project, r.connection_id, r.connection_name),
      sql: r.sql,
      status: r.status as QueryStatus,
      columns: JSON.parse(r.columns) as { name: string; type: string }[],
      rows: JSON.parse(r.rows) as unknown[][],
      rowCount: Number(r.row_count),
      storedRows: Number(r.stored_row_count),
      truncated: Number(r.truncated) === 1,
      error: r.error ? (JSON.parse(r.error) as Record<string, unknown>) : null,
      durationMs: Number(r.duration_ms),
      createdBy: r.created_by,
      createdAt: r.created_at,
    };
  }

  const userOf = (caller: Caller) => caller.principal?.userId ?? null;

  const api = {
    /** Runs a SQL cell for the caller (can_edit, then rule 5 on the connection). */
    async run(caller: Caller, projectId: string, input: RunInput, clientSignal: AbortSignal) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      return start(project, caller.principal!.userId, input, clientSignal);
    },
    async cancel(caller: Caller, projectId: string, queryId: string) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      if (!cancel(project, queryId)) throw new AppError('not_found', `No running query '${queryId}' in this project (it may have finished).`, { resource: 'query' });
      return { cancelled: true as const };
    },
    list: async (caller: Caller, projectId: string) => ({ queries: await list(await deps.projects.load(caller, projectId, ProjectAction.view_results), userOf(caller)) }),
    get: async (caller: Caller, projectId: string, queryId: string) => get(await deps.projects.load(caller, projectId, ProjectAction.view_results), queryId, userOf(caller)),
  };

  return { resolveConnection, start, cancel, list, get, runningCount: () => running.size, api };
}

export type QueriesService = ReturnType<typeof createQueriesService>;
export type QueriesApi = QueriesService['api'];
