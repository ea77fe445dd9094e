import "server-only";
import { env } from "@/lib/env";
import { recheckVerifiedDomains } from "./domains";

const HOUR_MS = 3_600_000;
const KEY = Symbol.for("chargekeep.sso.domain-recheck");

/**
 * The daily DNS re-check of verified domains, in-process: every hour it checks the domains whose
 * last check is over a day old (so several servers share the work, each domain once a day or so).
 */
export function startDomainRecheck(): void {
  if (env().NODE_ENV === "test") return;
  const g = globalThis as { [KEY]?: ReturnType<typeof setInterval> };
  if (g[KEY]) return;
  g[KEY] = setInterval(() => {
    void (async () => {
      const { getDb } = await import("@/db");
      const { lost } = await recheckVerifiedDomains(getDb());
      if (lost) console.warn(`[domains] ${lost} domain(s) lost their verification: the TXT record is gone`);
    })().catch((e: unknown) => console.error("[domains] re-check failed", e instanceof Error ? e.message : e));
  }, HOUR_MS);
  g[KEY].unref?.();
}
