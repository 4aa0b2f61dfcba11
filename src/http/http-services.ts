/** Everything the HTTP layer is handed by the composition root (src/main.ts). */
import type { AuditService } from '../modules/audit/audit-service.js';
import type { AuthService } from '../modules/auth/auth-service.js';
import type { AuthzService } from '../modules/authz/authz-service.js';
import type { GroupsService } from '../modules/groups/groups-service.js';
import type { ProjectsService } from '../modules/projects/projects-service.js';
import type { WorkspacesService } from '../modules/workspaces/workspaces-service.js';
import type { Store } from '../store/store.js';
import type { AssetsService } from '../modules/assets/assets-service.js';
import type { SecretsService } from '../modules/secrets/secrets-service.js';
import type { DataConnectionsService } from '../modules/data-connections/data-connections-service.js';
import type { QueriesService } from '../modules/queries/queries-service.js';
import type { CryptoService } from '../crypto/crypto-service.js';

export interface Services {
  store: Store;
  crypto: CryptoService;
  audit: AuditService;
  auth: AuthService;
  authz: AuthzService;
  workspaces: WorkspacesService;
  groups: GroupsService;
  projects: ProjectsService;
  assets: AssetsService;
  secrets: SecretsService;
  connections: DataConnectionsService;
  queries: QueriesService;
}
