import { z } from "zod";
import { badRequest } from "@/lib/errors";

/**
 * The one rule for text that crosses the boundary (form fields, JSON bodies, query strings, page
 * links): no NUL character (PostgreSQL cannot store it in text and refuses the whole statement) and
 * no lone UTF-16 surrogate (half an emoji: not Unicode, so it cannot be stored or sent as UTF-8
 * faithfully). Raw bytes must also be UTF-8. Everything else, including newlines and tabs, is text.
 * No "server-only": proxy.ts uses it too.
 */

export const NUL_MESSAGE = "Remove the invisible NUL character from this text; ChargeKeep cannot store it.";
export const SURROGATE_MESSAGE = "This text contains a broken character (half of an emoji or symbol). Retype it and try again.";

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The sentence for what is wrong with `s`, or null when it is acceptable text. */
export function textFault(s: string): string | null {
  if (s.includes("\0")) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(s)) return SURROGATE_MESSAGE;
  return null;
}

/**
 * For text we can only take or leave, not send back to be fixed (a bank's transaction descriptions):
 * NULs dropped, lone surrogates replaced by U+FFFD, so one odd character cannot stop a whole import.
 */
export function storableText(s: string): string {
  return s.replace(/\0/g, "").replace(LONE_SURROGATES, "\uFFFD");
}

/** Past this depth a value is refused outright: nothing the app takes is nested this deep. */
export const MAX_INPUT_DEPTH = 32;

export type InputFault = { path: string; message: string };

/**
 * The first string (value or object key) in `value` that breaks the rule, with its dotted path
 * ("" for the root), or null. Walks without recursion, so a hostile nesting cannot exhaust the stack.
 */
export function findTextFault(value: unknown): InputFault | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === "string") {
      const message = textFault(v);
      if (message) return { path: path.join("."), message };
      continue;
    }
    if (!v || typeof v !== "object") continue;
    if (path.length >= MAX_INPUT_DEPTH) return { path: path.join("."), message: "This value is nested too deeply." };
    for (const [k, child] of Object.entries(v)) {
      const keyFault = textFault(k);
      // A broken field name is reported on its parent: echoing the name back would repeat the fault.
      if (keyFault) return { path: path.join("."), message: keyFault };
      stack.push({ value: child, path: [...path, k] });
    }
  }
  return null;
}

/**
 * The last guard where free text meets SQL (search terms in LIKE patterns): everything above should
 * have refused it already, but a NUL here would fail the whole statement with a database error.
 */
export function assertStorableText(s: string, field: string): string {
  const message = textFault(s);
  if (message) throw badRequest(message, { [field]: message });
  return s;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Bytes as UTF-8 text, or null when they are not UTF-8 (overlong forms, encoded surrogates, stray bytes). */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

const PERCENT = /%([0-9A-Fa-f]{2})/g;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/**
 * The problem with a URL's path and query, or null. Percent-escapes are decoded to bytes once and
 * the result must be UTF-8 text by the rule above, without U+FFFD: Next hands the proxy a query it
 * has already decoded and re-encoded, turning bytes that were not UTF-8 into that replacement
 * character, so it is the trace of an invalid escape (and never something a person meant to send).
 * In the path a "%" must start an escape (Next fails on it); in the query a lone "%" is a literal
 * "%", as URLSearchParams reads it.
 */
export function urlFault(pathAndQuery: string): string | null {
  const path = pathAndQuery.split("?", 1)[0]!;
  if (BAD_ESCAPE.test(path)) return "This address is not encoded correctly (a % sign must start an escape such as %20). Check the link and try again.";
  const bytes = Buffer.from(pathAndQuery.replace(PERCENT, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))), "latin1");
  const decoded = decodeUtf8(bytes);
  if (decoded === null || decoded.includes("\uFFFD")) return "This address contains characters that are not valid UTF-8 text. Check the link and try again.";
  if (decoded.includes("\0")) return "This address contains a NUL character, which ChargeKeep does not accept. Check the link and try again.";
  return null;
}

/**
 * A string from outside, with the rule above checked first (before trim or length), so the field's
 * own message says exactly what to fix. Use it for every free-text field in a boundary schema; the
 * route() and formAction() wrappers also check every string they receive, whatever the schema.
 */
export function boundaryText(params?: { error?: string }) {
  return z.string(params).superRefine((s, ctx) => {
    const message = textFault(s);
    if (message) ctx.addIssue({ code: "custom", message, abort: true });
  });
}
