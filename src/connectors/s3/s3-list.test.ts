/** Browsing against a real radosgw: folders, paging past 1,000 keys, the name filter. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Connector, S3ListPage } from './s3-connector.js';
import { LIST_FIXTURES_PREFIX, assertCode, connectorFor, ensureListFixtures, failure, testS3 } from './s3-test-support.js';

const s3 = testS3();
const BASE = LIST_FIXTURES_PREFIX;
const COUNT = 1100;
const name = (i: number) => `file-${String(i).padStart(4, '0')}.txt`;
const expectedKeys = [...Array.from({ length: COUNT }, (_, i) => name(i)), 'sub-a/inner.txt', 'sub-b/deeper/x.txt'];

let c: S3Connector;

beforeAll(async () => {
  await ensureListFixtures(s3);
  c = connectorFor(s3, 'noPut', { prefix: BASE });
}, 120_000);

afterAll(() => c?.close());

async function allPages(list: (token?: string) => Promise<S3ListPage>): Promise<{ pages: S3ListPage[] }> {
  const pages: S3ListPage[] = [];
  let token: string | undefined;
  do {
    const p = await list(token);
    pages.push(p);
    token = p.nextPageToken;
  } while (token && pages.length < 20);
  return { pages };
}

describe('list', () => {
  it('pages past 1,000 keys: every key once, relative to the prefix', async () => {
    const { pages } = await allPages((pageToken) => c.list({ pageToken }));
    // S3 returns at most 1,000 entries a page (radosgw sometimes fewer: its sharded index).
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const p of pages) expect(p.objects.length + p.folders.length).toBeLessThanOrEqual(1000);
    expect(pages[0]!.objects.length).toBeGreaterThan(900);
    expect(pages.at(-1)!.nextPageToken).toBeUndefined();
    const keys = pages.flatMap((p) => p.objects.map((o) => o.key));
    expect(keys.length).toBe(COUNT);
    expect(new Set(keys).size).toBe(COUNT);
    expect(keys.sort()).toEqual(Array.from({ length: COUNT }, (_, i) => name(i)));
    const folders = pages.flatMap((p) => p.folders);
    expect(folders).toEqual([
      { prefix: 'sub-a/', name: 'sub-a' },
      { prefix: 'sub-b/', name: 'sub-b' },
    ]);
  });

  it('objects carry size, modified time and ETag', async () => {
    const p = await c.list({ maxKeys: 3 });
    expect(p.objects.length).toBe(3);
    const o = p.objects[0]!;
    expect(o).toMatchObject({ key: 'file-0000.txt', name: 'file-0000.txt', size: Buffer.byteLength('content of file-0000.txt') });
    expect(Date.parse(o.modified!)).toBeGreaterThan(Date.parse('2020-01-01'));
    expect(o.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(p.nextPageToken).toBeTruthy();
  });

  it('a folder lists its own level; no delimiter lists everything below', async () => {
    const sub = await c.list({ prefix: 'sub-b/' });
    expect(sub.objects).toEqual([]);
    expect(sub.folders).toEqual([{ prefix: 'sub-b/deeper/', name: 'deeper' }]);
    const deep = await c.list({ prefix: 'sub-b/deeper/' });
    expect(deep.objects.map((o) => [o.key, o.name])).toEqual([['sub-b/deeper/x.txt', 'x.txt']]);
    const flat = await c.list({ prefix: 'sub-', delimiter: '' });
    expect(flat.folders).toEqual([]);
    expect(flat.objects.map((o) => o.key)).toEqual(['sub-a/inner.txt', 'sub-b/deeper/x.txt']);
  });

  it('the name filter keeps matching names across pages, case-insensitively', async () => {
    const { pages } = await allPages((pageToken) => c.list({ pageToken, nameFilter: 'FILE-105' }));
    const names = pages.flatMap((p) => p.objects.map((o) => o.name));
    expect(names).toEqual(Array.from({ length: 10 }, (_, i) => name(1050 + i)));
    const f = await allPages((pageToken) => c.list({ pageToken, nameFilter: 'sub-a' }));
    expect(f.pages.flatMap((p) => p.folders)).toEqual([{ prefix: 'sub-a/', name: 'sub-a' }]);
    expect(f.pages.flatMap((p) => p.objects)).toEqual([]);
  });

  it("cannot step outside the integration's prefix", async () => {
    assertCode(await failure(() => c.list({ prefix: '../' })), 'invalid_key');
    // A prefix that exists only outside the integration's prefix lists nothing.
    const outside = await c.list({ prefix: 'perm-tests/' });
    expect(outside).toEqual({ folders: [], objects: [] });
  });
});
