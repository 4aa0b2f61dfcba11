/**
 * `atrium keys rotate`: with a key file, adds a new master key version and makes it active;
 * with ATRIUM_MASTER_KEY, the operator sets the new key first in the list ("2:NEW,1:OLD").
 * Either way every data key is then re-wrapped with the active master version. Data key
 * material does not change, so a running server keeps decrypting throughout; it reloads the
 * key file when it meets a master version it has not seen.
 */
import type { Config } from '../config.js';
import { masterKeyFilePath, openMasterKeyring, rotateKeyFile } from '../crypto/crypto-master-keys.js';
import { createCryptoService } from '../crypto/crypto-service.js';
import { createKeysRepository } from '../modules/keys/keys-repository.js';
import { openStore } from '../store/store.js';

export async function keysRotate(config: Config): Promise<string> {
  const lines: string[] = [];
  const fromEnv = !!config.masterKey?.trim();
  if (!fromEnv) {
    const file = masterKeyFilePath(config.dataDir);
    // Make sure the file exists (first use), then add a version.
    openMasterKeyring({ dataDir: config.dataDir });
    const r = rotateKeyFile(file);
    lines.push(`Master key file ${file}: new active version ${r.active} (previous ${r.previous}).`);
  } else {
    lines.push('ATRIUM_MASTER_KEY is set: re-wrapping with its first (active) key version.');
  }
  const keyring = openMasterKeyring({ masterKey: config.masterKey, dataDir: config.dataDir });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const crypto = createCryptoService({ keyring, dataKeys: createKeysRepository(store.db) });
    const res = await crypto.rewrapAll();
    lines.push(`Data keys: ${res.total} in all, ${res.rewrapped} re-wrapped, ${res.alreadyCurrent} already current, ${res.failed.length} failed (active master version ${res.activeMasterVersion}).`);
    if (res.failed.length) {
      for (const f of res.failed) lines.push(`  FAILED workspace ${f.workspaceId} data key v${f.version} (master v${f.masterVersion ?? '?'}): ${f.code}`);
      process.exitCode = 1;
    }
  } finally {
    await store.close();
  }
  return lines.join('\n');
}
