import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, rowsOf } from "@/db";
import { contactMessages } from "@/db/schema";
import { validateSessionToken } from "@/lib/auth";
import { makeSession, makeUser } from "@/tests/factories";
import { listContactMessages, submitContactMessage } from "./index";

const CIPHERTEXT = /^ck1\.\d+\.[A-Za-z0-9_-]{38,}$/;

/** The SQL error code behind a driver error (PGlite and postgres.js, wrapped or not by Drizzle). */
function sqlState(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string } };
  return err.cause?.code ?? err.code;
}

describe("contact messages", () => {
  it("V8.2.1 are stored and listed for ChargeKeep operators only", async () => {
    const marker = `hello-${crypto.randomUUID()}`;
    await submitContactMessage(getDb(), { name: "Visitor", email: "v@example.test", message: `Please call me ${marker}` }, { userId: null, ip: null });
    const operator = await makeUser({ operator: true });
    const owner = await makeUser();
    const opCtx = await validateSessionToken(getDb(), (await makeSession(operator.user.id, operator.organizationId)).token);
    const ownerCtx = await validateSessionToken(getDb(), (await makeSession(owner.user.id, owner.organizationId)).token);
    expect((await listContactMessages(getDb(), opCtx!)).some((m) => m.message.includes(marker))).toBe(true);
    await expect(listContactMessages(getDb(), ownerCtx!)).rejects.toMatchObject({ status: 403 });
  });

  it("V14.2.4 name, e-mail, message and IP are stored encrypted; the application reads them back decrypted", async () => {
    const marker = randomUUID();
    const input = { name: `Name ${marker}`, email: `${marker}@example.test`, message: `Message body ${marker}` };
    const { id } = await submitContactMessage(getDb(), input, { userId: null, ip: "198.51.100.23" });

    // What a database dump or a stolen backup holds: the whole row as text, and each column.
    const [raw] = rowsOf<{ whole: string; name: string; email: string; message: string; ip: string }>(
      await getDb().execute(sql`select c::text as whole, name, email, message, ip from contact_messages c where id = ${id}`),
    );
    expect(raw!.whole).not.toContain(marker);
    expect(raw!.whole).not.toContain("198.51.100.23");
    for (const column of [raw!.name, raw!.email, raw!.message, raw!.ip]) expect(column).toMatch(CIPHERTEXT);

    const [row] = await getDb().select().from(contactMessages).where(eq(contactMessages.id, id));
    expect(row).toMatchObject({ ...input, ip: "198.51.100.23" });
  });

  it("V14.2.4 null stays null (no ciphertext for an absent IP)", async () => {
    const { id } = await submitContactMessage(getDb(), { name: "No IP", email: "n@example.test", message: "Sent from nowhere at all" }, { userId: null, ip: null });
    const [raw] = rowsOf<{ ip: string | null }>(await getDb().execute(sql`select ip from contact_messages where id = ${id}`));
    expect(raw!.ip).toBeNull();
    const [row] = await getDb().select({ ip: contactMessages.ip }).from(contactMessages).where(eq(contactMessages.id, id));
    expect(row!.ip).toBeNull();
  });

  it("V14.2.4 the database refuses plaintext written with raw SQL (insert and update)", async () => {
    const db = getDb();
    const insert = db.execute(
      sql`insert into contact_messages (id, name, email, message) values (${randomUUID()}, 'Eve', 'eve@example.test', 'plaintext slipping in')`,
    );
    await expect(insert).rejects.toSatisfy((e) => sqlState(e) === "23514"); // check_violation
    const { id } = await submitContactMessage(db, { name: "Real", email: "r@example.test", message: "A proper message here" }, { userId: null, ip: null });
    await expect(db.execute(sql`update contact_messages set message = 'overwritten in clear' where id = ${id}`)).rejects.toSatisfy(
      (e) => sqlState(e) === "23514",
    );
  });

  it("V16.2.5 a failed write's error (what ends up in logs) carries only ciphertext", async () => {
    const marker = randomUUID();
    const failed = await submitContactMessage(
      getDb(),
      { name: `Name ${marker}`, email: `${marker}@example.test`, message: `Message body ${marker}` },
      { userId: randomUUID(), ip: "198.51.100.77" }, // no such user: a foreign-key violation
    ).catch((e: unknown) => e);
    const logged = `${String(failed)} ${JSON.stringify(failed)} ${(failed as Error).stack} ${String((failed as { cause?: unknown }).cause)}`;
    expect(logged).toMatch(/params: .*ck1\.\d+\./);
    expect(logged).not.toContain(marker);
    expect(logged).not.toContain("198.51.100.77");
  });
});
