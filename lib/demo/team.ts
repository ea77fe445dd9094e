import "server-only";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { groups, memberships, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/credentials";
import { now } from "@/lib/clock";
import { randomToken } from "@/lib/crypto";
import { addGroupMember, loadRoleTree, saveGroup } from "@/lib/rbac";
import { asDemoOwner, type DemoOwner } from "./seed-session";

/** Acme's people, one per built-in role below the owner. Nobody knows their passwords (random, hashed). */
export const DEMO_MEMBERS = [
  { email: "priya@acme.example", name: "Priya Patel", role: "admin" },
  { email: "jordan@acme.example", name: "Jordan Lee", role: "accountant" },
  { email: "sam@acme.example", name: "Sam Rivera", role: "member" },
  { email: "taylor@acme.example", name: "Taylor Kim", role: "viewer" },
] as const;

export const DEMO_GROUP = { name: "Finance team", description: "Books and month-end close: reads and exports the reports.", role: "accountant", members: ["jordan@acme.example", "sam@acme.example"] } as const;

/** Adds the members who are missing (each with its audit event) and, unless `members` only, the group with its members. */
export async function seedDemoTeam(db: Database, owner: DemoOwner, opts: { membersOnly?: boolean } = {}): Promise<void> {
  const tree = await loadRoleTree(db, owner.organizationId);
  const roleId = (key: string) => {
    const role = tree.find((r) => r.key === key);
    if (!role) throw new Error(`The demo organization has no ${key} role.`);
    return role.id;
  };
  const ids = new Map<string, string>();
  for (const m of DEMO_MEMBERS) {
    const [found] = await db.select({ id: users.id }).from(users).where(eq(users.email, m.email));
    if (found) {
      // Already a user (e.g. the demo organization was deleted and made again): just the membership.
      await db.insert(memberships).values({ userId: found.id, organizationId: owner.organizationId, roleId: roleId(m.role) }).onConflictDoNothing();
      ids.set(m.email, found.id);
      continue;
    }
    const passwordHash = await hashPassword(randomToken(24));
    const id = await db.transaction(async (tx) => {
      const [user] = await tx.insert(users).values({ email: m.email, name: m.name, passwordHash, emailVerifiedAt: now() }).returning({ id: users.id });
      await tx.insert(memberships).values({ userId: user!.id, organizationId: owner.organizationId, roleId: roleId(m.role) });
      await recordAudit(tx, {
        organizationId: owner.organizationId,
        actorUserId: owner.userId,
        action: "member.added",
        result: "success",
        targetType: "user",
        targetId: user!.id,
        metadata: { roleId: roleId(m.role), source: "demo seed" },
      });
      return user!.id;
    });
    ids.set(m.email, id);
  }
  if (opts.membersOnly) return;
  const [group] = await db
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.organizationId, owner.organizationId), eq(groups.name, DEMO_GROUP.name)));
  if (group) return;
  // Through the product's own group operations: permission, step-up and audit as for a person.
  await asDemoOwner(db, owner, async (ctx) => {
    const groupId = await saveGroup(db, ctx, { name: DEMO_GROUP.name, description: DEMO_GROUP.description, roleIds: [roleId(DEMO_GROUP.role)] });
    for (const email of DEMO_GROUP.members) await addGroupMember(db, ctx, groupId, ids.get(email)!);
  });
}
