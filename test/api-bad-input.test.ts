/**
 * Bad input never reaches a 5xx: every malformed request gets a 4xx with a stable code and a
 * message a person can act on, in the one error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type TestApp, startTestApp } from './helpers/test-app.js';

let t: TestApp;
let editor: Client;
beforeAll(async () => {
  t = await startTestApp();
  editor = await t.login('editor@demo.local');
});
afterAll(async () => t?.close());

function expectError(res: { statusCode: number; json(): any }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(5);
  expect(body.error).toHaveProperty('details');
  expect(typeof body.requestId).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
}

const url = '/api/v1/workspaces/demo/projects';

describe('bad input gets a 4xx with a stable code', () => {
  it.each([
    ['malformed JSON', '{"name": "x",', 'invalid_json'],
    ['truncated JSON', '{', 'invalid_json'],
    ['not JSON at all', 'hello', 'invalid_json'],
  ])('%s → 400 invalid_json', async (_n, body, code) => {
    expectError(await editor.request('POST', url, body, { 'content-type': 'application/json' }), 400, code);
  });

  it('bad UTF-8 → 400 invalid_utf8', async () => {
    const bytes = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    expectError(await editor.request('POST', url, bytes, { 'content-type': 'application/json' }), 400, 'invalid_utf8');
  });

  it('wrong types → 400 validation_failed naming the field', async () => {
    const res = await editor.post(url, { name: 42 });
    expectError(res, 400, 'validation_failed');
    expect(res.json().error.details.issues[0].path).toBe('body.name');
  });

  it('missing body → 400 validation_failed', async () => {
    expectError(await editor.request('POST', url, '', { 'content-type': 'application/json' }), 400, 'validation_failed');
  });

  it('unknown fields → 400 validation_failed listing them', async () => {
    const res = await editor.post(url, { name: 'ok', owner: 'me' });
    expectError(res, 400, 'validation_failed');
    expect(res.json().error.details.issues[0].unknownFields).toEqual(['owner']);
  });

  it('an oversized body → 413 payload_too_large', async () => {
    const big = JSON.stringify({ name: 'x', description: 'a'.repeat(2 * 1024 * 1024) });
    expectError(await editor.request('POST', url, big, { 'content-type': 'application/json' }), 413, 'payload_too_large');
  });

  it('a body that is not JSON → 415 unsupported_media_type', async () => {
    expectError(await editor.request('POST', url, 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
  });

  it('bad query parameters → 400', async () => {
    expectError(await editor.get('/api/v1/workspaces/demo/projects?minLevel=owner'), 400, 'validation_failed');
    const admin = await t.login('admin@demo.local');
    expectError(await admin.get('/api/v1/workspaces/demo/audit-events?limit=0'), 400, 'validation_failed');
    expectError(await admin.get('/api/v1/workspaces/demo/audit-events?limit=abc'), 400, 'validation_failed');
    expectError(await admin.get('/api/v1/workspaces/demo/audit-events?since=yesterday'), 400, 'validation_failed');
    expectError(await admin.get('/api/v1/workspaces/demo/audit-events?bogus=1'), 400, 'validation_failed');
  });

  it('an unknown route → 404 route_not_found; unknown ids → 404 not_found', async () => {
    expectError(await editor.get('/api/v1/nothing-here'), 404, 'route_not_found');
    expectError(await editor.get('/api/v1/projects/prj_doesnotexist'), 404, 'not_found');
    expectError(await editor.get('/api/v1/workspaces/nope'), 404, 'not_found');
  });

  it('a bad grant subject or level → 400', async () => {
    const p = (await editor.post(url, { name: 'p' })).json();
    expectError(await editor.put(`/api/v1/projects/${p.id}/grants/robot:1`, { level: 'can_view' }), 400, 'validation_failed');
    expectError(await editor.put(`/api/v1/projects/${p.id}/grants/public`, { level: 'can_edit' }), 400, 'validation_failed');
    expectError(await editor.put(`/api/v1/projects/${p.id}/grants/user:usr_nobody`, { level: 'can_view' }), 400, 'validation_failed');
    expectError(await editor.put(`/api/v1/projects/${p.id}/grants/public`, { level: 'owner' }), 400, 'validation_failed');
  });

  it('strange but valid strings are stored verbatim', async () => {
    const name = 'Ünïcødé ✓ <script>alert(1)</script> 🚀';
    const res = await editor.post(url, { name });
    expect(res.statusCode).toBe(201);
    expect((await editor.get(`/api/v1/projects/${res.json().id}`)).json().name).toBe(name);
  });

  it('prototype-pollution keys are dropped, not applied', async () => {
    const res = await editor.request('POST', url, '{"name":"pp","__proto__":{"polluted":true}}', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('numbers past the database’s integer range → 400, not a 500 from PostgreSQL', async () => {
    // Found by the fuzzer on PostgreSQL: {"version": 8785653728568568} reached an integer column.
    const admin = await t.login('admin@demo.local');
    const huge = 2 ** 53 - 1;
    const secrets = (await admin.get('/api/v1/workspaces/demo/secrets')).json().secrets as { id: string }[];
    const conns = (await admin.get('/api/v1/workspaces/demo/data-connections')).json().dataConnections as { id: string }[];
    expectError(await admin.post(`/api/v1/workspaces/demo/secrets/${secrets[0]!.id}/rollback`, { version: huge }), 400, 'validation_failed');
    expectError(await admin.patch(`/api/v1/workspaces/demo/data-connections/${conns[0]!.id}`, { name: 'x', expectedVersion: huge }), 400, 'validation_failed');
    expectError(await admin.put(`/api/v1/workspaces/demo/secrets/${secrets[0]!.id}/access`, { access: ['workspace'], expectedVersion: huge }), 400, 'validation_failed');
    expectError(await admin.get(`/api/v1/workspaces/demo/audit-events?cursor=${huge}`), 400, 'validation_failed');
    expectError(await admin.post('/api/v1/workspaces/demo/git-providers', { name: 'GH', kind: 'github', installationId: huge, config: { appId: 1 }, credentials: { privateKey: 'x' } }), 400, 'validation_failed');
  });

  it('no request in this file produced a 5xx in the logs', () => {
    const fives = t.logs.filter((l) => /"statusCode":5\d\d/.test(l));
    expect(fives).toEqual([]);
  });
});
