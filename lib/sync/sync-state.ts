import { z } from "zod";

/**
 * bank_accounts.sync_state: where this account's sync stands. Written in the same transaction as
 * the page it describes, so after a crash it never points past rows that were not committed.
 * - initialOffset: the bank's opaque cursor during the first full read (absent before the first page).
 * - initialDone: the full history has been read once; later runs are incremental.
 * - highWaterMs: the latest updatedTimestamp committed (the bank orders pages by it).
 */
export const syncStateSchema = z.object({
  v: z.literal(1).default(1),
  initialDone: z.boolean().default(false),
  initialOffset: z.string().max(2000).optional(),
  highWaterMs: z.number().int().nonnegative().optional(),
});
export type SyncState = z.infer<typeof syncStateSchema>;

/** A state this version cannot read starts over (a full re-read is idempotent, never a duplicate). */
export function parseSyncState(raw: unknown): SyncState {
  const parsed = syncStateSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : { v: 1, initialDone: false };
}
