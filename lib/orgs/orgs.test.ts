import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { validateSessionToken } from "@/lib/auth";
import { makeSession, makeUser, roleIdOf } from "@/tests/factories";
import { createOrganization, listMyOrganizations, switchOrganization } from "./index";

async function ctxFor(token: string) {
  const ctx = await validateSessionToken(getDb(), token);
  if (!ctx) throw new Error("no session");
  return ctx;
}

describe("organizations", () => {
  it("V8.2.2 a user in several organizations switches the active one, and the session id rotates", async () => {
    const { user, organizationId } = await makeUser();
    const other = await makeUser();
    const { memberships } = await import("@/db/schema");
    await getDb().insert(memberships).values({ userId: user.id, organizationId: other.organizationId, roleId: await roleIdOf(other.organizationId, "member") });
    const { token } = await makeSession(user.id, organizationId);
    expect((await listMyOrganizations(getDb(), user.id)).map((o) => o.id).sort()).toEqual([organizationId, other.organizationId].sort());

    const rotated = await switchOrganization(getDb(), await ctxFor(token), other.organizationId);
    expect(await validateSessionToken(getDb(), token)).toBeNull();
    const after = await ctxFor(rotated.token);
    expect(after.organization).toMatchObject({ id: other.organizationId, roleKey: "member" });
  });

  it("V8.4.1 switching to an organization the user does not belong to is refused and changes nothing", async () => {
    const me = await makeUser();
    const stranger = await makeUser();
    const { token } = await makeSession(me.user.id, me.organizationId);
    await expect(switchOrganization(getDb(), await ctxFor(token), stranger.organizationId)).rejects.toMatchObject({ status: 404 });
    expect((await ctxFor(token)).organization.id).toBe(me.organizationId);
  });

  it("V8.2.2 creating an organization makes the creator its owner and switches to it", async () => {
    const { user, organizationId } = await makeUser({ role: "member" });
    const { token } = await makeSession(user.id, organizationId);
    const rotated = await createOrganization(getDb(), await ctxFor(token), "Second Venture");
    const ctx = await ctxFor(rotated.token);
    expect(ctx.organization).toMatchObject({ name: "Second Venture", roleKey: "owner" });
  });
});
