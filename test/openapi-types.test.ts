/**
 * The console's API types are generated from the OpenAPI document (scripts/gen-api-types.ts).
 * A route whose schema changed without regenerating would leave the console typed against an
 * API that no longer exists: this test regenerates in memory and compares with the committed file.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, generateApiTypes, REGENERATE_COMMAND } from '../scripts/gen-api-types.js';

/** The first line where two texts part, for a failure message a person can act on. */
function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: committed ${JSON.stringify(x[i] ?? '<end of file>')}, generated ${JSON.stringify(y[i] ?? '<end of file>')}`;
  }
  return 'none';
}

describe('generated API types', () => {
  it('web/src/api/openapi.gen.ts matches the OpenAPI document of the current code', async () => {
    expect(fs.existsSync(GENERATED_PATH), `web/src/api/openapi.gen.ts is missing: run ${REGENERATE_COMMAND}`).toBe(true);
    const committed = fs.readFileSync(GENERATED_PATH, 'utf8');
    const fresh = await generateApiTypes();
    const stale = committed !== fresh;
    expect(stale, `web/src/api/openapi.gen.ts is stale (first difference at ${firstDifference(committed, fresh)}): run ${REGENERATE_COMMAND} and commit the result`).toBe(false);
  });

  it('describes the whole API, not an empty document', () => {
    // Guards the generator itself: an empty document would also "match" an empty committed file.
    const text = fs.readFileSync(GENERATED_PATH, 'utf8');
    expect(text).toMatch(/^export interface paths \{/m);
    expect(text).toMatch(/^export interface components \{/m);
    expect(text).toContain('"/api/v1/me"');
    expect(text.match(/^ {4}"\/api\/v1\//gm)?.length ?? 0).toBeGreaterThan(30);
  });
});
