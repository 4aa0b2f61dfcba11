/**
 * Why a sandboxed process stopped, when it did not simply exit 0. One stable code per cause, so a
 * caller (the SQL connectors, package installs) can map it to its own error without parsing text.
 */
export type SandboxStopReason =
  /** The caller's AbortSignal fired: the process group was killed. */
  | 'cancelled'
  /** The wall-clock limit passed: the process group was killed. */
  | 'timeout'
  /** RLIMIT_CPU reached (SIGXCPU / SIGKILL from the kernel). */
  | 'cpu'
  /** The address-space limit was reached (an allocation failed and the process died of it). */
  | 'memory'
  /** stdout+stderr (or one protocol message) went over its byte cap: the process group was killed. */
  | 'output_limit'
  /** The process exited with a non-zero code or died of a signal for another reason. */
  | 'exit';

export type SandboxErrorCode = SandboxStopReason | 'sandbox_unavailable' | 'sandbox_failed';

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    readonly exitCode: number | null = null,
    readonly signal: NodeJS.Signals | null = null,
  ) {
    super(message);
  }
}

export const BWRAP_INSTALL_HINT = 'Install bubblewrap on the server (`apt-get install -y bubblewrap`, or `scripts/services/bubblewrap.sh install`).';

/** `hint` says what to do; by default, install bubblewrap (the cause when a binary is missing). */
export function sandboxUnavailable(why: string, hint: string = BWRAP_INSTALL_HINT): SandboxError {
  return new SandboxError('sandbox_unavailable', `The sandbox for untrusted work is unavailable: ${why}. ${hint}`);
}
