/** Per-project limits on files and bytes, and the rule-6 doors, with a real local store and stub neighbours. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectAction } from '../../access/access-types.js';
import type { Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import { createProjectFilesService } from './project-files-service.js';
import { createLocalFileStore } from './project-files-store.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-pfs-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const caller: Caller = { principal: { userId: 'u1', via: 'session', scopes: ['read', 'write'] }, ctx: { actorType: 'user', actorId: 'u1', ip: null, userAgent: null, requestId: null } };
const asked: ProjectAction[] = [];
const audited: string[] = [];

function service(limits: { maxFiles: number; maxBytes: number }, allowed: ProjectAction[] = [ProjectAction.view, ProjectAction.view_results, ProjectAction.edit]) {
  return createProjectFilesService(
    {
      store: { transaction: (async (fn: (tx: unknown) => Promise<unknown>) => fn({})) as never },
      files: createLocalFileStore(path.join(tmp, String(Math.random()).slice(2))),
      projects: {
        async load(_c, id, action) {
          asked.push(action);
          if (!allowed.includes(action)) throw new AppError('forbidden', 'no');
          return { id, workspaceId: 'w1' } as never;
        },
      },
      policies: { projectActions: () => allowed },
      audit: { record: (async (_tx: unknown, _ctx: unknown, e: { action: string }) => void audited.push(e.action)) as never },
    },
    limits,
  );
}

const body = (s: string) => Readable.from([Buffer.from(s)]);

describe('project files service', () => {
  it('refuses an upload past the file count, naming the limit', async () => {
    const s = service({ maxFiles: 2, maxBytes: 1000 });
    await s.api.upload(caller, 'p1', 'a.txt', body('a'), 1);
    await s.api.upload(caller, 'p1', 'b.txt', body('b'), 1);
    // Replacing a file does not add one.
    await s.api.upload(caller, 'p1', 'b.txt', body('bb'), 2);
    const e = await s.api.upload(caller, 'p1', 'c.txt', body('c'), 1).catch((x: unknown) => x as AppError);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('file_limit_exceeded');
    expect((e as AppError).status).toBe(413);
    expect((e as AppError).message).toContain('the limit is 2');
    expect((await s.api.list(caller, 'p1')).usage).toEqual({ files: 2, bytes: 3, maxFiles: 2, maxBytes: 1000 });
    expect(audited).toContain('project_file.upload');
  });

  it('refuses bytes past the limit, also when the body is larger than it said', async () => {
    const s = service({ maxFiles: 10, maxBytes: 10 });
    await expect(s.api.upload(caller, 'p1', 'big.txt', body('x'.repeat(11)), 11)).rejects.toMatchObject({ code: 'file_limit_exceeded' });
    await expect(s.api.upload(caller, 'p1', 'liar.txt', body('x'.repeat(11)), 1)).rejects.toMatchObject({ code: 'file_limit_exceeded' });
    expect((await s.api.list(caller, 'p1')).files).toEqual([]);
    // A replacement that turns out too large leaves the old file as it was.
    await s.api.upload(caller, 'p1', 'keep.txt', body('12345'), 5);
    await expect(s.api.upload(caller, 'p1', 'keep.txt', body('x'.repeat(20)), 5)).rejects.toMatchObject({ code: 'file_limit_exceeded' });
    expect((await s.api.list(caller, 'p1')).files.map((f) => [f.path, f.size])).toEqual([['keep.txt', 5]]);
  });

  it('room reserved by a transfer in flight counts for every other check until it settles or is released', async () => {
    const s = service({ maxFiles: 4, maxBytes: 100 });
    const a = await s.reserve('p1', [{ path: 'a.bin', bytes: 60 }]);
    // Fits alone, not together with the import still running.
    const refused = await s.reserve('p1', [{ path: 'b.bin', bytes: 50 }]).catch((e: unknown) => e as AppError);
    expect(refused).toMatchObject({ code: 'file_limit_exceeded', details: { limit: 'bytes', inFlight: 60, adding: 50 } });
    expect((refused as AppError).message).toContain('counting transfers still in progress');
    // An upload is held to the same room.
    await expect(s.api.upload(caller, 'p1', 'c.bin', body('x'.repeat(50)), 50)).rejects.toMatchObject({ code: 'file_limit_exceeded' });
    await expect(s.api.upload(caller, 'p1', 'c.bin', body('x'.repeat(50)), 10)).rejects.toMatchObject({ code: 'file_limit_exceeded' });
    // Checks that start together are decided one after the other: only one of these fits.
    const both = await Promise.allSettled([s.reserve('p1', [{ path: 'd.bin', bytes: 30 }]), s.reserve('p1', [{ path: 'e.bin', bytes: 30 }])]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    for (const r of both) if (r.status === 'fulfilled') r.value.release();
    // Released: the room is free again (a failed import gives back what it did not write).
    a.release();
    a.release();
    const b = await s.reserve('p1', [{ path: 'b.bin', bytes: 50 }, { path: 'b2.bin', bytes: 50 }]);
    expect(b.room).toBe(100);
    // Another project is not affected.
    await s.api.upload(caller, 'p2', 'x.bin', body('x'.repeat(100)), 100);
    // A file in place is counted by the store; once settled, no longer by the claim as well.
    await s.store.receive('p1', 'b.bin', async (dest) => fs.promises.writeFile(dest, 'x'.repeat(50)));
    await expect(s.reserve('p1', [{ path: 'f.bin', bytes: 1 }])).rejects.toMatchObject({ details: { current: 50, inFlight: 100 } });
    b.settle('b.bin');
    await expect(s.reserve('p1', [{ path: 'f.bin', bytes: 1 }])).rejects.toMatchObject({ details: { current: 50, inFlight: 50 } });
    b.release();
    (await s.reserve('p1', [{ path: 'f.bin', bytes: 50 }])).release();
    await expect(s.reserve('p1', [{ path: 'f1', bytes: 1 }, { path: 'f2', bytes: 1 }, { path: 'f3', bytes: 1 }, { path: 'f4', bytes: 1 }])).rejects.toMatchObject({ details: { limit: 'files' } });
  });

  it('lists and downloads with view_results (rule 6); deletes and uploads need edit', async () => {
    const s = service({ maxFiles: 10, maxBytes: 1000 }, [ProjectAction.view, ProjectAction.view_results]);
    asked.length = 0;
    await s.api.list(caller, 'p1');
    await expect(s.api.download(caller, 'p1', 'none.txt')).rejects.toMatchObject({ code: 'not_found' });
    expect(asked).toEqual([ProjectAction.view_results, ProjectAction.view_results]);
    await expect(s.api.remove(caller, 'p1', 'a.txt')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.api.upload(caller, 'p1', 'a.txt', body('a'), 1)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
