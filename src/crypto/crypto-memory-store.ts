/**
 * An in-memory `DataKeyStore` for tests (here and in other modules). It enforces the store
 * contract the service relies on: `insert` fails on an existing (workspaceId, version), and
 * `getWrapped` without a version returns the highest version.
 */
import type { DataKeyStore } from './crypto-service.js';

export interface MemoryDataKeyStore extends DataKeyStore {
  /** Direct access to rows, for tests that tamper with or inspect stored wrapped keys. */
  readonly rows: Map<string, { workspaceId: string; version: number; wrapped: string }>;
}

export function createMemoryDataKeyStore(): MemoryDataKeyStore {
  const rows = new Map<string, { workspaceId: string; version: number; wrapped: string }>();
  const id = (ws: string, v: number): string => `${ws}\u0000${v}`;
  return {
    rows,
    async getWrapped(workspaceId, version) {
      let best: { version: number; wrapped: string } | undefined;
      for (const r of rows.values()) {
        if (r.workspaceId !== workspaceId) continue;
        if (version !== undefined ? r.version === version : !best || r.version > best.version) {
          best = { version: r.version, wrapped: r.wrapped };
        }
      }
      return best;
    },
    async listAll() {
      return [...rows.values()].map((r) => ({ ...r }));
    },
    async insert(workspaceId, version, wrapped) {
      if (rows.has(id(workspaceId, version))) throw new Error('duplicate data key version');
      rows.set(id(workspaceId, version), { workspaceId, version, wrapped });
    },
    async updateWrapped(workspaceId, version, wrapped) {
      const r = rows.get(id(workspaceId, version));
      if (!r) throw new Error('no such data key');
      r.wrapped = wrapped;
    },
  };
}
