/**
 * Invitations: parse, call the invitations service's `api`, present. Adding a member IS inviting:
 * `POST /workspaces/{ws}/members` creates an invitation too, so no route attaches an identity that
 * exists elsewhere, or says whether it does.
 */
import { callerOf } from '../../http/http-auth.js';
import { errorResponses, NoContent, WsParams, type ZApp } from '../../http/http-schemas.js';
import type { InvitationsApi } from './invitations-service.js';
import { AcceptedInvitation, AcceptInvitationBody, CreatedInvitation, CreateInvitationBody, InvitationList, InvitationParams } from './invitations-schema.js';

export function registerInvitationsRoutes(app: ZApp, s: { invitations: InvitationsApi }): void {
  const tags = ['members'];

  app.post('/workspaces/:ws/invitations', { schema: { tags, summary: 'Invite someone by email (admins): returns a one-time link, shown once', params: WsParams, body: CreateInvitationBody, response: { 201: CreatedInvitation, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await s.invitations.create(callerOf(req), req.params.ws, req.body)),
  );

  app.post('/workspaces/:ws/members', { schema: { tags, summary: 'Add a member: invites them (202); they join when they accept the link', params: WsParams, body: CreateInvitationBody, response: { 202: CreatedInvitation, ...errorResponses } } }, async (req, reply) =>
    reply.status(202).send(await s.invitations.create(callerOf(req), req.params.ws, req.body)),
  );

  app.get('/workspaces/:ws/invitations', { schema: { tags, summary: 'Invitations of the workspace, newest first (admins; never their tokens)', params: WsParams, response: { 200: InvitationList, ...errorResponses } } }, async (req) =>
    s.invitations.list(callerOf(req), req.params.ws),
  );

  app.delete('/workspaces/:ws/invitations/:id', { schema: { tags, summary: 'Revoke a pending invitation (admins)', params: InvitationParams, response: { 204: NoContent, ...errorResponses } } }, async (req, reply) => {
    await s.invitations.revoke(callerOf(req), req.params.ws, req.params.id);
    return reply.status(204).send();
  });

  app.post('/invitations/accept', { schema: { tags, summary: 'Redeem an invitation: a new account sets its password here; an existing one accepts signed in, without a password', body: AcceptInvitationBody, security: [], response: { 200: AcceptedInvitation, ...errorResponses } } }, async (req) =>
    s.invitations.accept(callerOf(req), req.body),
  );
}
