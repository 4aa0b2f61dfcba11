/**
 * What every `atrium files` and `atrium packages` command shares: its options, one connection to
 * the server (with Ctrl-C as the abort signal of its requests), and finding an integration by name
 * or id.
 */
import { type CliApi, CliError, createApi, EXIT } from './cli-http.js';

export interface RemoteOpts {
  project: string;
  url: string;
  token?: string;
  json?: boolean;
  quiet?: boolean;
}

/** One command's connection: the API, the project's path, and Ctrl-C as an abort signal. */
export interface FilesContext {
  api: CliApi;
  projectPath: (rest: string) => string;
  signal: AbortSignal;
  opts: RemoteOpts;
}

const FILES_INTERRUPTED = 'Interrupted: the request was cancelled (the server stops a transfer when its client goes; files already completed stay).';

/**
 * Runs an action with a context; Ctrl-C aborts its request (a second one ends the process at once)
 * and ends with `interrupted` as the message.
 */
export function action<A extends unknown[]>(fn: (ctx: FilesContext, ...args: A) => Promise<void>, interrupted = FILES_INTERRUPTED) {
  return async (...args: unknown[]) => {
    // commander passes the positional arguments, then the options, then the command.
    const opts = args[args.length - 2] as RemoteOpts;
    const token = opts.token ?? process.env.ATRIUM_TOKEN;
    if (!token) throw new CliError('Set ATRIUM_TOKEN (or --token) to an API token: create one in the console (Settings › Integrations › API tokens) or with POST /api/v1/me/tokens.', EXIT.usage);
    const abort = new AbortController();
    const onInt = () => abort.abort();
    process.once('SIGINT', onInt);
    const api = createApi({ url: opts.url, token, signal: abort.signal });
    const ctx: FilesContext = { api, signal: abort.signal, opts, projectPath: (rest) => `/api/v1/projects/${encodeURIComponent(opts.project)}${rest}` };
    try {
      await fn(ctx, ...(args.slice(0, -2) as A));
    } catch (e) {
      if (abort.signal.aborted) throw new CliError(interrupted, EXIT.interrupted);
      throw e;
    } finally {
      process.removeListener('SIGINT', onInt);
    }
  };
}

interface ProjectIntegration {
  id: string;
  name: string | null;
  writeback: boolean | null;
  canUse: boolean;
}

/**
 * NAME or ID → the integration as the project imports it (the project's list, which names only what
 * the caller may name). Whether the caller may use it is the server's call, on the request itself.
 */
export async function resolveIntegration(ctx: FilesContext, nameOrId: string): Promise<{ id: string; name: string }> {
  const { fileIntegrations } = await ctx.api.json<{ fileIntegrations: ProjectIntegration[] }>(ctx.projectPath('/file-integrations'));
  const byId = fileIntegrations.find((f) => f.id === nameOrId);
  if (byId) return { id: byId.id, name: byId.name ?? nameOrId };
  const exact = fileIntegrations.filter((f) => f.name === nameOrId);
  const loose = exact.length ? exact : fileIntegrations.filter((f) => f.name?.toLowerCase() === nameOrId.toLowerCase());
  if (loose.length === 1) return { id: loose[0]!.id, name: loose[0]!.name! };
  const names = fileIntegrations.flatMap((f) => (f.name ? [`'${f.name}'`] : []));
  if (loose.length > 1) throw new CliError(`More than one file integration is called '${nameOrId}'; give its id (${loose.map((f) => f.id).join(', ')}).`, EXIT.failed, 'ambiguous_name');
  throw new CliError(
    `The project imports no file integration called '${nameOrId}'${names.length ? ` (it imports ${names.join(', ')})` : ''}. A project must import an integration before its files can be used.`,
    EXIT.failed,
    'not_found',
  );
}

