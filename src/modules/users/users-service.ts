/** The caller as a user: who they are and the workspaces they belong to (`GET /me`). */
import type { Role } from '../../access/access-types.js';
import type { Caller } from '../../context.js';
import type { Plan } from '../plans.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import type { UsersRepository } from './users-repository.js';

type Deps = {
  repo: Pick<UsersRepository, 'byId'>;
  /** the workspaces module (above this one): the user's workspaces and roles */
  workspaces: { listForUser(userId: string): Promise<{ id: string; slug: string; name: string; plan: Plan; role: Role }[]> };
  policies: Pick<AuthzPolicies, 'assertSignedIn' | 'workspaceActions'>;
};

export function createUsersService(deps: Deps) {
  const api = {
    async me(caller: Caller) {
      const p = deps.policies.assertSignedIn(caller);
      const user = await deps.repo.byId(p.userId);
      if (!user) throw new Error(`signed-in user ${p.userId} has no row`);
      const workspaces = await deps.workspaces.listForUser(p.userId);
      return {
        user,
        workspaces: workspaces.map((w) => ({ ...w, allowedActions: deps.policies.workspaceActions(p.userId, w.id) })),
        authenticatedVia: p.via,
        ...(p.csrfToken ? { csrfToken: p.csrfToken } : {}),
        ...(p.via === 'token' ? { tokenScopes: p.scopes } : {}),
      };
    },
  };
  return { api };
}

export type UsersService = ReturnType<typeof createUsersService>;
export type UsersApi = UsersService['api'];
