import { z } from "zod";

/** A destructive action's "Yes, …" checkbox: the server refuses unless it was ticked. */
export const confirmSchema = z.literal("on", { error: "Tick the box to confirm." });

/**
 * Checkbox groups arrive as one field per box (`permission:reports:read=on`), because a form
 * post flattened to an object keeps only one value per name. This collects the ticked keys.
 */
export function checkedKeys(raw: unknown, prefix: string): string[] {
  if (!raw || typeof raw !== "object") return [];
  return Object.entries(raw as Record<string, unknown>)
    .filter(([k, v]) => k.startsWith(prefix) && v === "on")
    .map(([k]) => k.slice(prefix.length));
}

export const PERMISSION_PREFIX = "permission:";
export const ROLE_PREFIX = "role:";

function field(raw: unknown, name: string): unknown {
  return raw && typeof raw === "object" ? (raw as Record<string, unknown>)[name] : undefined;
}

/** Reads named fields plus a checkbox group from the flattened form into the shape a lib schema expects. */
export function withCheckedList<S extends z.ZodType>(schema: S, fields: string[], list: { key: string; prefix: string }) {
  return z.preprocess((raw) => {
    const out: Record<string, unknown> = {};
    for (const f of fields) out[f] = field(raw, f);
    out[list.key] = checkedKeys(raw, list.prefix);
    return out;
  }, schema);
}
