import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures. Every delivery carries
 *
 *   ChargeKeep-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${body}`)>
 *
 * where `body` is the exact request body (bytes as received, before any JSON parsing) and `secret`
 * is the webhook's signing secret (shown once when the webhook is created). A receiver:
 *   1. reads the raw body and the header;
 *   2. recomputes the HMAC over `${t}.${body}` with its secret and compares it with v1 in constant
 *      time (several v1 entries may appear while a secret is being replaced: accept any match);
 *   3. refuses a `t` further than 5 minutes from its own clock (a captured request cannot be
 *      replayed later); the ChargeKeep-Delivery header is a unique id to drop duplicates on retries.
 * verifyWebhookSignature() below does exactly that and can be copied into a receiver.
 *
 * HMAC lives here rather than in lib/crypto because its key is the receiver's shared secret, not
 * one of ours: nothing here touches the keyring.
 */
export const SIGNATURE_HEADER = "ChargeKeep-Signature";
export const DELIVERY_HEADER = "ChargeKeep-Delivery";
export const EVENT_HEADER = "ChargeKeep-Event";
export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** The header value for `body` signed at `timestamp` (unix seconds). */
export function signWebhookPayload(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: "malformed" | "mismatch" | "stale" };

/** Checks a ChargeKeep-Signature header against the raw body; `nowSeconds` defaults to the clock. */
export function verifyWebhookSignature(input: {
  secret: string;
  header: string | null | undefined;
  body: string;
  toleranceSeconds?: number;
  nowSeconds?: number;
}): SignatureCheck {
  const parts = (input.header ?? "").split(",").map((p) => p.trim().split("="));
  const t = parts.find(([k]) => k === "t")?.[1];
  const candidates = parts.filter(([k, v]) => k === "v1" && v && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => v!);
  if (!t || !/^\d{1,12}$/.test(t) || candidates.length === 0) return { ok: false, reason: "malformed" };
  const timestamp = Number(t);
  const expected = Buffer.from(hmacHex(input.secret, timestamp, input.body), "hex");
  const matches = candidates.some((c) => timingSafeEqual(Buffer.from(c, "hex"), expected));
  if (!matches) return { ok: false, reason: "mismatch" };
  const nowSeconds = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: "stale" };
  return { ok: true, timestamp };
}
