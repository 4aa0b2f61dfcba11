/**
 * A GitHub App provider's settings: the non-secret config and the write-only credentials (zod),
 * parsed with errors that name fields but never their values, the private key checked locally,
 * and the web host that belongs to an API base URL.
 */
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { GitProviderError } from './git-providers-errors.js';
import { normalizeBaseUrl } from './git-providers-http.js';

export const GITHUB_DOT_COM_API = 'https://api.github.com';

const appId = z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().trim().regex(/^\d{1,15}$/, 'must be a number').transform(Number)]);
const baseUrl = z.string().trim().min(1).max(2048);
const clientId = z.string().trim().min(1).max(200);

/** Non-secret settings of a GitHub (github.com) provider. */
export const githubConfigSchema = z.strictObject({
  appId,
  apiBaseUrl: baseUrl.default(GITHUB_DOT_COM_API),
  clientId: clientId.optional(),
});
/** GitHub Enterprise Server: the same, with the instance's API base URL (`https://HOST/api/v3`) required. */
export const githubEnterpriseConfigSchema = githubConfigSchema.extend({ apiBaseUrl: baseUrl });
/** The write-only part: the app's private key (PEM, as GitHub gives it) and the OAuth client secret. */
export const githubCredentialsSchema = z.strictObject({
  privateKey: z.string().min(1).max(20_000),
  clientSecret: z.string().min(1).max(500).optional(),
});

export type GitHubConfig = z.output<typeof githubConfigSchema>;
export type GitHubCredentials = z.output<typeof githubCredentialsSchema>;

/** The web host for an API base URL, by the rules `@octokit/oauth-methods` uses for the code exchange. */
export function githubWebBaseUrl(apiBaseUrl: string): string {
  if (/^https:\/\/(api\.)?github\.com$/.test(apiBaseUrl)) return 'https://github.com';
  if (/^https:\/\/api\..*\.ghe\.com$/.test(apiBaseUrl)) return apiBaseUrl.replace('api.', '');
  return apiBaseUrl.replace('/api/v3', '');
}

export function isGitHubDotCom(apiBaseUrl: string): boolean {
  return normalizeBaseUrl(apiBaseUrl) === GITHUB_DOT_COM_API;
}

function zodProblem(e: z.ZodError): string {
  // Field names only: a value here may be the private key.
  return e.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
}

/** Parses config + credentials; throws `config_invalid` naming the fields (never their values). */
export function parseGitHubSettings(config: unknown, credentials: unknown, enterprise = false): { config: GitHubConfig; credentials: GitHubCredentials } {
  const c = (enterprise ? githubEnterpriseConfigSchema : githubConfigSchema).safeParse(config);
  if (!c.success) throw new GitProviderError('config_invalid', `The GitHub App settings are invalid: ${zodProblem(c.error)}.`);
  const s = githubCredentialsSchema.safeParse(credentials);
  if (!s.success) throw new GitProviderError('config_invalid', `The GitHub App credentials are invalid: ${zodProblem(s.error)}.`);
  return { config: c.data, credentials: s.data };
}

/** Checks the PEM locally and returns it as PKCS#8 (what auth-app signs with). */
export function loadAppPrivateKey(pem: string): string {
  // Keys pasted from a .env file often carry literal "\n".
  const text = pem.replace(/\\n/g, '\n').trim();
  let key;
  try {
    key = createPrivateKey(text);
  } catch {
    throw new GitProviderError(
      'config_invalid',
      "The private key is not a readable PEM private key: paste the whole .pem file GitHub generated for the app, from '-----BEGIN' to the '-----END' line.",
      { reason: 'bad_private_key' },
    );
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new GitProviderError('config_invalid', 'The private key is not an RSA key: GitHub App private keys are RSA.', { reason: 'bad_private_key' });
  }
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
