import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { signIn } from "@/lib/auth";
import { openDatabase } from "./client";
import { getDb } from "./index";
import { memberships, organizations, roles, users } from "./schema";
import { DEMO_OWNER_EMAIL, seedDemo } from "@/lib/demo";

describe("database", () => {
  it("V15.4.1 the embedded database refuses a second process while one holds it (no silent lost writes)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ck-lock-"));
    writeFileSync(path.join(dir, "chargekeep.lock"), String(process.ppid)); // a live process that is not us
    expect(() => openDatabase({ pgliteDir: dir })).toThrow(/in use by process \d+/);
  });

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

describe("database TLS", () => {
  it("V12.3.1 production connections to a remote database require TLS unless told otherwise", async () => {
    const { sslFor } = await import("./client");
    expect(sslFor("postgres://u@db.example.com/x", undefined, true)).toBe("require");
    expect(sslFor("postgres://u@127.0.0.1/x", undefined, true)).toBeUndefined();
    expect(sslFor("postgres://u@db.example.com/x?sslmode=verify-full", undefined, true)).toBeUndefined();
    expect(sslFor("postgres://u@db.example.com/x", "disable", true)).toBe(false);
    expect(sslFor("postgres://u@db.example.com/x", "verify-full", false)).toBe("verify-full");
    expect(sslFor("postgres://u@db.example.com/x", undefined, false)).toBeUndefined();
  });
});
