import "server-only";
import { env } from "@/lib/env";
import type { Mail } from "./send";

/** Sent when an account is suspended after repeated failed sign-ins: the link unlocks it by setting a new password. */
export function unlockAccountMail(to: string, token: string, minutes: number): Mail {
  return {
    to,
    subject: "Your ChargeKeep account was suspended after failed sign-ins",
    text: [
      "Someone tried to sign in to your ChargeKeep account with wrong passwords or codes many times,",
      "so we suspended sign-in to the account and signed out every device.",
      "",
      "To unlock it, open this link and choose a new password:",
      `${env().APP_URL}/unlock?token=${encodeURIComponent(token)}`,
      "",
      `The link works once and expires in ${minutes} minutes. If it has expired, ask for a new one at ${env().APP_URL}/unlock.`,
      "If it was not you who tried to sign in, someone may be guessing your password: choose a new one you use nowhere else.",
      "Your organization's administrators were told and can also unlock the account.",
    ].join("\n"),
  };
}
