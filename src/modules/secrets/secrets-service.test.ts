/**
 * Secrets as a caller sees them (fixes found by the red team): a reveal — one secret or the whole
 * runtime environment — needs a caller that may write; an anonymous web viewer of a project learns
 * nothing of a secret it may not see beyond its id and scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, demoProjects, startTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { systemContext } from '../../context.js';

let t: TestApp;
let churn: string;
let kpis: string;
let tokenSecret: string;

beforeAll(async () => {
  t = await startTestApp();
  const projects = await demoProjects(t);
  churn = projects['Churn analysis']!.id;
  kpis = projects['Public KPIs']!.id;
  const s = t.atrium.services;
  tokenSecret = (await s.assets.list(t.demoWorkspaceId, 'secret', t.users.admin)).find((a) => a.name === 'DEMO_API_TOKEN')!.id;
  // The web-shared project uses the workspace secret too (its creator, the editor, imports it).
  await s.assets.importInto(await s.projects.get(kpis), tokenSecret, t.users.editor, { confirm: true, dryRun: false }, systemContext('test'));
}, 60_000);
afterAll(async () => t?.close());

describe('revealing needs a caller that may write', () => {
  const api = () => t.atrium.services.secrets.api;

  it('the runtime environment: a read-only token is refused, a write token gets the values', async () => {
    await expect(api().runtimeEnv(callerFor(t.users.editor, { token: ['read'] }), churn)).rejects.toMatchObject({ code: 'forbidden', status: 403, details: { requiredScope: 'write' } });
    const env = await api().runtimeEnv(callerFor(t.users.editor, { token: ['read', 'write'] }), churn);
    expect(Object.keys(env.env)).toEqual(['DEMO_API_TOKEN']);
  });

  it('one secret: a read-only token is refused, a session is not', async () => {
    await expect(api().reveal(callerFor(t.users.editor, { token: ['read'] }), churn, 'DEMO_API_TOKEN')).rejects.toMatchObject({ code: 'forbidden', details: { requiredScope: 'write' } });
    expect(await api().reveal(callerFor(t.users.editor), churn, 'DEMO_API_TOKEN')).toMatchObject({ name: 'DEMO_API_TOKEN', version: 1 });
  });
});

describe("a project's secret list follows rule 2", () => {
  it('an anonymous web viewer sees only the id and scope of a secret it may not see', async () => {
    const list = await t.atrium.services.secrets.api.listProject(callerFor(null), kpis);
    expect(list.secrets).toEqual([{ id: tokenSecret, name: null, scope: 'workspace', projectId: null, visible: false, canReveal: false }]);
  });

  it('a member who may see it gets the whole view', async () => {
    const list = await t.atrium.services.secrets.api.listProject(callerFor(t.users.viewer), kpis);
    expect(list.secrets[0]).toMatchObject({ id: tokenSecret, name: 'DEMO_API_TOKEN', access: ['workspace'], visible: true, canReveal: false });
    expect(list.secrets[0]).toHaveProperty('lastUsedAt');
  });
});
