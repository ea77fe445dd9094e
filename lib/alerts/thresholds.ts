import { z } from "zod";
import type { AlertSeverity } from "@/db/schema/alerts";

/**
 * Every alert rule with its default threshold, in one place. An organization may override
 * `enabled`, `threshold` and `windowMinutes` per rule on /admin/alert-settings (stored as jsonb in
 * alert_settings.thresholds and validated by thresholdOverridesSchema); system rules (platform
 * alerts) use these defaults.
 *
 * Count rules fire when `threshold` matching events fall within `windowMinutes`; one-off rules
 * (new sign-in source, privilege escalation, MFA disabled) ignore `threshold` and use the window
 * only to deduplicate. A recurrence inside the window bumps the open alert's count.
 */
export type RuleDefaults = {
  label: string;
  description: string;
  severity: AlertSeverity;
  /** false: the rule fires on a single event; threshold is not used. */
  counted: boolean;
  threshold: number;
  windowMinutes: number;
};

export const ORGANIZATION_RULES = {
  failed_sign_in_user: {
    label: "Failed sign-ins for one member",
    description: "Wrong passwords or second factors for the same member.",
    severity: "medium",
    counted: true,
    threshold: 5,
    windowMinutes: 15,
  },
  failed_sign_in_ip: {
    label: "Failed sign-ins from one address",
    description: "Failed sign-ins or second factors from the same IP address, any member.",
    severity: "high",
    counted: true,
    threshold: 10,
    windowMinutes: 15,
  },
  failed_sign_in_org: {
    label: "Failed sign-ins across the organization",
    description: "All failed sign-ins and second factors in the organization together.",
    severity: "high",
    counted: true,
    threshold: 25,
    windowMinutes: 15,
  },
  new_sign_in_ip: {
    label: "Sign-in from a new address",
    description: "A member signed in from an IP address they never signed in from before.",
    severity: "low",
    counted: false,
    threshold: 1,
    windowMinutes: 60,
  },
  new_sign_in_device: {
    label: "Sign-in from a new device",
    description: "A member signed in with a browser and operating system they never used before.",
    severity: "low",
    counted: false,
    threshold: 1,
    windowMinutes: 60,
  },
  export_burst: {
    label: "Export burst",
    description: "Many exports (audit log, reports) by one member.",
    severity: "medium",
    counted: true,
    threshold: 3,
    windowMinutes: 60,
  },
  privilege_escalation: {
    label: "Role raised above Member",
    description: "A member was given a role more senior than Member (e.g. Accountant, Admin, Owner).",
    severity: "high",
    counted: false,
    threshold: 1,
    windowMinutes: 60,
  },
  bank_connection_changes: {
    label: "Many bank connection changes",
    description: "Bank connections added, re-authorized or removed in quick succession.",
    severity: "medium",
    counted: true,
    threshold: 5,
    windowMinutes: 60,
  },
  mfa_disabled: {
    label: "Two-step verification turned off",
    description: "A member removed their last second factor, or an operator reset a member's factors.",
    severity: "high",
    counted: false,
    threshold: 1,
    windowMinutes: 60,
  },
  brute_force_defense: {
    label: "Brute-force defense acted",
    description: "An account was locked, suspended or unlocked, or an address was blocked, after failed sign-ins (severity depends on the action).",
    severity: "high",
    counted: false,
    threshold: 1,
    windowMinutes: 60,
  },
  mass_deprovisioning: {
    label: "Mass deprovisioning by the directory",
    description: "Many members deactivated or deleted by the organization's directory (SCIM) in a short time: a mistake or a compromised identity provider.",
    severity: "high",
    counted: true,
    threshold: 5,
    windowMinutes: 15,
  },
} as const satisfies Record<string, RuleDefaults>;

export type OrganizationRule = keyof typeof ORGANIZATION_RULES;
export const ORGANIZATION_RULE_KEYS = Object.keys(ORGANIZATION_RULES) as OrganizationRule[];

export const SYSTEM_RULES = {
  http_5xx: {
    label: "Server errors",
    description: "Responses with a 5xx status across the platform.",
    severity: "high",
    counted: true,
    threshold: 20,
    windowMinutes: 5,
  },
  http_429: {
    label: "Rate-limited requests",
    description: "Requests refused with 429 across the platform.",
    severity: "medium",
    counted: true,
    threshold: 100,
    windowMinutes: 5,
  },
  sync_failure: {
    label: "Bank sync failures",
    description: "Failed bank synchronisations across the platform.",
    severity: "high",
    counted: true,
    threshold: 5,
    windowMinutes: 15,
  },
} as const satisfies Record<string, RuleDefaults>;

export type SystemSignalKind = keyof typeof SYSTEM_RULES;

export const THRESHOLD_MAX = 10_000;
export const WINDOW_MINUTES_MAX = 1_440;

const ruleOverrideSchema = z
  .object({
    enabled: z.boolean().optional(),
    threshold: z.number().int().min(1).max(THRESHOLD_MAX).optional(),
    windowMinutes: z.number().int().min(1).max(WINDOW_MINUTES_MAX).optional(),
  })
  .strict();

/** What alert_settings.thresholds may hold: per rule, only the fields that differ from the defaults. */
export const thresholdOverridesSchema = z.partialRecord(z.enum(ORGANIZATION_RULE_KEYS as [OrganizationRule, ...OrganizationRule[]]), ruleOverrideSchema);
export type ThresholdOverrides = z.infer<typeof thresholdOverridesSchema>;

export type EffectiveRule = { enabled: boolean; threshold: number; windowMinutes: number; severity: AlertSeverity };

/** Defaults merged with an organization's overrides. Stored data that no longer validates falls back to the defaults. */
export function effectiveRules(stored: unknown): Record<OrganizationRule, EffectiveRule> {
  const parsed = thresholdOverridesSchema.safeParse(stored ?? {});
  const overrides: ThresholdOverrides = parsed.success ? parsed.data : {};
  return Object.fromEntries(
    ORGANIZATION_RULE_KEYS.map((key) => {
      const d = ORGANIZATION_RULES[key];
      const o = overrides[key] ?? {};
      return [key, { enabled: o.enabled ?? true, threshold: o.threshold ?? d.threshold, windowMinutes: o.windowMinutes ?? d.windowMinutes, severity: d.severity }];
    }),
  ) as Record<OrganizationRule, EffectiveRule>;
}

/** Keeps only the fields that differ from the defaults, so a later change of a default reaches everyone who did not override it. */
export function overridesOf(rules: Record<OrganizationRule, Omit<EffectiveRule, "severity">>): ThresholdOverrides {
  const out: ThresholdOverrides = {};
  for (const key of ORGANIZATION_RULE_KEYS) {
    const d = ORGANIZATION_RULES[key];
    const r = rules[key];
    const o: NonNullable<ThresholdOverrides[OrganizationRule]> = {};
    if (!r.enabled) o.enabled = false;
    if (d.counted && r.threshold !== d.threshold) o.threshold = r.threshold;
    if (r.windowMinutes !== d.windowMinutes) o.windowMinutes = r.windowMinutes;
    if (Object.keys(o).length) out[key] = o;
  }
  return out;
}
