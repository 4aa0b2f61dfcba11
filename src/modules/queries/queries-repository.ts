/** The `query_results` table: stored (capped) results of SQL cells, readable by a project's viewers (rule 6). */
import type { DbOrTx, Store } from '../../store/store.js';
import type { QueryResultsTable } from '../../store/store-schema.js';

/** How a stored run ended: a stop by its time limit or by a cancel is not a failure of the SQL. */
export const QUERY_STATUSES = ['succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export type QueryStatus = (typeof QUERY_STATUSES)[number];

/** The stored status of a run that ended with this error code. */
export function statusOfError(code: string): Exclude<QueryStatus, 'succeeded'> {
  if (code === 'cancelled') return 'cancelled';
  if (code === 'statement_timeout') return 'timed_out';
  return 'failed';
}

export function createQueriesRepository(store: Pick<Store, 'db'>) {
  const { db } = store;
  return {
    async insert(tx: DbOrTx, row: QueryResultsTable & { status: QueryStatus }): Promise<void> {
      await tx.insertInto('query_results').values(row).execute();
    },
    async list(projectId: string, limit: number) {
      return db
        .selectFrom('query_results')
        .select(['id', 'connection_id', 'connection_name', 'sql', 'status', 'row_count', 'stored_row_count', 'truncated', 'duration_ms', 'created_by', 'created_at'])
        .where('project_id', '=', projectId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
    },
    async get(projectId: string, queryId: string): Promise<QueryResultsTable | undefined> {
      return db.selectFrom('query_results').selectAll().where('id', '=', queryId).where('project_id', '=', projectId).executeTakeFirst();
    },
  };
}

export type QueriesRepository = ReturnType<typeof createQueriesRepository>;
