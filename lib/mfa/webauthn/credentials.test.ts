import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { organizationMfaPolicies, webauthnCredentials } from "@/db/schema";
import { resetRateLimitsForTests } from "@/lib/ratelimit";
import { LAST_FACTOR_MESSAGE, listWebauthnCredentials, removeWebauthnCredential, renameWebauthnCredential } from "./credentials";
import { TestAuthenticator } from "@/tests/support/webauthn-authenticator";
import { meta, newSessionFor, registerWith, signedInUser } from "@/tests/support/webauthn";
import { expectAudited } from "@/tests/audit";

beforeEach(() => resetRateLimitsForTests());

async function userWithKeys(count: number, opts: { policy?: "all" } = {}) {
  const u = await signedInUser();
  if (opts.policy) {
    await getDb().insert(organizationMfaPolicies).values({ organizationId: u.organizationId, policy: opts.policy, graceDays: 7, since: new Date() });
  }
  const ids: string[] = [];
  let ctx = u.ctx;
  for (let i = 0; i < count; i++) {
    ids.push((await registerWith(ctx, new TestAuthenticator(), i % 2 ? "passkey" : "security_key", `Key ${i + 1}`)).id);
    ctx = (await newSessionFor(u.user.id, u.organizationId, { mfaVerified: true })).ctx;
  }
  return { ...u, ids, recent: ctx, stale: (await newSessionFor(u.user.id, u.organizationId)).ctx };
}

describe("managing security keys and passkeys", () => {
  it("V6.5.6 the list shows each key with its kind, creation and last use", async () => {
    const { user } = await userWithKeys(2);
    const list = await listWebauthnCredentials(getDb(), user.id);
    expect(list.map((k) => [k.name, k.discoverable, k.lastUsedAt])).toEqual([
      ["Key 1", false, null],
      ["Key 2", true, null],
    ]);
    expect(list[0]!.createdAt).toBeInstanceOf(Date);
  });

  it("V8.2.2 a key is renamed only by its owner; names are trimmed and 1 to 60 characters", async () => {
    const { user, ids } = await userWithKeys(1);
    expect(await renameWebauthnCredential(getDb(), user.id, ids[0]!, "  Office key ")).toBe("Office key");
    await expect(renameWebauthnCredential(getDb(), user.id, ids[0]!, "   ")).rejects.toMatchObject({ code: "bad_request" });
    await expect(renameWebauthnCredential(getDb(), user.id, ids[0]!, "x".repeat(61))).rejects.toMatchObject({ code: "bad_request" });
    const intruder = await signedInUser();
    await expect(renameWebauthnCredential(getDb(), intruder.user.id, ids[0]!, "Mine now")).rejects.toMatchObject({ status: 404 });
    expect((await listWebauthnCredentials(getDb(), user.id))[0]!.name).toBe("Office key");
  });

  it("V7.5.1 removing a key needs a recent second factor (step-up)", async () => {
    const { ids, stale, recent, user } = await userWithKeys(2);
    await expect(removeWebauthnCredential(getDb(), stale, ids[0]!, meta)).rejects.toMatchObject({ code: "step_up_required" });
    expect(await listWebauthnCredentials(getDb(), user.id)).toHaveLength(2);
    await expect(removeWebauthnCredential(getDb(), recent, ids[0]!, meta)).resolves.toEqual({ name: "Key 1" });
    expect(await listWebauthnCredentials(getDb(), user.id)).toHaveLength(1);
  });

  it("V8.2.2 another user's key cannot be removed (404), even with a fresh second factor", async () => {
    const victim = await userWithKeys(1);
    const attacker = await userWithKeys(1);
    await expect(removeWebauthnCredential(getDb(), attacker.recent, victim.ids[0]!, meta)).rejects.toMatchObject({ status: 404 });
    expect(await getDb().select().from(webauthnCredentials).where(eq(webauthnCredentials.id, victim.ids[0]!))).toHaveLength(1);
  });

  it("V6.3.3 the last factor stays while the organization requires MFA; with another factor it can go", async () => {
    const { ids, recent, user } = await userWithKeys(2, { policy: "all" });
    expect(recent.mfa.required).toBe(true);
    await removeWebauthnCredential(getDb(), recent, ids[0]!, meta);
    await expect(removeWebauthnCredential(getDb(), recent, ids[1]!, meta)).rejects.toMatchObject({ code: "last_factor", message: LAST_FACTOR_MESSAGE });
    expect(await listWebauthnCredentials(getDb(), user.id)).toHaveLength(1);
  });

  it("V6.5.6 without an organization requirement the last key can be removed (revocation after loss)", async () => {
    const { ids, recent, user } = await userWithKeys(1);
    expect(recent.mfa.required).toBe(false);
    await removeWebauthnCredential(getDb(), recent, ids[0]!, meta);
    expect(await listWebauthnCredentials(getDb(), user.id)).toEqual([]);
    await expectAudited(getDb(), { action: "mfa.webauthn_removed", actorUserId: user.id, organizationId: recent.organization.id, metadata: { credentialId: ids[0]! } });
  });
});
