import type { Permission } from "@/lib/permissions";

export type PostureState = "ok" | "warning" | "failing";

/**
 * Where a person fixes an item: a real page and the permission that page declares (null: any
 * signed-in member), or, with no page for it (data key rotation), the command an operator runs.
 */
export type PostureFix = { href: string; label: string; permission: Permission | null } | { command: string; label: string };

/**
 * One thing the posture page checks. `weight` is what the item is worth in the score (0 for the
 * operators' platform items, which are the same for every organization and so never move its score).
 */
export type PostureItem = {
  key: string;
  title: string;
  state: PostureState;
  /** What was found, in one sentence with the numbers. */
  finding: string;
  /** Why it matters, in one sentence. */
  why: string;
  fix: PostureFix;
  weight: number;
  operatorOnly?: boolean;
};

/** A check's answer before the weight is attached (weights live in one table, ./weights.ts). */
export type CheckResult = Omit<PostureItem, "weight">;

export const DAY_MS = 86_400_000;
