/**
 * Where a password sign-in's time goes, measured in this process against the benchmark's database
 * (no HTTP, no Next, no proxy):
 * - stages: the steps of lib/auth/sign-in.ts signIn(), in its order, each timed on its own, one
 *   sign-in at a time (the list mirrors signIn(); `signIn()` itself is timed too, and the sum of
 *   the stages should come close to it: a gap means this list no longer matches the code);
 * - signIn() with `concurrency` calls in flight: the sign-in rate without the HTTP layer.
 * Call it after the server has migrated and seeded the database; it opens its own connections.
 */
import { round, percentile } from "./stats";

export type StageProfile = {
  sequentialSignIns: number;
  stages: { stage: string; p50Ms: number; meanMs: number }[];
  stagesMeanTotalMs: number;
  signInMeanMs: number;
  concurrent: { concurrency: number; perSecond: number; count: number; seconds: number };
};

export type StageProfileOptions = {
  databaseUrl: string;
  masterKey: string;
  appUrl: string;
  password: string;
  /** Accounts for the timed stages and sequential signIn() (each used once). */
  sequentialEmails: string[];
  /** Accounts for the concurrent signIn() run, used round-robin (at most 9 times each: the per-account limit is 10 / 15 min). */
  concurrentEmails: string[];
  concurrency: number;
  seconds: number;
  serverEnv: Record<string, string>;
};

const META = { ip: "127.0.0.1", userAgent: "chargekeep-bench", requestId: "bench-sign-in" };

export async function profileSignInStages(o: StageProfileOptions): Promise<StageProfile> {
  // Point the app's modules at the bench database before anything opens it.
  Object.assign(process.env, o.serverEnv, { DATABASE_URL: o.databaseUrl, MASTER_KEY: o.masterKey, APP_URL: o.appUrl });
  const { resetEnvCache } = await import("../../lib/env");
  resetEnvCache();
  const { getDb, closeDb } = await import("../../db");
  const { users, memberships } = await import("../../db/schema");
  const { and, asc, eq } = await import("drizzle-orm");
  const { signIn, hasSecondFactor } = await import("../../lib/auth/sign-in");
  const { createSession, pruneExpiredSessions, revokeSessionByToken, verifyPassword } = await import("../../lib/credentials");
  const { recordAccountEvent } = await import("../../lib/auth/audit");
  const { accountStatus, ipBlockedUntil } = await import("../../lib/defense/status");
  const { recordSignInSuccess } = await import("../../lib/defense/success");
  const { enforce } = await import("../../lib/ratelimit");
  const { sha256Hex } = await import("../../lib/crypto/tokens");
  const { loadKeyring } = await import("../../lib/crypto");
  const db = getDb();
  // Audit events are MACed under a keyring key (lib/audit), as in the server at boot.
  await loadKeyring(db);

  const samples = new Map<string, number[]>();
  const time = async <T>(stage: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const value = await fn();
    const list = samples.get(stage) ?? [];
    list.push(performance.now() - t);
    samples.set(stage, list);
    return value;
  };

  try {
    const half = Math.floor(o.sequentialEmails.length / 2);
    // 1. The stages, one sign-in at a time (first half of the accounts).
    for (const email of o.sequentialEmails.slice(0, half)) {
      await time("blocked address check (lib/defense)", () => ipBlockedUntil(db, META.ip));
      await time("rate limits: sign-in-ip + sign-in-account", async () => {
        await enforce("sign-in-ip", META.ip);
        await enforce("sign-in-account", sha256Hex(email));
      });
      const [user] = await time("user lookup", () =>
        db.select({ id: users.id, passwordHash: users.passwordHash }).from(users).where(eq(users.email, email)),
      );
      if (!user?.passwordHash) throw new Error(`stage profile: no account ${email}`);
      await time("lock / suspension check (lib/defense)", () => accountStatus(db, user.id));
      const ok = await time("argon2id verify", () => verifyPassword(user.passwordHash!, o.password));
      if (!ok) throw new Error("stage profile: the password did not verify");
      const [m] = await time("membership lookup", () =>
        db
          .select({ organizationId: memberships.organizationId })
          .from(memberships)
          .where(and(eq(memberships.userId, user.id), eq(memberships.status, "active")))
          .orderBy(asc(memberships.createdAt)),
      );
      await time("update last_sign_in_at", () => db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id)));
      await time("revoke previous + prune expired sessions", async () => {
        await revokeSessionByToken(db, undefined);
        await pruneExpiredSessions(db, user.id);
      });
      await time("second factor check", () => hasSecondFactor(db, user.id));
      await time("session insert", () => createSession(db, { userId: user.id, organizationId: m!.organizationId, ...META, stage: "full" }));
      await time("reset failure counters (lib/defense)", () => recordSignInSuccess(db, user.id));
      await time("audit event + alert rules", () =>
        recordAccountEvent(db, { action: "auth.sign_in", userId: user.id, organizationId: m!.organizationId, metadata: { method: "password", secondFactor: false } }, META),
      );
    }
    const stages = [...samples.entries()].map(([stage, list]) => ({
      stage,
      p50Ms: round(percentile(list, 50), 3),
      meanMs: round(list.reduce((a, b) => a + b, 0) / list.length, 3),
    }));

    // 2. signIn() itself, one at a time (second half of the accounts).
    const whole: number[] = [];
    for (const email of o.sequentialEmails.slice(half)) {
      const t = performance.now();
      const r = await signIn(db, { email, password: o.password, ...META });
      whole.push(performance.now() - t);
      if (!r.ok || r.mfaRequired) throw new Error(`stage profile: signIn() answered ${JSON.stringify(r)}`);
    }

    // 3. signIn() with `concurrency` in flight: the rate without HTTP.
    let next = 0;
    let count = 0;
    const started = performance.now();
    const deadline = started + o.seconds * 1000;
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (performance.now() < deadline) {
          const email = o.concurrentEmails[next++ % o.concurrentEmails.length]!;
          const r = await signIn(db, { email, password: o.password, ...META });
          if (!r.ok) throw new Error(`stage profile: concurrent signIn() refused: ${r.code} (${r.message})`);
          count++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    return {
      sequentialSignIns: half,
      stages,
      stagesMeanTotalMs: round(stages.reduce((a, s) => a + s.meanMs, 0), 3),
      signInMeanMs: round(whole.reduce((a, b) => a + b, 0) / whole.length, 3),
      concurrent: { concurrency: o.concurrency, perSecond: round(count / seconds, 1), count, seconds: round(seconds, 2) },
    };
  } finally {
    await closeDb();
  }
}
