import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWrappedMasterVersion } from './crypto-envelope.js';
import {
  keyringFromKeyFile,
  keyringFromKeys,
  masterKeyFilePath,
  openMasterKeyring,
  removeKeyFileVersion,
  rotateKeyFile,
  type MasterKey,
} from './crypto-master-keys.js';
import { createMemoryDataKeyStore } from './crypto-memory-store.js';
import { createCryptoService } from './crypto-service.js';
import { rejected } from './crypto-test-support.js';

const mk = (version: number): MasterKey => ({ version, key: crypto.randomBytes(32) });

function setup() {
  const k1 = mk(1);
  const keyring = keyringFromKeys({ active: 1, keys: [k1] });
  const store = createMemoryDataKeyStore();
  const svc = createCryptoService({ keyring, dataKeys: store });
  return { k1, keyring, store, svc };
}

describe('crypto service', () => {
  it('creates a data key on first use and round-trips', async () => {
    const { store, svc } = setup();
    const ct = await svc.encryptForWorkspace('ws_a', 'hunter2', 'secret:s1');
    expect(store.rows.size).toBe(1);
    expect(await svc.decryptForWorkspace('ws_a', ct, 'secret:s1')).toBe('hunter2');
    expect(await svc.encryptForWorkspace('ws_a', '', 'secret:s2').then((c) => svc.decryptForWorkspace('ws_a', c, 'secret:s2'))).toBe('');
    expect(store.rows.size).toBe(1);
  });

  it('another service over the same keyring and store decrypts (cold cache)', async () => {
    const { keyring, store, svc } = setup();
    const big = 'é'.repeat(512 * 1024);
    const ct = await svc.encryptForWorkspace('ws_a', big, 'x');
    const cold = createCryptoService({ keyring, dataKeys: store });
    expect(await cold.decryptForWorkspace('ws_a', ct, 'x')).toBe(big);
    const bytes = crypto.randomBytes(64);
    expect((await cold.decryptBytesForWorkspace('ws_a', await svc.encryptForWorkspace('ws_a', bytes, 'y'), 'y')).equals(bytes)).toBe(true);
  });

  it('ensureDataKey creates version 1 once, even when called concurrently', async () => {
    const { store, svc } = setup();
    const versions = await Promise.all([svc.ensureDataKey('ws_a'), svc.ensureDataKey('ws_a'), svc.encryptForWorkspace('ws_a', 'v', 'a')]);
    expect(versions.slice(0, 2)).toEqual([1, 1]);
    expect(store.rows.size).toBe(1);
    expect(await svc.ensureDataKey('ws_a')).toBe(1);
  });

  it('two nodes racing to create the first key settle on one', async () => {
    const { keyring, store } = setup();
    const a = createCryptoService({ keyring, dataKeys: store });
    const b = createCryptoService({ keyring, dataKeys: store });
    const [ca, cb] = await Promise.all([a.encryptForWorkspace('ws', 'A', 'r'), b.encryptForWorkspace('ws', 'B', 'r')]);
    expect(store.rows.size).toBe(1);
    expect(await b.decryptForWorkspace('ws', ca, 'r')).toBe('A');
    expect(await a.decryptForWorkspace('ws', cb, 'r')).toBe('B');
  });

  it('a ciphertext cannot be moved to another workspace or row', async () => {
    const { svc } = setup();
    const ct = await svc.encryptForWorkspace('ws_a', 'v', 'secret:s1');
    await svc.ensureDataKey('ws_b');
    expect((await rejected(svc.decryptForWorkspace('ws_b', ct, 'secret:s1'))).code).toBe('decrypt_failed');
    expect((await rejected(svc.decryptForWorkspace('ws_a', ct, 'secret:s2'))).code).toBe('decrypt_failed');
    expect((await rejected(svc.decryptForWorkspace('ws_c', ct, 'secret:s1'))).code).toBe('unknown_key_version');
  });

  it('a wrapped data key moved to another workspace does not unwrap', async () => {
    const { keyring, store, svc } = setup();
    const ct = await svc.encryptForWorkspace('ws_a', 'v', 'a');
    await svc.ensureDataKey('ws_b');
    const rowA = [...store.rows.values()].find((r) => r.workspaceId === 'ws_a')!;
    await store.updateWrapped('ws_b', 1, rowA.wrapped);
    const cold = createCryptoService({ keyring, dataKeys: store });
    expect((await rejected(cold.decryptForWorkspace('ws_b', ct, 'a'))).code).toBe('decrypt_failed');
  });

  it('wrong master key → decrypt_failed', async () => {
    const { store, svc } = setup();
    const ct = await svc.encryptForWorkspace('ws_a', 'v', 'a');
    const wrong = createCryptoService({ keyring: keyringFromKeys({ active: 1, keys: [mk(1)] }), dataKeys: store });
    expect((await rejected(wrong.decryptForWorkspace('ws_a', ct, 'a'))).code).toBe('decrypt_failed');
  });

  it('data key rotation: new values use the new version, old ones still decrypt, reencrypt upgrades', async () => {
    const { store, svc } = setup();
    const old = await svc.encryptForWorkspace('ws_a', 'old', 'r1');
    expect(await svc.rotateDataKey('ws_a')).toBe(2);
    const fresh = await svc.encryptForWorkspace('ws_a', 'new', 'r2');
    expect(old.startsWith('atr1.1.')).toBe(true);
    expect(fresh.startsWith('atr1.2.')).toBe(true);
    expect(await svc.decryptForWorkspace('ws_a', old, 'r1')).toBe('old');
    expect(await svc.decryptForWorkspace('ws_a', fresh, 'r2')).toBe('new');

    const upgraded = await svc.reencryptForWorkspace('ws_a', old, 'r1');
    expect(upgraded.startsWith('atr1.2.')).toBe(true);
    expect(await svc.decryptForWorkspace('ws_a', upgraded, 'r1')).toBe('old');
    expect(await svc.reencryptForWorkspace('ws_a', fresh, 'r2')).toBe(fresh);
    expect(store.rows.size).toBe(2);
    expect(await svc.rotateDataKey('ws_never_used')).toBe(1);
  });

  it('a rotation on another node is used for new values without restart', async () => {
    const { keyring, store, svc } = setup();
    await svc.encryptForWorkspace('ws', 'v', 'a');
    const other = createCryptoService({ keyring, dataKeys: store });
    await other.rotateDataKey('ws');
    const ct = await svc.encryptForWorkspace('ws', 'w', 'a');
    expect(ct.startsWith('atr1.2.')).toBe(true);
    expect(await other.decryptForWorkspace('ws', ct, 'a')).toBe('w');
  });

  it('a tampered data key version in a ciphertext fails', async () => {
    const { svc } = setup();
    const ct = await svc.encryptForWorkspace('ws', 'v', 'a');
    await svc.rotateDataKey('ws');
    const relabelled = ct.replace(/^atr1\.1\./, 'atr1.2.');
    expect((await rejected(svc.decryptForWorkspace('ws', relabelled, 'a'))).code).toBe('decrypt_failed');
    expect((await rejected(svc.decryptForWorkspace('ws', ct.replace(/^atr1\.1\./, 'atr1.9.'), 'a'))).code).toBe(
      'unknown_key_version',
    );
  });

  it('master rotation: rewrapAll, then the old master version removed, still decrypts everything', async () => {
    const k1 = mk(1);
    const k2 = mk(2);
    const store = createMemoryDataKeyStore();
    const before = createCryptoService({ keyring: keyringFromKeys({ active: 1, keys: [k1] }), dataKeys: store });
    const values: { ws: string; aad: string; ct: string; plain: string }[] = [];
    for (const ws of ['ws_a', 'ws_b', 'ws_c']) {
      values.push({ ws, aad: 'r1', plain: `${ws}-1`, ct: await before.encryptForWorkspace(ws, `${ws}-1`, 'r1') });
      await before.rotateDataKey(ws);
      values.push({ ws, aad: 'r2', plain: `${ws}-2`, ct: await before.encryptForWorkspace(ws, `${ws}-2`, 'r2') });
    }

    const rotating = createCryptoService({ keyring: keyringFromKeys({ active: 2, keys: [k2, k1] }), dataKeys: store });
    expect(await rotating.rewrapAll()).toEqual({ activeMasterVersion: 2, total: 6, rewrapped: 6, alreadyCurrent: 0, failed: [] });
    for (const r of store.rows.values()) expect(parseWrappedMasterVersion(r.wrapped)).toBe(2);
    // idempotent / resumable
    expect(await rotating.rewrapAll()).toMatchObject({ rewrapped: 0, alreadyCurrent: 6, failed: [] });

    const after = createCryptoService({ keyring: keyringFromKeys({ active: 2, keys: [k2] }), dataKeys: store });
    for (const v of values) expect(await after.decryptForWorkspace(v.ws, v.ct, v.aad)).toBe(v.plain);
    // and the old keyring alone no longer can
    const oldOnly = createCryptoService({ keyring: keyringFromKeys({ active: 1, keys: [k1] }), dataKeys: store });
    expect((await rejected(oldOnly.decryptForWorkspace('ws_a', values[0]!.ct, 'r1'))).code).toBe('unknown_key_version');
  });

  it('rewrapAll reports rows it cannot unwrap and carries on', async () => {
    const { k1, store, svc } = setup();
    await svc.ensureDataKey('ws_a');
    await svc.ensureDataKey('ws_b');
    await store.insert('ws_c', 1, 'mk7:garbage');
    // ws_b's slot now holds ws_a's wrapped key: the AAD makes it fail to unwrap
    await store.updateWrapped('ws_b', 1, [...store.rows.values()].find((r) => r.workspaceId === 'ws_a')!.wrapped);
    const rotating = createCryptoService({ keyring: keyringFromKeys({ active: 2, keys: [mk(2), k1] }), dataKeys: store });
    const result = await rotating.rewrapAll();
    expect(result).toMatchObject({ total: 3, rewrapped: 1, alreadyCurrent: 0 });
    expect(result.failed).toEqual([
      { workspaceId: 'ws_b', version: 1, masterVersion: 1, code: 'decrypt_failed' },
      { workspaceId: 'ws_c', version: 1, masterVersion: undefined, code: 'decrypt_failed' },
    ]);
  });

  it('error messages never carry key bytes or plaintext; the service prints no keys', async () => {
    const { k1, store, svc } = setup();
    const plain = 'very-secret-plaintext-value';
    const ct = await svc.encryptForWorkspace('ws_a', plain, 'a');
    const dk = await (async () => {
      // the data key, recovered here only to check it is not leaked
      const { unwrapDataKey } = await import('./crypto-envelope.js');
      return unwrapDataKey(keyringFromKeys({ active: 1, keys: [k1] }), [...store.rows.values()][0]!.wrapped, {
        workspaceId: 'ws_a',
        version: 1,
      });
    })();
    const errs = [
      await rejected(svc.decryptForWorkspace('ws_a', ct, 'b')),
      await rejected(svc.decryptForWorkspace('ws_a', `${ct.slice(0, -2)}AA`, 'a')),
      await rejected(createCryptoService({ keyring: keyringFromKeys({ active: 1, keys: [mk(1)] }), dataKeys: store }).decryptForWorkspace('ws_a', ct, 'a')),
    ];
    for (const err of errs) {
      const text = `${err.message} ${JSON.stringify(err.details)}`;
      expect(text).not.toContain(plain);
      for (const buf of [k1.key, dk]) {
        for (const enc of ['base64', 'hex', 'base64url'] as const) expect(text).not.toContain(buf.toString(enc).slice(0, 8));
      }
    }
    const printed = inspect(svc, { depth: 10, showHidden: true });
    for (const enc of ['base64', 'hex'] as const) expect(printed).not.toContain(dk.toString(enc).slice(0, 8));
  });

  it('clearCache forgets keys; they are unwrapped again from the store', async () => {
    const { svc } = setup();
    const ct = await svc.encryptForWorkspace('ws', 'v', 'a');
    svc.clearCache();
    expect(await svc.decryptForWorkspace('ws', ct, 'a')).toBe('v');
  });
});

