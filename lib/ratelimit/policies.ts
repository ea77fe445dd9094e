import "server-only";

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
};

/** Every limit in the product, one line each. Identifiers are hashed before they become keys. */
export const policies = {
  "mfa-verify-session": { limit: 5, window: "5 m", failMode: "closed", message: "Too many verification attempts." },
  "mfa-verify-user": { limit: 10, window: "15 m", failMode: "closed", message: "Too many verification attempts." },
  "mfa-enrol-user": { limit: 10, window: "15 m", failMode: "closed", message: "Too many attempts to set up two-step verification." },
  "passkey-sign-in-ip": { limit: 30, window: "5 m", failMode: "closed", message: "Too many sign-in attempts from this network." },
  "recovery-email-user": { limit: 5, window: "1 h", failMode: "open", message: "Too many recovery e-mails requested." },
} as const satisfies Record<string, Policy>;

export type PolicyName = keyof typeof policies;

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function windowMs(window: Window): number {
  const [amount, unit] = window.split(" ") as [string, keyof typeof UNIT_MS];
  return Number(amount) * UNIT_MS[unit];
}
