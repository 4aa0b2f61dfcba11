/**
 * Shapes every asset kind shares — groups with access, usage, delete with preview — and a
 * project's imports.
 */
import { z } from 'zod';
import { AccessGroups, AssetKindSchema, ConfirmFields, Id, IdParam, ImpactSchema, PositiveInt32 } from '../../http/http-schemas.js';

// ---- requests
export const AccessList = z.array(z.string().min(1).max(200)).max(100).describe('Groups with access: custom group ids, "workspace", "workspace-guests" or "public"');
export const AssetParams = z.strictObject({ ws: IdParam, id: IdParam });
export const SetAccessBody = z.strictObject({ access: AccessList, expectedVersion: PositiveInt32.optional(), ...ConfirmFields });
export const ImportBody = z.strictObject({ assetId: IdParam, ...ConfirmFields });
export const ImportParams = z.strictObject({ projectId: IdParam, assetId: IdParam });

// ---- responses
/** The projects importing an asset (the Usage column); names only of projects the caller can view. */
export const AssetUsage = z
  .object({
    count: z.number().int().describe('Every importing project, visible or not'),
    projects: z.array(z.object({ id: Id, name: z.string(), visible: z.boolean() })),
  })
  .meta({ id: 'AssetUsage' });

export const AccessChangeResult = z
  .object({ applied: z.boolean(), access: AccessGroups, impact: ImpactSchema })
  .meta({ id: 'AccessChangeResult' });

/** Rule 8: delete, previewed (applied false) or done. */
export const AssetRemoveResult = z
  .object({ applied: z.boolean(), usage: AssetUsage, isDefault: z.boolean(), irreversible: z.boolean().describe('Always true: a delete cannot be undone') })
  .meta({ id: 'AssetRemoveResult' });

export const ProjectImport = z
  .object({
    id: Id,
    kind: AssetKindSchema,
    name: z.string().nullable().describe('null when the caller may not see the asset'),
    scope: z.enum(['project', 'workspace']),
    visible: z.boolean(),
    usable: z.boolean(),
  })
  .meta({ id: 'ProjectImport' });
export const ProjectImportList = z.object({ imports: z.array(ProjectImport) });

export const ImportableAssetList = z.object({ assets: z.array(z.object({ id: Id, kind: AssetKindSchema, name: z.string() })) });

export const ImportResult = z
  .object({ applied: z.boolean(), alreadyImported: z.boolean(), impact: ImpactSchema })
  .meta({ id: 'ImportResult' });