describe('master rotation with a key file, across processes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-rot-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('`atrium keys rotate` in another process; the running server follows by reloading once', async () => {
    const file = masterKeyFilePath(dir);
    const store = createMemoryDataKeyStore();
    // the running server
    const server = createCryptoService({ keyring: openMasterKeyring({ dataDir: dir }), dataKeys: store });
    const cts = await Promise.all(['ws_a', 'ws_b'].map(async (ws) => ({ ws, ct: await server.encryptForWorkspace(ws, `v-${ws}`, 'r') })));

    // the CLI process: rotate the file, then re-wrap with a keyring that sees the new version
    expect(rotateKeyFile(file)).toEqual({ active: 2, previous: 1 });
    const cliKeyring = keyringFromKeyFile(file);
    const cli = createCryptoService({ keyring: cliKeyring, dataKeys: store });
    expect(await cli.rewrapAll()).toMatchObject({ activeMasterVersion: 2, rewrapped: 2, failed: [] });

    // a second server instance (cold cache) meets mk2 rows: its keyring reloads and reads them
    const coldServer = createCryptoService({ keyring: keyringFromKeyFile(file), dataKeys: store });
    for (const { ws, ct } of cts) expect(await coldServer.decryptForWorkspace(ws, ct, 'r')).toBe(`v-${ws}`);

    // the original server (its keyring loaded before the rotation, cache cleared) also follows
    server.clearCache();
    for (const { ws, ct } of cts) expect(await server.decryptForWorkspace(ws, ct, 'r')).toBe(`v-${ws}`);
    // and wraps new data keys with the new master version
    await server.ensureDataKey('ws_new');
    expect(parseWrappedMasterVersion((await store.getWrapped('ws_new'))!.wrapped)).toBe(2);

    // once nothing uses version 1, it can go; everything still decrypts
    removeKeyFileVersion(file, 1);
    const afterPrune = createCryptoService({ keyring: keyringFromKeyFile(file), dataKeys: store });
    for (const { ws, ct } of cts) expect(await afterPrune.decryptForWorkspace(ws, ct, 'r')).toBe(`v-${ws}`);
  });

  it('a keyring loaded before the rotation, without the file changing, does not know mk2', async () => {
    const store = createMemoryDataKeyStore();
    const k1 = mk(1);
    const server = createCryptoService({ keyring: keyringFromKeys({ active: 1, keys: [k1] }), dataKeys: store });
    const ct = await server.encryptForWorkspace('ws', 'v', 'r');
    const cli = createCryptoService({ keyring: keyringFromKeys({ active: 2, keys: [mk(2), k1] }), dataKeys: store });
    await cli.rewrapAll();
    server.clearCache();
    const err = await rejected(server.decryptForWorkspace('ws', ct, 'r'));
    expect(err.code).toBe('unknown_key_version');
    expect(err.message).toContain('Master key version 2');
  });
});
