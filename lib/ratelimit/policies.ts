/** A window in the form @upstash/ratelimit parses, e.g. "5 m". */
export type Window = `${number} ${"s" | "m" | "h" | "d"}`;

export type Policy = {
  limit: number;
  window: Window;
  /**
   * When the store cannot answer: "closed" denies (anything an attacker could brute-force, so
   * attacking Redis never switches the limiter off), "open" allows (low-risk reads, mail sends).
   */
  failMode: "closed" | "open";
  /** First sentence of the 429 message; the wait is appended ("Wait 4 minutes and try again."). */
  message: string;
  /**
   * Counted per client IP: the limit is multiplied by RATE_LIMIT_IP_MULTIPLIER, for deployments
   * where many people share one address (an office NAT, a test suite on loopback).
   */
  perIp?: true;
};

/**
 * Every limit in the product, one line each. Identifiers are hashed before they become keys.
 * No "server-only": proxy.ts reads it. `global-ip` and `api-ip` are counted in proxy.ts, in process memory whatever the store (a
 * request must not wait on Redis before anything else happens); the rest go through the store.
 */
export const policies = {
  "global-ip": { limit: 600, window: "1 m", failMode: "open", perIp: true, message: "Too many requests from your network." },
  "api-ip": { limit: 300, window: "1 m", failMode: "open", perIp: true, message: "Too many API requests from your network." },
  "sign-in-ip": { limit: 20, window: "5 m", failMode: "closed", perIp: true, message: "Too many sign-in attempts from this network." },
  "sign-in-account": { limit: 10, window: "15 m", failMode: "closed", message: "Too many sign-in attempts for this account." },
  "passkey-sign-in-ip": { limit: 30, window: "5 m", failMode: "closed", perIp: true, message: "Too many sign-in attempts from this network." },
  "sign-up-ip": { limit: 5, window: "1 h", failMode: "closed", perIp: true, message: "Too many new accounts from this network." },
  "password-reset-ip": { limit: 10, window: "1 h", failMode: "closed", perIp: true, message: "Too many password reset requests from this network." },
  "password-reset-account": { limit: 3, window: "1 h", failMode: "closed", message: "Too many password reset requests for this address." },
  "mfa-verify-session": { limit: 5, window: "5 m", failMode: "closed", message: "Too many verification attempts." },
  "mfa-verify-user": { limit: 10, window: "15 m", failMode: "closed", message: "Too many verification attempts." },
  "mfa-enrol-user": { limit: 10, window: "15 m", failMode: "closed", message: "Too many attempts to set up two-step verification." },
  "recovery-email-user": { limit: 5, window: "1 h", failMode: "open", message: "Too many recovery e-mails requested." },
  "contact-ip": { limit: 5, window: "1 h", failMode: "open", perIp: true, message: "Too many messages from this network." },
  "export-user": { limit: 10, window: "1 h", failMode: "open", message: "Too many exports." },
  "bank-connect-user": { limit: 20, window: "1 h", failMode: "closed", message: "Too many bank connection attempts." },
  "bank-sync-user": { limit: 12, window: "1 h", failMode: "open", message: "Too many sync requests." },
  "sftp-auth-ip": { limit: 30, window: "5 m", failMode: "closed", perIp: true, message: "Too many SFTP sign-in attempts from this network." },
  "sftp-auth-key": { limit: 10, window: "15 m", failMode: "closed", message: "Too many SFTP sign-in attempts with this key." },
  "scim-token": { limit: 600, window: "1 m", failMode: "open", message: "Too many SCIM requests with this token." },
  "scim-auth-ip": { limit: 20, window: "15 m", failMode: "closed", perIp: true, message: "Too many SCIM requests with a missing or invalid token from this network." },
} as const satisfies Record<string, Policy>;

export type PolicyName = keyof typeof policies;

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function windowMs(window: Window): number {
  const [amount, unit] = window.split(" ") as [string, keyof typeof UNIT_MS];
  return Number(amount) * UNIT_MS[unit];
}

/** The policy as counted: per-IP limits scaled by RATE_LIMIT_IP_MULTIPLIER. */
export function effectivePolicy(policy: Policy, ipMultiplier: number): Policy {
  return policy.perIp && ipMultiplier !== 1 ? { ...policy, limit: policy.limit * ipMultiplier } : policy;
}
