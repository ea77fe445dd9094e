import "server-only";
import { z } from "zod";
import { decodeCursor as decodeOpaqueCursor, encodeCursor as encodeOpaqueCursor } from "@/lib/http";

// Cursor: where a page ends, opaque to the browser. The timestamp travels as text with its
// microseconds (a JavaScript Date would cut them off and skip events within the same millisecond).

export type AuditCursor = { d: "older" | "newer"; t: string; s: string };
export type Cursor = AuditCursor;

const MICRO_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const cursorSchema = z
  .object({
    d: z.enum(["older", "newer"]),
    t: z.string().regex(MICRO_ISO).refine((v) => !Number.isNaN(Date.parse(v))),
    s: z.string().regex(/^\d{1,18}$/),
  })
  .strict();

export function encodeCursor(c: Cursor): string {
  return encodeOpaqueCursor({ d: c.d, t: c.t, s: c.s });
}

/** A cursor someone edited is a 400 with a plain message: never an SQL error, never another page. */
export function decodeCursor(raw: string): Cursor {
  return decodeOpaqueCursor(raw, cursorSchema, "That page link is not valid. Start again from the newest events.");
}

/** The key a row continues from, in the given direction. */
export function cursorAfter(row: { key: string; seqText: string }, d: Cursor["d"] = "older"): Cursor {
  return { d, t: row.key, s: row.seqText };
}
