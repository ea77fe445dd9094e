import { afterEach, beforeAll, vi } from "vitest";

process.env.PGLITE_DIR = "memory://";
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true"; // what next.config's authInterrupts sets in the app
process.env.MAIL_OUTBOX_DIR = `.test-output/outbox/${process.pid}`;
process.env.APP_URL ??= "http://localhost:3000";
// Rate-limit counters of one run never meet another run's in the shared CI Redis.
process.env.RATE_LIMIT_PREFIX ??= `ck:rl:test:${process.pid}:${Date.now()}`;
delete process.env.SMTP_URL;
// pg-boss queues of one test worker never hand jobs to another worker sharing the CI PostgreSQL database.
process.env.JOBS_SCHEMA ??= `pgboss_test_${process.pid}`;
// A fixed test-only master key: every worker must unwrap the same keyring of a shared Postgres test database.
process.env.MASTER_KEY ??= Buffer.alloc(32, "chargekeep-test-master-key").toString("base64");

// next/headers only exists inside a Next request; tests drive it through tests/request-context.ts.
vi.mock("next/headers", async () => (await import("./request-context")).nextHeadersMock);
// Cache revalidation needs Next's render store; outside it there is nothing to revalidate.
vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));

// Test files share one database per worker (isolate: false): a PGlite cold start costs seconds,
// and every test makes its own users and organizations, so files cannot see each other's rows.
const MIGRATED = Symbol.for("chargekeep.test.migrated");
beforeAll(async () => {
  const g = globalThis as { [MIGRATED]?: Promise<void> };
  g[MIGRATED] ??= (async () => {
    const { getDbHandle } = await import("@/db");
    const { runMigrations } = await import("@/db/migrate");
    const handle = getDbHandle();
    if (handle.kind === "pglite") await runMigrations(handle);
    // Encrypted columns need the keyring in memory, as lib/bootstrap loads it at server start.
    const { loadKeyring } = await import("@/lib/crypto");
    await loadKeyring(handle.db);
  })();
  await g[MIGRATED];
  // The alert rules hear audit events through a subscription, as lib/bootstrap wires it at server start.
  (await import("@/lib/alerts")).listenToAuditEvents();
}, 180_000); // a PGlite cold start and every migration: seconds on a quiet machine, minutes on a very busy one

afterEach(async () => {
  vi.unstubAllEnvs();
  const { resetClock } = await import("@/lib/clock");
  const { resetEnvCache } = await import("@/lib/env");
  const { resetRequestContext } = await import("./request-context");
  resetClock();
  resetEnvCache();
  resetRequestContext();
});
