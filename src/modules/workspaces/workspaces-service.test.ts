/** Workspaces as a caller changes them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, startTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 60_000);
afterAll(async () => t?.close());

describe('updating a workspace', () => {
  it('with nothing to change answers validation_failed (not a database error)', async () => {
    await expect(t.atrium.services.workspaces.api.update(callerFor(t.users.admin), t.demoWorkspaceId, {})).rejects.toMatchObject({ code: 'validation_failed', status: 400 });
  });

  it('renames for an admin, and is refused to an editor', async () => {
    expect(await t.atrium.services.workspaces.api.update(callerFor(t.users.admin), 'demo', { name: 'Demo 2' })).toMatchObject({ name: 'Demo 2', slug: 'demo' });
    await expect(t.atrium.services.workspaces.api.update(callerFor(t.users.editor), 'demo', { name: 'x' })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('an outsider and an anonymous caller learn nothing', async () => {
    await expect(t.atrium.services.workspaces.api.show(callerFor('usr_nobody'), 'demo')).rejects.toMatchObject({ code: 'not_found' });
    await expect(t.atrium.services.workspaces.api.show(callerFor(null), 'demo')).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});
