/** Request and response shapes of invitations. The token appears in exactly one response: create. */
import { z } from 'zod';
import { Email, Id, IdParam, Name, RoleSchema, Timestamp } from '../../http/http-schemas.js';

export const InvitationParams = z.strictObject({ ws: IdParam.describe('Workspace id or slug'), id: IdParam });

export const CreateInvitationBody = z.strictObject({
  email: Email,
  role: RoleSchema,
  expiresInHours: z.number().int().min(1).max(30 * 24).optional().describe('How long the link works (default 7 days, at most 30)'),
});

export const AcceptInvitationBody = z.strictObject({
  token: z.string().min(10).max(200).describe('The token from the invitation link'),
  password: z.string().min(1).max(1024).optional().describe('New accounts only: the password the invitee chooses. Leave it out when signed in as the invited account.'),
  name: Name.optional().describe('New accounts only: how to show the invitee'),
});

export const Invitation = z
  .object({
    id: Id,
    email: z.string(),
    role: RoleSchema,
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    createdAt: Timestamp,
    expiresAt: Timestamp,
    acceptedAt: Timestamp.nullable(),
  })
  .meta({ id: 'Invitation' });

export const CreatedInvitation = z
  .object({
    invitation: Invitation,
    token: z.string().describe('Shown once: only its hash is stored. Send it to the invitee.'),
    acceptPath: z.string().describe('Path of the console page that redeems the token (the token is in the fragment, never sent in a URL to the server)'),
  })
  .meta({ id: 'CreatedInvitation' });

export const InvitationList = z.object({ invitations: z.array(Invitation) }).meta({ id: 'InvitationList' });

export const AcceptedInvitation = z
  .object({ userId: Id, email: z.string().describe('The invited (and now joined) account'), workspaceId: Id, role: RoleSchema, newUser: z.boolean() })
  .meta({ id: 'AcceptedInvitation' });
