import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { type Feature, type Plan, planAllows, requirePlan } from './plans.js';

// DESIGN.md rule 10, one row per (feature, plan).
const table: [Feature, Plan, boolean][] = [
  ['shared_data_connections', 'community', false],
  ['shared_data_connections', 'professional', true],
  ['shared_data_connections', 'team', true],
  ['shared_data_connections', 'enterprise', true],
  ['shared_secrets', 'community', false],
  ['shared_secrets', 'professional', true],
  ['file_integrations', 'community', false],
  ['file_integrations', 'professional', true],
  ['git_packages', 'professional', false],
  ['git_packages', 'team', true],
  ['git_packages', 'enterprise', true],
  ['github_enterprise_server', 'team', false],
  ['github_enterprise_server', 'enterprise', true],
];

describe('plans (rule 10)', () => {
  it.each(table)('%s on %s → %s', (feature, plan, allowed) => {
    expect(planAllows(plan, feature)).toBe(allowed);
    if (allowed) expect(() => requirePlan(plan, feature)).not.toThrow();
    else expect(() => requirePlan(plan, feature)).toThrow(AppError);
  });

  it('names the plan needed in the error', () => {
    try {
      requirePlan('professional', 'git_packages');
      expect.unreachable();
    } catch (e) {
      const err = e as AppError;
      expect(err.code).toBe('plan_required');
      expect(err.status).toBe(402);
      expect(err.message).toMatch(/Team plan/);
      expect(err.details).toEqual({ feature: 'git_packages', requiredPlan: 'team', currentPlan: 'professional' });
    }
  });
});
