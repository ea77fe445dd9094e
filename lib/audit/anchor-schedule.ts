import "server-only";
import { env } from "@/lib/env";

/**
 * The in-process anchor timer, started at boot (lib/bootstrap) like the webhook worker: every
 * AUDIT_ANCHOR_INTERVAL_SECONDS it writes an anchor if any chain head moved (0 turns it off).
 * The job itself is writeAuditAnchor(db, ...), a plain function another scheduler can call.
 */
const KEY = Symbol.for("chargekeep.audit.anchor-timer");
type State = { interval?: NodeJS.Timeout; running: boolean };
const state = (): State => ((globalThis as { [KEY]?: State })[KEY] ??= { running: false });

async function tick(): Promise<void> {
  const s = state();
  if (s.running) return;
  s.running = true;
  try {
    const [{ getDb }, { writeAuditAnchor }] = await Promise.all([import("@/db"), import("./anchor")]);
    const result = await writeAuditAnchor(getDb(), { reason: "schedule", onlyIfChanged: true });
    if (result.written) {
      for (const failed of result.stored.filter((x) => !x.ok)) console.error(`[audit] anchor not written to ${failed.location}: ${failed.error}`);
    }
  } catch (e) {
    console.error("[audit] anchor run failed", e instanceof Error ? e.message : e);
  } finally {
    s.running = false;
  }
}

/** Idempotent; not in tests (they call writeAuditAnchor themselves). Runs once right away too. */
export function startAuditAnchorTimer(): void {
  const config = env();
  if (config.AUDIT_ANCHOR_INTERVAL_SECONDS === 0 || config.NODE_ENV === "test") return;
  const s = state();
  if (s.interval) return;
  s.interval = setInterval(() => void tick(), config.AUDIT_ANCHOR_INTERVAL_SECONDS * 1000);
  s.interval.unref?.();
  void tick();
}

export function stopAuditAnchorTimer(): void {
  const s = state();
  if (s.interval) clearInterval(s.interval);
  s.interval = undefined;
}
