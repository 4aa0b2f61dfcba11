/** Built-in and custom groups and their members: request and response shapes. */
import { z } from 'zod';
import { ConfirmFields, Id, IdParam, Name, Timestamp } from '../../http/http-schemas.js';

// ---- requests
export const GroupParams = z.strictObject({ ws: IdParam, groupId: IdParam });
export const GroupBody = z.strictObject({ name: Name, description: z.string().max(2000).optional() });
export const GroupPatch = z.strictObject({ name: Name.optional(), description: z.string().max(2000).optional() });
const UserIds = z.array(IdParam).min(1).max(1000);
export const AddGroupMembersBody = z.strictObject({ userIds: UserIds });
export const RemoveGroupMembersBody = z.strictObject({ userIds: UserIds, ...ConfirmFields });

// ---- responses
/** workspace, workspace-guests, public: derived from roles, never stored or edited. */
export const BuiltinGroup = z
  .object({ id: z.enum(['workspace', 'workspace-guests', 'public']), name: z.string(), description: z.string(), builtin: z.literal(true) })
  .meta({ id: 'BuiltinGroup' });

export const CustomGroup = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string(),
    builtin: z.literal(false),
    memberCount: z.number().int(),
    createdAt: Timestamp.optional().describe('Absent in the answer of create'),
  })
  .meta({ id: 'CustomGroup' });

export const GroupList = z.object({ builtin: z.array(BuiltinGroup), custom: z.array(CustomGroup) }).meta({ id: 'GroupList' });

/** A custom group as edited (the answer of PATCH). */
export const GroupInfo = z.object({ id: Id, name: z.string(), description: z.string(), createdAt: Timestamp }).meta({ id: 'GroupInfo' });

export const GroupMember = z.object({ userId: Id, email: z.string(), name: z.string(), addedAt: Timestamp }).meta({ id: 'GroupMember' });
export const GroupDetail = GroupInfo.extend({ members: z.array(GroupMember) }).meta({ id: 'GroupDetail' });
