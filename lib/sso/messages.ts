import type { SsoFailure } from "./accept";

/** What the person reads on the SSO page for each refusal (the audit log keeps the code). */
export const SSO_FAILURE_MESSAGES: Record<SsoFailure, string> = {
  attempt_not_found: "This sign-in was not started in this browser, or it took too long. Start again.",
  connection_disabled: "Single sign-on is turned off for your organization. Sign in with your password, or ask your administrator.",
  issuer_mismatch: "Your identity provider's answer could not be accepted. Try again, or ask your administrator.",
  subject_missing: "Your identity provider's answer could not be accepted. Try again, or ask your administrator.",
  provider_error: "The sign-in with your identity provider did not complete. Try again, or ask your administrator.",
  email_missing: "Your identity provider did not tell us your e-mail address. Ask your administrator.",
  email_unverified: "Your identity provider has not confirmed your e-mail address. Ask your administrator.",
  domain_not_verified: "Your e-mail address is not on a domain your organization has verified. Ask your administrator.",
  subject_changed: "This identity provider account does not match the one linked to your ChargeKeep account. Ask your administrator.",
  not_a_member: "You are not a member of this organization, and it does not add members automatically. Ask your administrator for an invitation.",
  member_suspended: "Your access has been suspended by your organization's administrators. Contact them to restore it.",
  ticket_invalid: "This sign-in has expired or was already used. Start again.",
};

export function ssoFailureMessage(code: string | undefined): string | null {
  if (!code) return null;
  return Object.hasOwn(SSO_FAILURE_MESSAGES, code) ? SSO_FAILURE_MESSAGES[code as SsoFailure] : SSO_FAILURE_MESSAGES.provider_error;
}

export const NO_SSO_FOR_ADDRESS = "Single sign-on is not set up for that address. Sign in with your password, or ask your administrator.";
export { SSO_REQUIRED_MESSAGE } from "@/lib/auth";
