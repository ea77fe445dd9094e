import "server-only";
import { env } from "@/lib/env";
import type { Mail } from "./send";

const link = (path: string, token: string) => `${env().APP_URL}${path}?token=${encodeURIComponent(token)}`;

export function verifyEmailMail(to: string, token: string, minutes: number): Mail {
  return {
    to,
    subject: "Confirm your e-mail address for ChargeKeep",
    text: [
      "Welcome to ChargeKeep.",
      "",
      "Confirm your e-mail address by opening this link:",
      link("/verify-email", token),
      "",
      `The link works once and expires in ${minutes} minutes. If you did not sign up, ignore this message.`,
    ].join("\n"),
  };
}

export function accountExistsMail(to: string): Mail {
  return {
    to,
    subject: "Someone tried to sign up for ChargeKeep with your address",
    text: [
      "Someone tried to create a ChargeKeep account with this e-mail address, which already has one.",
      "",
      `If it was you, sign in at ${env().APP_URL}/sign-in or reset your password at ${env().APP_URL}/forgot-password.`,
      "If it was not you, you can ignore this message: nothing was changed.",
    ].join("\n"),
  };
}

export function passwordResetMail(to: string, token: string, minutes: number): Mail {
  return {
    to,
    subject: "Reset your ChargeKeep password",
    text: [
      "Someone (hopefully you) asked to reset the password of your ChargeKeep account.",
      "",
      "Choose a new password here:",
      link("/reset-password", token),
      "",
      `The link works once and expires in ${minutes} minutes. Resetting signs out every device.`,
      "If you did not ask for this, ignore this message: your password is unchanged.",
    ].join("\n"),
  };
}

/** otherDevicesOnly: changed from the settings page, where the browser that did it stays signed in. */
export function passwordChangedMail(to: string, opts: { otherDevicesOnly?: boolean } = {}): Mail {
  return {
    to,
    subject: "Your ChargeKeep password was changed",
    text: [
      `The password of your ChargeKeep account was just changed and every ${opts.otherDevicesOnly ? "other " : ""}device was signed out.`,
      `If this was not you, reset it now at ${env().APP_URL}/forgot-password and contact your organization's owner.`,
    ].join("\n"),
  };
}
