import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { memberships, sessions } from "@/db/schema";
import { useFakeClock } from "@/lib/clock";
import { sha256Hex } from "@/lib/crypto";
import { stubEnv } from "@/tests/env";
import { makeSession, makeUser } from "@/tests/factories";
import { revokeAllSessions, revokeOtherSessions, revokeSession, rotateSession } from "@/lib/credentials";
import { validateSessionToken } from "./session";

describe("sessions", () => {
  it("V7.2.3 V7.2.4 V11.5.1 issues a random 256-bit token and stores only its SHA-256", async () => {
    const { user, organizationId } = await makeUser();
    const { token, sessionId } = await makeSession(user.id, organizationId);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(sessionId).toBe(sha256Hex(token));
    const rows = await getDb().select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows.map((r) => r.id)).toEqual([sha256Hex(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("V7.2.1 validates a live session with exactly one database round trip", async () => {
    const { user, organizationId } = await makeUser();
    const { token } = await makeSession(user.id, organizationId);
    const db = getDb();
    const prepared = db as typeof db & { $prepared?: () => Promise<unknown[]> };
    type Spy = { mock: { calls: unknown[] }; mockRestore: () => void };
    const spies: Spy[] = [vi.spyOn(db, "execute"), vi.spyOn(db, "select"), vi.spyOn(db, "update"), vi.spyOn(db, "insert")];
    if (prepared.$prepared) spies.push(vi.spyOn(prepared as Required<typeof prepared>, "$prepared"));
    const ctx = await validateSessionToken(db, token);
    const calls = spies.reduce((n, s) => n + s.mock.calls.length, 0);
    spies.forEach((s) => s.mockRestore());
    expect(calls).toBe(1);
    expect(ctx?.user.id).toBe(user.id);
    expect(ctx?.organization).toMatchObject({ id: organizationId, roleKey: "owner", roleName: "Owner" });
  });

  it("V7.3.1 ends a session after the idle timeout (30 min default), and activity extends it", async () => {
    const clock = useFakeClock();
    const { user, organizationId } = await makeUser();
    const { token } = await makeSession(user.id, organizationId);
    clock.advance(25 * 60_000);
    expect(await validateSessionToken(getDb(), token)).not.toBeNull(); // touches last_seen_at
    clock.advance(25 * 60_000);
    expect(await validateSessionToken(getDb(), token)).not.toBeNull();
    clock.advance(31 * 60_000);
    expect(await validateSessionToken(getDb(), token)).toBeNull();
  });

  it("V7.3.2 ends a session at its absolute lifetime (12 h default) even when active", async () => {
    const clock = useFakeClock();
    const { user, organizationId } = await makeUser();
    const { token } = await makeSession(user.id, organizationId);
    for (let i = 0; i < 47; i++) {
      clock.advance(15 * 60_000);
      expect(await validateSessionToken(getDb(), token)).not.toBeNull();
    }
    clock.advance(16 * 60_000); // 12 h 1 min after sign-in
    expect(await validateSessionToken(getDb(), token)).toBeNull();
  });

  it("V7.3.1 honours configured timeouts (SESSION_IDLE_MINUTES)", async () => {
    stubEnv({ SESSION_IDLE_MINUTES: "5" });
    const clock = useFakeClock();
    const { user, organizationId } = await makeUser();
    const { token } = await makeSession(user.id, organizationId);
    clock.advance(6 * 60_000);
    expect(await validateSessionToken(getDb(), token)).toBeNull();
  });

  it("V7.4.1 refuses a revoked session on the very next check", async () => {
    const { user, organizationId } = await makeUser();
    const { token, sessionId } = await makeSession(user.id, organizationId);
    expect(await revokeSession(getDb(), user.id, sessionId)).toBe(true);
    expect(await validateSessionToken(getDb(), token)).toBeNull();
  });

  it("V8.4.1 a user cannot revoke another user's session (wrong owner matches nothing)", async () => {
    const victim = await makeUser();
    const attacker = await makeUser();
    const { token, sessionId } = await makeSession(victim.user.id, victim.organizationId);
    expect(await revokeSession(getDb(), attacker.user.id, sessionId)).toBe(false);
    expect(await validateSessionToken(getDb(), token)).not.toBeNull();
  });

  it("V7.4.3 revoking other sessions keeps the current one; revoking all ends every one", async () => {
    const { user, organizationId } = await makeUser();
    const a = await makeSession(user.id, organizationId);
    const b = await makeSession(user.id, organizationId);
    const c = await makeSession(user.id, organizationId);
    expect(await revokeOtherSessions(getDb(), user.id, a.sessionId)).toBe(2);
    expect(await validateSessionToken(getDb(), a.token)).not.toBeNull();
    expect(await validateSessionToken(getDb(), b.token)).toBeNull();
    expect(await validateSessionToken(getDb(), c.token)).toBeNull();
    expect(await revokeAllSessions(getDb(), user.id)).toBe(1);
    expect(await validateSessionToken(getDb(), a.token)).toBeNull();
  });

  it("V7.2.4 rotation gives a new token and the old one stops working", async () => {
    const { user, organizationId } = await makeUser();
    const old = await makeSession(user.id, organizationId);
    const rotated = await rotateSession(getDb(), old.sessionId);
    expect(rotated?.token).not.toBe(old.token);
    expect(await validateSessionToken(getDb(), old.token)).toBeNull();
    expect(await validateSessionToken(getDb(), rotated!.token)).not.toBeNull();
  });

  it("V8.2.2 a session stops working as soon as its membership is removed", async () => {
    const { user, organizationId } = await makeUser();
    const { token } = await makeSession(user.id, organizationId);
    await getDb().delete(memberships).where(eq(memberships.userId, user.id));
    expect(await validateSessionToken(getDb(), token)).toBeNull();
  });

  it("V7.2.1 rejects garbage and over-long tokens without touching the database", async () => {
    expect(await validateSessionToken(getDb(), "")).toBeNull();
    expect(await validateSessionToken(getDb(), "x".repeat(5000))).toBeNull();
    expect(await validateSessionToken(getDb(), "not-a-real-token")).toBeNull();
  });
});
