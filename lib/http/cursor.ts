import type { z } from "zod";
import { badRequest } from "@/lib/errors";

/**
 * Opaque page cursors for keyset paging: base64url JSON that the server checks with a zod schema
 * on the way back in, so an edited link is a 400 with the caller's sentence, never an SQL error and
 * never someone else's page (the query still scopes by the session's organization).
 */
export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<T>(raw: string, schema: z.ZodType<T>, invalidMessage: string): T {
  const invalid = () => badRequest(invalidMessage);
  if (raw.length > 200 || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw invalid();
  return parsed.data;
}
