import "server-only";
import { env } from "@/lib/env";
import type { Mail } from "./send";

/** Sent whenever one of the user's recovery codes is spent (the code itself never goes in a mail). */
export function recoveryCodeUsedMail(to: string, remaining: number): Mail {
  const left = remaining === 1 ? "1 recovery code" : `${remaining} recovery codes`;
  return {
    to,
    subject: "A recovery code was used on your ChargeKeep account",
    text: [
      "One of your recovery codes was just used to get past two-step verification on your ChargeKeep account.",
      `You have ${left} left. Each code works only once.`,
      "",
      "If this was you (for example, you lost your phone), set up your authenticator app or security key again",
      `and generate new recovery codes in Security settings: ${env().APP_URL}/settings/security`,
      "",
      "If this was NOT you, someone knows your password and had one of your recovery codes:",
      `1. Reset your password now at ${env().APP_URL}/forgot-password (this signs out every device).`,
      `2. Sign in and generate new recovery codes at ${env().APP_URL}/settings/security, which makes all the old ones stop working.`,
      "3. Tell your organization's owner.",
    ].join("\n"),
  };
}
