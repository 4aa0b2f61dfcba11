/**
 * Git providers: request and response shapes. Credentials (a token, a GitHub App's private key
 * and client secret) are write-only: `SanitizedGitProviderSchema` has only `hasCredentials`, so
 * no response can carry them.
 */
import { z } from 'zod';
import { GIT_PROVIDER_KINDS } from '../../connectors/git-providers/git-providers.js';
import { Id, IdParam, Name, Timestamp, WorkspaceAllowedActions, PositiveInt32 } from '../../http/http-schemas.js';

// ---- requests
export const GitProviderKindSchema = z.enum(GIT_PROVIDER_KINDS).meta({ id: 'GitProviderKind' });
const Config = z
  .record(z.string(), z.unknown())
  .describe('Per kind — github: {appId, apiBaseUrl?, clientId?}; github_enterprise: {appId, apiBaseUrl, clientId?}; gitlab: {baseUrl?, username?}; bitbucket: {baseUrl?, tokenKind?, email?}; https: {baseUrl, auth: bearer|basic|none, username?}');
const Credentials = z
  .record(z.string(), z.string())
  .describe('Write-only, never returned — github*: {privateKey, clientSecret?}; gitlab/bitbucket: {token}; https: {secret?}');
const InstallationId = PositiveInt32.describe('GitHub kinds: the id of the App’s installation on the account to use');
export const CreateGitProviderBody = z.strictObject({ name: Name, kind: GitProviderKindSchema, config: Config, credentials: Credentials, installationId: InstallationId.optional() });
export const GitProviderPatch = z.strictObject({
  name: Name.optional(),
  config: Config.optional(),
  credentials: Credentials.optional().describe('New credentials (replace the old ones whole)'),
  installationId: InstallationId.nullable().optional(),
  expectedVersion: PositiveInt32.optional(),
});
export const GitProviderParams = z.strictObject({ ws: IdParam, id: IdParam });
export const GitHubAuthorizeBody = z.strictObject({
  installationId: InstallationId.optional().describe('The App installation to link, when the admin can access several (else the only one is used)'),
});
export const GitProviderTestBody = z.strictObject({
  repository: z.string().trim().min(1).max(500).optional().describe('A repository path (group/project) to check access to; token providers need one'),
});

// ---- responses
export const SanitizedGitProviderSchema = z
  .object({
    id: Id,
    name: z.string(),
    kind: GitProviderKindSchema,
    config: z.record(z.string(), z.unknown()).describe('Non-secret settings only'),
    hasCredentials: z.literal(true).describe('Credentials are write-only: never returned'),
    installationId: z.number().int().nullable(),
    githubAccount: z.object({ login: z.string(), id: z.number().int() }).nullable().describe('The GitHub account this workspace is linked to (rule 11)'),
    githubLinkedBy: z
      .object({ login: z.string(), id: z.number().int(), linkedAt: Timestamp })
      .nullable()
      .describe('The GitHub user (an admin) who linked the account with the OAuth step, and when; null when the installation was set by id'),
    packageCount: z.number().int(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'GitProvider' });
export const GitProviderList = z.object({ providers: z.array(SanitizedGitProviderSchema), allowedActions: WorkspaceAllowedActions });

export const GitHubAuthorizeResult = z
  .object({
    authorizeUrl: z.string().describe("GitHub's sign-in page for this App: open it in the same browser; GitHub sends it back to the callback"),
    expiresAt: Timestamp.describe('The sign-in must be completed before this time'),
  })
  .meta({ id: 'GitHubAuthorizeResult' });

export const GitProviderTestResult = z
  .object({
    ok: z.boolean(),
    checks: z.array(z.string()).describe('What was checked, in order'),
    error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }).nullable().describe('What is wrong, when ok is false'),
  })
  .meta({ id: 'GitProviderTestResult' });
