/**
 * Rule 7, preview-then-confirm, in one place. Every change that can lower someone's effective
 * level (a grant, a role change, removing a member or group members, deleting a group, changing
 * an asset's groups, importing an asset, deleting an asset) goes through `previewThenConfirm`:
 * a dry run answers the preview and changes nothing; a change that would drop a level is refused
 * until the caller repeats it with `confirm`; otherwise it is applied.
 */
import { type Level, type LevelChange, levelName } from '../../access/access-types.js';
import { AppError } from '../../errors.js';

export interface ConfirmOptions {
  confirm: boolean;
  dryRun: boolean;
}

/** The wire shape of an impact preview: every (user, project) whose effective level would drop. */
export interface Impact {
  userId: string;
  projectId: string;
  from: Level;
  to: Level;
  missingAssets?: string[];
}

export function presentImpact(list: Impact[]) {
  return list.map((i) => ({
    userId: i.userId,
    projectId: i.projectId,
    from: levelName(i.from),
    to: levelName(i.to),
    ...(i.missingAssets ? { missingAssets: i.missingAssets } : {}),
  }));
}

export async function previewThenConfirm<P extends object, R>(
  opts: ConfirmOptions,
  step: {
    /** what a dry run answers (after `applied: false`) */
    preview: P;
    /** whether applying needs `confirm` (someone's level would drop, or the change cannot be undone) */
    needsConfirm: boolean;
    /** the error a change without `confirm` gets */
    refuse: () => AppError;
    apply: () => Promise<R>;
  },
): Promise<({ applied: false } & P) | R> {
  if (opts.dryRun) return { applied: false, ...step.preview };
  if (step.needsConfirm && !opts.confirm) throw step.refuse();
  return step.apply();
}

/**
 * The common case: the preview is `{ impact }`, and the change needs confirm when anyone's level
 * would drop (role changes, member and group removals).
 */
export function confirmDrops<R>(opts: ConfirmOptions, what: string, impact: LevelChange[], apply: () => Promise<R>) {
  return previewThenConfirm(opts, { preview: { impact: presentImpact(impact) }, needsConfirm: impact.length > 0, refuse: () => confirmationRequired(what, impact), apply });
}

/** The refusal of most rule-7 changes: who would lose what, and how to go ahead. */
export function confirmationRequired(what: string, impact: LevelChange[]): AppError {
  const users = new Set(impact.map((i) => i.userId)).size;
  const projects = new Set(impact.map((i) => i.projectId)).size;
  return new AppError(
    'confirmation_required',
    `${what} would lower the access of ${users} user(s) on ${projects} project(s). Review details.impact and repeat the request with "confirm": true to proceed.`,
    { impact: presentImpact(impact) },
  );
}
