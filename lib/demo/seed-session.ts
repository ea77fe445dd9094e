import "server-only";
import type { Database } from "@/db";
import { createSession, revokeSession, type SessionContext } from "@/lib/credentials";

export type DemoOwner = { userId: string; organizationId: string };

/**
 * Runs `fn` as the demo owner through the product's own checks (permissions, step-up, audit):
 * a session made for this, marked as the seed's in its user agent, revoked when `fn` ends.
 * Sensitive changes want a recent second factor; the seed's session counts as having passed one.
 */
export async function asDemoOwner<T>(db: Database, owner: DemoOwner, fn: (ctx: SessionContext) => Promise<T>): Promise<T> {
  const { token, sessionId } = await createSession(db, { ...owner, ip: null, userAgent: "ChargeKeep demo seed (npm run dev)", mfaVerified: true });
  try {
    // Loaded here, not at the top: lib/auth's index carries Next's request helpers, which CLI scripts
    // (db:seed, benchmarks) cannot load; they seed only what needs no session (lib/demo/index.ts).
    const { validateSessionToken } = await import("@/lib/auth");
    const ctx = await validateSessionToken(db, token);
    if (!ctx) throw new Error("The demo seed's session was not accepted.");
    return await fn(ctx);
  } finally {
    await revokeSession(db, owner.userId, sessionId);
  }
}
