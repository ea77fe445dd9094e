import "server-only";
import type { Database } from "@/db";
import type { ObjectStore } from "@/lib/storage";
import { writeAuditAnchor, type AnchorWrite } from "./anchor";
import { recordAudit } from "./record";

/**
 * `npm run audit:anchor -- --acknowledge "<why>"`: after a restore done on purpose, the operator
 * accepts the breaks the anchors recorded (the events after the backup are gone). A new anchor moves
 * them to `acknowledged` with the reason (audit:verify then reports them, without failing), and
 * audit.rollback_acknowledged records who-did-what on the platform chain. Needs the audit key, so
 * someone with only database access cannot wave a rollback through.
 */
export async function acknowledgeAnchorBreaks(db: Database, input: { reason: string; stores?: ObjectStore[] }): Promise<{ write: AnchorWrite; acknowledged: number }> {
  const reason = input.reason.trim();
  if (reason.length < 3) throw new Error("Say why the breaks are accepted (at least a few words): it is kept in every later anchor.");
  const write = await writeAuditAnchor(db, { reason: "manual", stores: input.stores, acknowledge: reason });
  const acknowledged = write.written ? write.anchor.acknowledged.filter((k) => k.acknowledgedAt === write.anchor.createdAt).length : 0;
  if (acknowledged > 0) {
    await recordAudit(db, {
      organizationId: null,
      actorUserId: null,
      action: "audit.rollback_acknowledged",
      result: "success",
      targetType: "audit_anchor",
      targetId: write.written ? write.anchor.id : undefined,
      userAgent: "audit:anchor",
      metadata: { chains: acknowledged, reason: reason.slice(0, 200) },
    });
  }
  return { write, acknowledged };
}
