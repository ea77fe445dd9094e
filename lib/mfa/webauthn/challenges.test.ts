import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { webauthnChallenges } from "@/db/schema";
import { useFakeClock } from "@/lib/clock";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { makeSession, makeUser } from "@/tests/factories";
import { CHALLENGE_TTL_MS, consumeChallenge, cookieBinding, issueChallenge, sessionBinding } from "./challenges";

async function twoSessions() {
  const { user, organizationId } = await makeUser();
  const a = await makeSession(user.id, organizationId);
  const b = await makeSession(user.id, organizationId);
  return { userId: user.id, a: sessionBinding(a.sessionId), b: sessionBinding(b.sessionId) };
}

describe("WebAuthn challenges: server-side, bound, short-lived, single use", () => {
  it("V6.7.2 a challenge answers only for the session that asked for it", async () => {
    const { userId, a, b } = await twoSessions();
    await issueChallenge(getDb(), { binding: a, ceremony: "authenticate", userId, challenge: "chal-a" });
    expect(await consumeChallenge(getDb(), { binding: b, ceremony: "authenticate", userId })).toBeNull();
    expect(await consumeChallenge(getDb(), { binding: a, ceremony: "authenticate", userId })).toBe("chal-a");
  });

  it("V6.5.1 a challenge is spent on first use: a second answer finds nothing", async () => {
    const { userId, a } = await twoSessions();
    await issueChallenge(getDb(), { binding: a, ceremony: "register", userId, challenge: "once" });
    expect(await consumeChallenge(getDb(), { binding: a, ceremony: "register", userId })).toBe("once");
    expect(await consumeChallenge(getDb(), { binding: a, ceremony: "register", userId })).toBeNull();
  });

  it("V6.5.1 two concurrent answers to one challenge: only one gets it", async () => {
    const { userId, a } = await twoSessions();
    await issueChallenge(getDb(), { binding: a, ceremony: "authenticate", userId, challenge: "race" });
    const results = await Promise.all([
      consumeChallenge(getDb(), { binding: a, ceremony: "authenticate", userId }),
      consumeChallenge(getDb(), { binding: a, ceremony: "authenticate", userId }),
    ]);
    expect(results.filter((r) => r === "race")).toHaveLength(1);
  });

  it("V6.5.5 a challenge expires within five minutes", async () => {
    const clock = useFakeClock(new Date("2026-04-01T10:00:00Z"));
    const { userId, a } = await twoSessions();
    expect(CHALLENGE_TTL_MS).toBeLessThanOrEqual(5 * 60_000);
    await issueChallenge(getDb(), { binding: a, ceremony: "authenticate", userId, challenge: "fresh" });
    clock.advance(CHALLENGE_TTL_MS - 1000);
    expect(await consumeChallenge(getDb(), { binding: a, ceremony: "authenticate", userId })).toBe("fresh");

    await issueChallenge(getDb(), { binding: a, ceremony: "authenticate", userId, challenge: "stale" });
    clock.advance(CHALLENGE_TTL_MS + 1000);
    expect(await consumeChallenge(getDb(), { binding: a, ceremony: "authenticate", userId })).toBeNull();
  });

  it("V6.7.2 a challenge of one ceremony is refused by another (registration vs authentication)", async () => {
    const { userId, a } = await twoSessions();
    await issueChallenge(getDb(), { binding: a, ceremony: "register", userId, challenge: "for-registration" });
    expect(await consumeChallenge(getDb(), { binding: a, ceremony: "authenticate", userId })).toBeNull();
  });

  it("V6.7.2 a challenge issued to one user is refused for another", async () => {
    const { userId, a } = await twoSessions();
    const other = await makeUser();
    await issueChallenge(getDb(), { binding: a, ceremony: "authenticate", userId, challenge: "mine" });
    expect(await consumeChallenge(getDb(), { binding: a, ceremony: "authenticate", userId: other.user.id })).toBeNull();
  });

  it("V6.7.2 asking again replaces the outstanding challenge: the older one is dead", async () => {
    const { userId, a } = await twoSessions();
    await issueChallenge(getDb(), { binding: a, ceremony: "authenticate", userId, challenge: "first" });
    await issueChallenge(getDb(), { binding: a, ceremony: "authenticate", userId, challenge: "second" });
    const rows = await getDb().select().from(webauthnChallenges).where(eq(webauthnChallenges.binding, a));
    expect(rows.map((r) => r.challenge)).toEqual(["second"]);
  });

  it("V6.7.2 a passwordless challenge is bound to the SHA-256 of the browser's cookie, which is never stored", async () => {
    const token = randomToken();
    const binding = cookieBinding(token);
    expect(binding).toBe(`c:${sha256Hex(token)}`);
    await issueChallenge(getDb(), { binding, ceremony: "passkey", userId: null, challenge: "pk" });
    const stored = await getDb().select().from(webauthnChallenges).where(eq(webauthnChallenges.binding, binding));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(await consumeChallenge(getDb(), { binding: cookieBinding(randomToken()), ceremony: "passkey" })).toBeNull();
    expect(await consumeChallenge(getDb(), { binding, ceremony: "passkey" })).toBe("pk");
  });

  it("V6.5.5 expired challenges of anyone are swept when a new one is issued", async () => {
    const clock = useFakeClock(new Date("2026-04-02T10:00:00Z"));
    const { userId, a, b } = await twoSessions();
    await issueChallenge(getDb(), { binding: a, ceremony: "authenticate", userId, challenge: "old" });
    clock.advance(CHALLENGE_TTL_MS + 1);
    await issueChallenge(getDb(), { binding: b, ceremony: "authenticate", userId, challenge: "new" });
    const left = await getDb().select().from(webauthnChallenges).where(eq(webauthnChallenges.binding, a));
    expect(left).toEqual([]);
  });
});
