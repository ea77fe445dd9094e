"use client";

import { WebAuthnError } from "@simplewebauthn/browser";

/** A failure to show as-is: the server's own message, or our reading of a browser error. */
export class ReadableError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    /** Field errors of a 422, keyed by field name ("name"). */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

/**
 * POSTs JSON to one of our WebAuthn endpoints (same origin, so the proxy's CSRF check passes) and
 * returns the JSON answer, or throws a ReadableError carrying the server's message.
 */
export async function postJson<T>(url: string, body: unknown = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ReadableError("We could not reach ChargeKeep. Check your connection and try again.");
  }
  const data = (await res.json().catch(() => null)) as (T & { error?: { code?: string; message?: string; fields?: Record<string, string> } }) | null;
  if (!res.ok || !data) {
    throw new ReadableError(data?.error?.message ?? "Something went wrong on our side. Try again later.", data?.error?.code, data?.error?.fields);
  }
  return data;
}

/** What the browser's WebAuthn errors mean to a person. */
export function describeWebauthnError(e: unknown): string {
  if (e instanceof ReadableError) return e.message;
  if (e instanceof WebAuthnError) {
    switch (e.code) {
      case "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED":
        return "This key is already registered to your account.";
      case "ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT":
        return "This authenticator cannot store a passkey. Add it as a security key instead.";
      case "ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT":
        return "This authenticator cannot check a PIN or fingerprint, which a passkey needs. Add it as a security key instead.";
      case "ERROR_CEREMONY_ABORTED":
        return "The request was cancelled. Try again.";
      case "ERROR_INVALID_DOMAIN":
      case "ERROR_INVALID_RP_ID":
        return "Security keys and passkeys do not work on this address. Open ChargeKeep at its usual address and try again.";
    }
  }
  const name = e instanceof Error ? ((e as { cause?: { name?: string } }).cause?.name ?? e.name) : "";
  if (name === "NotAllowedError" || name === "AbortError") {
    return "The request was cancelled or timed out, or no registered key answered. Try again.";
  }
  if (name === "InvalidStateError") return "This key is already registered to your account.";
  if (e instanceof Error && /not supported/i.test(e.message)) {
    return "This browser does not support security keys or passkeys. Try another browser, or use another way to verify.";
  }
  return "Your security key or passkey did not respond. Try again.";
}
