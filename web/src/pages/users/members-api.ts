/** The membership and group calls of the Users and groups page, each with its dryRun preview. */
import type { QueryClient } from '@tanstack/react-query';
import { client, unwrap } from '../../api/client';
import { invalidate } from '../../api/keys';
import type { ImpactEntry, Role } from '../../api/models';

/** The impact of a dryRun preview. */
const impactOf = async (p: Promise<{ impact: ImpactEntry[] }>) => (await p).impact;

export function memberCalls(qc: QueryClient, ws: string) {
  const member = (userId: string) => ({ params: { path: { ws, userId } } });
  const group = (groupId: string) => ({ params: { path: { ws, groupId } } });
  const then = (p: Promise<unknown>) => p.then(() => invalidate.access(qc, ws));
  return {
    previewRole: (userId: string, role: Role) => impactOf(unwrap(client.PATCH('/api/v1/workspaces/{ws}/members/{userId}', { ...member(userId), body: { role, dryRun: true } }))),
    setRole: (userId: string, role: Role) => then(unwrap(client.PATCH('/api/v1/workspaces/{ws}/members/{userId}', { ...member(userId), body: { role, confirm: true } }))),
    previewRemoval: (userId: string) =>
      impactOf(unwrap(client.DELETE('/api/v1/workspaces/{ws}/members/{userId}', { params: { path: { ws, userId }, query: { dryRun: 'true' } } }))),
    remove: (userId: string) => then(unwrap(client.DELETE('/api/v1/workspaces/{ws}/members/{userId}', { params: { path: { ws, userId }, query: { confirm: 'true' } } }))),
    previewGroupDeletion: (groupId: string) =>
      impactOf(unwrap(client.DELETE('/api/v1/workspaces/{ws}/groups/{groupId}', { params: { path: { ws, groupId }, query: { dryRun: 'true' } } }))),
    deleteGroup: (groupId: string) => then(unwrap(client.DELETE('/api/v1/workspaces/{ws}/groups/{groupId}', { params: { path: { ws, groupId }, query: { confirm: 'true' } } }))),
    addToGroup: (groupId: string, userIds: string[]) => then(unwrap(client.POST('/api/v1/workspaces/{ws}/groups/{groupId}/members', { ...group(groupId), body: { userIds } }))),
    previewGroupRemoval: (groupId: string, userIds: string[]) =>
      impactOf(unwrap(client.POST('/api/v1/workspaces/{ws}/groups/{groupId}/members/remove', { ...group(groupId), body: { userIds, dryRun: true } }))),
    removeFromGroup: (groupId: string, userIds: string[]) =>
      then(unwrap(client.POST('/api/v1/workspaces/{ws}/groups/{groupId}/members/remove', { ...group(groupId), body: { userIds, confirm: true } }))),
  };
}
