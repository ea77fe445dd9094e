import type { z } from "zod";
import { fieldErrorsOf } from "./zod-errors";

export type SearchParams = Record<string, string | string[] | undefined>;

/**
 * A page's query string through a zod schema (built with boundaryText() for free text): the values,
 * or a sentence per field for the page to show next to its form. Never throws: an edited link is
 * the visitor's mistake, not a server error. A repeated parameter counts once (its first value).
 */
export function parseSearchParams<S extends z.ZodType>(
  schema: S,
  raw: SearchParams,
): { ok: true; data: z.infer<S> } | { ok: false; fieldErrors: Record<string, string> } {
  const flat = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = schema.safeParse(flat);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, fieldErrors: fieldErrorsOf(parsed.error) };
}
