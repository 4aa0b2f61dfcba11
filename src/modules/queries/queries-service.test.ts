/** Stored results (rule 6) name their connection only to whoever may see it (rule 2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, demoProjects, startTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
let kpis: string;
beforeAll(async () => {
  t = await startTestApp();
  kpis = (await demoProjects(t))['Public KPIs']!.id;
}, 60_000);
afterAll(async () => t?.close());

describe("a stored result's connection", () => {
  it('an anonymous web viewer reads the result, with the connection id and no name', async () => {
    const api = t.atrium.services.queries.api;
    const { queries } = await api.list(callerFor(null), kpis);
    expect(queries.length).toBeGreaterThan(0);
    expect(queries[0]).toMatchObject({ status: 'succeeded', connectionName: null });
    expect(queries[0]!.connectionId).toMatch(/^ast_/);
    const one = await api.get(callerFor(null), kpis, queries[0]!.id);
    expect(one).toMatchObject({ connectionId: queries[0]!.connectionId, connectionName: null });
    expect(one.rows.length).toBeGreaterThan(0);
  });

  it('a member who may see the connection gets its name', async () => {
    const { queries } = await t.atrium.services.queries.api.list(callerFor(t.users.viewer), kpis);
    expect(queries[0]).toMatchObject({ connectionName: 'Demo warehouse' });
  });
});
