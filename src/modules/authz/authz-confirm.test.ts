/** Rule 7's one helper: dry run, refusal without confirm, apply — and the wire shape of each. */
import { describe, expect, it } from 'vitest';
import { Level } from '../../access/access-types.js';
import { AppError } from '../../errors.js';
import { confirmationRequired, presentImpact, previewThenConfirm } from './authz-confirm.js';

const drop = { userId: 'u1', projectId: 'p1', from: Level.can_edit, to: Level.can_view };

function step(needsConfirm: boolean) {
  let applied = 0;
  return {
    applied: () => applied,
    step: {
      preview: { impact: presentImpact([drop]) },
      needsConfirm,
      refuse: () => confirmationRequired('Doing this', [drop]),
      apply: async () => (applied++, { applied: true as const, impact: presentImpact([drop]) }),
    },
  };
}

describe('previewThenConfirm', () => {
  it('a dry run answers the preview and changes nothing, confirmed or not', async () => {
    for (const confirm of [false, true]) {
      const s = step(true);
      expect(await previewThenConfirm({ dryRun: true, confirm }, s.step)).toEqual({ applied: false, impact: [{ userId: 'u1', projectId: 'p1', from: 'can_edit', to: 'can_view' }] });
      expect(s.applied()).toBe(0);
    }
  });

  it('a change that drops a level is refused without confirm, with who and where', async () => {
    const s = step(true);
    const err = await previewThenConfirm({ dryRun: false, confirm: false }, s.step).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'confirmation_required', status: 409, details: { impact: [{ userId: 'u1', from: 'can_edit', to: 'can_view' }] } });
    expect((err as AppError).message).toContain('1 user(s) on 1 project(s)');
    expect(s.applied()).toBe(0);
  });

  it('applies with confirm, and without it when nobody would drop', async () => {
    const confirmed = step(true);
    expect(await previewThenConfirm({ dryRun: false, confirm: true }, confirmed.step)).toMatchObject({ applied: true });
    expect(confirmed.applied()).toBe(1);
    const harmless = step(false);
    expect(await previewThenConfirm({ dryRun: false, confirm: false }, harmless.step)).toMatchObject({ applied: true });
    expect(harmless.applied()).toBe(1);
  });
});
