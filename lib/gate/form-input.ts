import { findTextFault } from "@/lib/http";
import type { FormState } from "./action";

/**
 * What formAction() refuses before its session check and schema: a call that brings no FormData
 * (a hand-made server-action request with other arguments) and any field, or field name, whose text
 * breaks the boundary rule (lib/http/boundary-text.ts), with the sentence next to that field.
 * proxy.ts refuses such posts already; this holds for every caller, whatever reaches the action.
 */
export function formInputFault(form: unknown): FormState | null {
  if (!(form instanceof FormData)) return { ok: false, message: "This form could not be read. Reload the page and try again." };
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$")) continue; // React's own fields
    const fault = findTextFault({ [key]: typeof value === "string" ? value : "" });
    if (fault) return { ok: false, message: "Some fields need attention.", fieldErrors: { [fault.path || "_"]: fault.message } };
  }
  return null;
}
