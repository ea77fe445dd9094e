import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { memberships, organizations, roles, users } from "@/db/schema";
import { signIn } from "@/lib/auth";
import { DEMO_OWNER_EMAIL, seedDemo } from "./index";

describe("demo seed", () => {
  it("V6.3.2 the demo seed creates Acme Corp and an owner who can sign in with the printed password, once", async () => {
    const db = getDb();
    const existing = await db.select().from(users).where(eq(users.email, DEMO_OWNER_EMAIL));
    if (existing.length) await db.delete(users).where(eq(users.email, DEMO_OWNER_EMAIL)); // shared test database
    const { created } = await seedDemo(db, { bank: false });
    expect(created?.password.length).toBeGreaterThanOrEqual(16);
    expect((await seedDemo(db, { bank: false })).created).toBeNull(); // never printed twice
    const [row] = await db
      .select({ org: organizations.name, role: roles.key })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .innerJoin(roles, eq(roles.id, memberships.roleId))
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .where(eq(users.email, DEMO_OWNER_EMAIL));
    expect(row).toEqual({ org: "Acme Corp", role: "owner" });
    const result = await signIn(db, { email: DEMO_OWNER_EMAIL, password: created!.password, ip: null, userAgent: null });
    expect(result.ok).toBe(true);
  });
});
