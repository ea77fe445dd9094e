import "server-only";
import type { Database } from "@/db";
import { env } from "@/lib/env";
import { seedDemoAlerts } from "./alerts";
import type { DemoBankOutcome } from "./bank";
import { DEMO_OWNER_EMAIL, ensureDemoOwner } from "./owner";
import { seedDemoTeam } from "./team";

/**
 * The demo organization `npm run dev` starts with (SEED_DEMO): Acme Corp, its owner, a member in
 * each role and a group, a little alert history, and a real connection to the sandbox bank made
 * through the OAuth flow and synced. Every step looks before it writes, so a restart adds nothing.
 */
export { DEMO_OWNER_EMAIL, DEMO_ORGANIZATION } from "./owner";
export type { DemoBankOutcome } from "./bank";
export { DEMO_GROUP, DEMO_MEMBERS } from "./team";
export { demoStartupText } from "./startup-text";
import { demoStartupText } from "./startup-text";

export type DemoSeedResult = {
  /** Only when the owner was created just now: the password, to print once. */
  created: { email: string; password: string } | null;
  /** null: no bank step (asked not to, or the organization is gone). */
  bank: DemoBankOutcome | null;
};

/**
 * `cli`: from a command-line script (db:seed, benchmarks), which cannot load the Next runtime that
 * sessions and lib/banking need: only the owner and the members; the app adds the group, the alert
 * history and the bank connection at its next start (every step is idempotent).
 */
export async function seedDemo(db: Database, opts: { bank?: boolean; bankWaitMs?: number; cli?: boolean } = {}): Promise<DemoSeedResult> {
  const { owner, password } = await ensureDemoOwner(db);
  const created = password ? { email: DEMO_OWNER_EMAIL, password } : null;
  if (!owner) return { created, bank: null };
  await seedDemoTeam(db, owner, { membersOnly: opts.cli });
  if (opts.cli) return { created, bank: null };
  await seedDemoAlerts(db, owner);
  if (opts.bank === false) return { created, bank: null };
  try {
    // Loaded when needed: lib/banking pulls in Next's navigation helpers, which CLI scripts (db:seed,
    // benchmarks) cannot load; they seed without the bank and the app connects it at its next start.
    const { connectDemoBank } = await import("./bank");
    return { created, bank: await connectDemoBank(db, owner, { waitMs: opts.bankWaitMs }) };
  } catch (e) {
    // The app is useful without the demo's bank data: say why, start anyway, try again next time.
    return { created, bank: { status: "unavailable", reason: e instanceof Error ? e.message.slice(0, 300) : String(e) } };
  }
}

/**
 * What boot does (lib/bootstrap): with SEED_DEMO on, seed and print the start-up text; with it off
 * (the default outside `npm run dev`), nothing at all, so the install starts empty.
 */
export async function seedDemoAtStartup(db: Database, log: (text: string) => void = console.log): Promise<DemoSeedResult | null> {
  const config = env();
  if (!config.SEED_DEMO) return null;
  const result = await seedDemo(db);
  log(demoStartupText(config.APP_URL, result));
  return result;
}
