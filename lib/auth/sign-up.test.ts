import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { authTokens, memberships, organizations, roles, users } from "@/db/schema";
import { useFakeClock } from "@/lib/clock";
import { sha256Hex } from "@/lib/crypto";
import { lastLinkTo, mailsTo } from "@/tests/outbox";
import { verifyEmail } from "./email-verification";
import { signIn } from "./sign-in";
import { signUp } from "./sign-up";

const unique = () => `new-${crypto.randomUUID()}@example.test`;
const input = (email: string) => ({ name: "Nia Founder", organizationName: "Nia Ltd", email, password: "violet-harbor-lantern-93" });
const meta = { ip: null, userAgent: null };

describe("sign-up and e-mail verification", () => {
  it("creates the user, their organization and the owner membership", async () => {
    const email = unique();
    await signUp(getDb(), input(email));
    const [user] = await getDb().select().from(users).where(eq(users.email, email));
    const [m] = await getDb()
      .select({ organizationId: memberships.organizationId, role: roles.key })
      .from(memberships)
      .innerJoin(roles, eq(roles.id, memberships.roleId))
      .where(eq(memberships.userId, user!.id));
    const [org] = await getDb().select().from(organizations).where(eq(organizations.id, m!.organizationId));
    expect(m?.role).toBe("owner");
    expect(org?.name).toBe("Nia Ltd");
    expect(user?.emailVerifiedAt).toBeNull();
  });

  it("V6.3.8 an address that already has an account gets a notice, and the caller sees no difference", async () => {
    const email = unique();
    await signUp(getDb(), input(email));
    await expect(signUp(getDb(), { ...input(email), organizationName: "Other" })).resolves.toBeUndefined();
    const subjects = mailsTo(email).map((m) => m.subject);
    expect(subjects).toEqual([expect.stringMatching(/Confirm/), expect.stringMatching(/tried to sign up/)]);
    expect(await getDb().select().from(users).where(eq(users.email, email))).toHaveLength(1);
  });

  it("V6.2.4 refuses a common password with a field message and creates nothing", async () => {
    const email = unique();
    await expect(signUp(getDb(), { ...input(email), password: "password1234" })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { password: expect.stringMatching(/commonly used/) },
    });
    expect(await getDb().select().from(users).where(eq(users.email, email))).toHaveLength(0);
  });

  it("V6.4.1 the verification link is stored hashed, works once and then signs-in succeed", async () => {
    const email = unique();
    await signUp(getDb(), input(email));
    const token = lastLinkTo(email, "/verify-email");
    const stored = await getDb().select().from(authTokens).where(eq(authTokens.tokenHash, sha256Hex(token)));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(await getDb().select().from(authTokens))).not.toContain(token);
    expect(await verifyEmail(getDb(), token)).toBe(true);
    expect(await verifyEmail(getDb(), token)).toBe(false); // replayed link
    const result = await signIn(getDb(), { email, password: "violet-harbor-lantern-93", ...meta });
    expect(result.ok).toBe(true);
  });

  it("V6.4.1 an expired verification link is refused", async () => {
    const clock = useFakeClock(new Date());
    const email = unique();
    await signUp(getDb(), input(email));
    const token = lastLinkTo(email, "/verify-email");
    clock.advance(24 * 3_600_000 + 1000);
    expect(await verifyEmail(getDb(), token)).toBe(false);
  });
});
