/**
 * Plans (DESIGN.md rule 10): which features each plan unlocks. A gated call fails with
 * `plan_required`, naming the feature and the lowest plan that has it.
 */
import { AppError } from '../errors.js';

export const PLANS = ['community', 'professional', 'team', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export const FEATURE_MIN_PLAN = {
  shared_data_connections: 'professional',
  shared_secrets: 'professional',
  file_integrations: 'professional',
  git_packages: 'team',
  github_enterprise_server: 'enterprise',
} as const satisfies Record<string, Plan>;
export type Feature = keyof typeof FEATURE_MIN_PLAN;

const FEATURE_LABEL: Record<Feature, string> = {
  shared_data_connections: 'Shared data connections',
  shared_secrets: 'Shared secrets',
  file_integrations: 'External file integrations',
  git_packages: 'Git package import',
  github_enterprise_server: 'The GitHub Enterprise Server provider',
};

export const planRank = (p: Plan): number => PLANS.indexOf(p);

export function planAllows(plan: Plan, feature: Feature): boolean {
  return planRank(plan) >= planRank(FEATURE_MIN_PLAN[feature]);
}

export function requirePlan(plan: Plan, feature: Feature): void {
  if (planAllows(plan, feature)) return;
  const needed = FEATURE_MIN_PLAN[feature];
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  throw new AppError(
    'plan_required',
    `${FEATURE_LABEL[feature]} need the ${cap(needed)} plan or higher; this workspace is on the ${cap(plan)} plan.`,
    { feature, requiredPlan: needed, currentPlan: plan },
  );
}
