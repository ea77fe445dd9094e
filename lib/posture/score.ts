import type { PostureBreakdownEntry } from "@/db/schema";
import type { CheckResult, PostureItem, PostureState } from "./types";

/**
 * What each organization item is worth; they add up to 100, so the score is the plain sum of the
 * points earned. MFA carries the most: stolen passwords are the commonest way in.
 */
export const WEIGHTS: Record<string, number> = {
  "mfa-adoption": 15,
  "mfa-deadline": 20,
  "admin-phishing-resistant": 15,
  sessions: 10,
  "locked-accounts": 5,
  "open-alerts": 10,
  firewall: 5,
  "ssh-keys": 5,
  "bank-connections": 10,
  webhooks: 5,
};

/** ok earns the full weight, a warning half of it (rounded down), failing nothing. */
export function pointsFor(state: PostureState, weight: number): number {
  if (state === "ok") return weight;
  if (state === "warning") return Math.floor(weight / 2);
  return 0;
}

export function withWeight(result: CheckResult): PostureItem {
  return { ...result, weight: result.operatorOnly ? 0 : (WEIGHTS[result.key] ?? 0) };
}

export type PostureScore = { score: number; breakdown: PostureBreakdownEntry[] };

/**
 * The score (0-100) and its breakdown from the organization's items. Operator-only items are left
 * out: the history must not change with who happened to open the page.
 */
export function scorePosture(items: readonly PostureItem[]): PostureScore {
  const counted = items.filter((i) => !i.operatorOnly && i.weight > 0);
  const breakdown = counted.map((i) => ({ key: i.key, state: i.state, weight: i.weight, points: pointsFor(i.state, i.weight) }));
  const possible = breakdown.reduce((n, b) => n + b.weight, 0);
  const earned = breakdown.reduce((n, b) => n + b.points, 0);
  const score = possible === 0 ? 100 : Math.round((earned * 100) / possible);
  return { score: Math.max(0, Math.min(100, score)), breakdown };
}
