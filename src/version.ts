/**
 * Atrium's version, kept equal to `version` in package.json (src/cli/cli-main.test.ts checks it).
 * A module of its own so `atrium --version` and the remote commands need not load the server.
 */
export const VERSION = '0.1.0';
