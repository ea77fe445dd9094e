import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { auditCheckpoints, auditEvents } from "@/db/schema";
import { useFakeClock } from "@/lib/clock";
import { expectAudited } from "@/tests/audit";
import { stubEnv } from "@/tests/env";
import { currentAuditKeyId } from "@/lib/crypto";
import { canonicalEvent, eventHash, eventMac, GENESIS_HASH } from "./canonical";
import { AuditMetadataError, pruneAudit, recordAudit, verifyChains, type AuditEventInput } from "./index";
import { withTriggersDisabled } from "@/tests/support/audit";

const event = (organizationId: string, extra: Partial<AuditEventInput> = {}): AuditEventInput => ({
  organizationId,
  actorUserId: randomUUID(),
  action: "role.updated",
  result: "success",
  targetType: "role",
  targetId: randomUUID(),
  ip: "203.0.113.9",
  userAgent: "vitest",
  requestId: "req-1",
  metadata: { roleName: "Auditor", changed: 2, ok: true, none: null },
  ...extra,
});

/** Drizzle wraps the database error ("Failed query: …"); the trigger's words are in its cause. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return `${err.message} | ${err.cause?.message ?? ""}`;
  }
  throw new Error("the statement was not refused");
}

async function chainRows(chain: string) {
  return getDb().select().from(auditEvents).where(eq(auditEvents.chain, chain)).orderBy(asc(auditEvents.seq));
}

async function recordMany(org: string, n: number) {
  for (let i = 0; i < n; i++) await recordAudit(getDb(), event(org, { metadata: { i } }));
}

describe("recordAudit", () => {
  it("V16.2.1 records who, what, when, where and the result, chained per organization", async () => {
    const org = randomUUID();
    await recordMany(org, 3);
    const rows = await chainRows(org);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0]).toMatchObject({ organizationId: org, action: "role.updated", result: "success", ip: "203.0.113.9", userAgent: "vitest", requestId: "req-1", targetType: "role", prevHash: GENESIS_HASH });
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(rows[2]!.prevHash).toBe(rows[1]!.hash);
  });

  it("V16.3.3 V16.4.2 V11.4.1 each event carries an HMAC-SHA256 under the keyring's audit key (named on the row) over the previous MAC and its canonical encoding", async () => {
    const org = randomUUID();
    await recordAudit(getDb(), event(org, { metadata: { zeta: "z", alpha: 1.5, mid: false } }));
    const [row] = await chainRows(org);
    expect(row!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.macKeyId).toBe(currentAuditKeyId());
    expect(eventMac(row!.macKeyId!, row!.prevHash, row!)).toBe(row!.hash);
    // what someone with only the database could compute is not it: the unkeyed SHA-256, or an HMAC under another key
    expect(eventHash(row!.prevHash, row!)).not.toBe(row!.hash);
    expect(createHmac("sha256", randomBytes(32)).update(row!.prevHash + canonicalEvent(row!, row!.macKeyId)).digest("hex")).not.toBe(row!.hash);
    // any field change changes the MAC
    expect(eventMac(row!.macKeyId!, row!.prevHash, { ...row!, result: "failure" })).not.toBe(row!.hash);
    expect(eventMac(row!.macKeyId!, row!.prevHash, { ...row!, metadata: { ...row!.metadata, alpha: 2 } })).not.toBe(row!.hash);
    expect((await verifyChains(getDb(), { chains: [org] })).ok).toBe(true);
  });

  it("V16.2.5 refuses metadata that carries a password, token, secret, code, cookie or key", async () => {
    const org = randomUUID();
    for (const key of ["password", "newPassword", "sessionToken", "reset_token", "secret", "totpCode", "code", "otp", "cookie", "authorization", "apiKey", "private_key", "passwordHash"]) {
      await expect(recordAudit(getDb(), event(org, { metadata: { [key]: "hunter2" } })), key).rejects.toThrow(AuditMetadataError);
    }
    expect(await chainRows(org)).toHaveLength(0);
    // counts and ids are fine
    await recordAudit(getDb(), event(org, { metadata: { recoveryCodes: 10, keys: 2, credentialId: "abc", method: "totp" } }));
    expect(await chainRows(org)).toHaveLength(1);
  });

  it("V16.2.5 in production a secret-looking key is dropped (logged), and the change is still recorded", async () => {
    stubEnv({ NODE_ENV: "production" });
    const org = randomUUID();
    await recordAudit(getDb(), event(org, { metadata: { password: "hunter2", reason: "kept" } }));
    const [row] = await chainRows(org);
    expect(row!.metadata).toEqual({ reason: "kept" });
    expect(JSON.stringify(row)).not.toContain("hunter2");
  });

  it("V16.3.1 refuses an action that is not in the catalogue", async () => {
    await expect(recordAudit(getDb(), { ...event(randomUUID()), action: "made.up" as never })).rejects.toThrow(/not in the audit catalogue/);
  });

  it("V16.3.3 rolls back with the caller's transaction, and commits with it", async () => {
    const org = randomUUID();
    await expect(
      getDb().transaction(async (tx) => {
        await recordAudit(tx, event(org));
        throw new Error("change failed");
      }),
    ).rejects.toThrow("change failed");
    expect(await chainRows(org)).toHaveLength(0);
    await getDb().transaction(async (tx) => {
      await recordAudit(tx, event(org));
    });
    expect((await chainRows(org)).map((r) => r.seq)).toEqual([1]);
    expect((await verifyChains(getDb(), { chains: [org] })).ok).toBe(true);
  });

  it("V16.3.3 null organization goes to the platform chain", async () => {
    const stored = await recordAudit(getDb(), { ...event(randomUUID()), organizationId: null });
    const [row] = await getDb().select().from(auditEvents).where(eq(auditEvents.id, stored.id));
    expect(row).toMatchObject({ chain: "platform", organizationId: null });
  });

  it("V16.3.3 60 parallel writers on one chain keep one unforked, valid chain", async () => {
    const org = randomUUID();
    await Promise.all(Array.from({ length: 60 }, (_, i) => recordAudit(getDb(), event(org, { metadata: { i } }))));
    const rows = await chainRows(org);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.metadata.i)).size).toBe(60);
    const report = await verifyChains(getDb(), { chains: [org] });
    expect(report).toMatchObject({ ok: true, events: 60 });
  });

  it("V16.3.3 writers inside transactions and outside them, in parallel, keep one chain (a stale head is re-read)", async () => {
    const org = randomUUID();
    await recordAudit(getDb(), event(org, { metadata: { i: -1 } })); // this process now remembers the head
    await getDb().transaction(async (tx) => recordAudit(tx, event(org, { metadata: { i: -2 } }))); // moves it behind our back
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 ? recordAudit(getDb(), event(org, { metadata: { i } })) : getDb().transaction(async (tx) => recordAudit(tx, event(org, { metadata: { i } }))),
      ),
    );
    const rows = await chainRows(org);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    expect(await verifyChains(getDb(), { chains: [org] })).toMatchObject({ ok: true, events: 42 });
  });

  it("V16.3.3 a batch whose transaction rolls back leaves no gap: the next event takes its seq", async () => {
    const org = randomUUID();
    await recordAudit(getDb(), event(org));
    await getDb()
      .transaction(async (tx) => {
        await recordAudit(tx, event(org));
        throw new Error("roll back");
      })
      .catch(() => undefined);
    await recordAudit(getDb(), event(org));
    expect((await chainRows(org)).map((r) => r.seq)).toEqual([1, 2]);
    expect((await verifyChains(getDb(), { chains: [org] })).ok).toBe(true);
  });
});

describe("append-only triggers", () => {
  it("V16.4.2 refuse UPDATE, DELETE and TRUNCATE of audit events, with a clear error", async () => {
    const org = randomUUID();
    await recordMany(org, 2);
    expect(await refusal(getDb().update(auditEvents).set({ result: "failure" }).where(eq(auditEvents.chain, org)))).toMatch(/append-only: UPDATE on audit_events refused/);
    expect(await refusal(getDb().delete(auditEvents).where(eq(auditEvents.chain, org)))).toMatch(/append-only: DELETE on audit_events refused/);
    expect(await refusal(getDb().execute(sql`truncate audit_events`))).toMatch(/append-only: TRUNCATE/);
    expect(await chainRows(org)).toHaveLength(2);
  });

  it("V16.4.2 refuse UPDATE and DELETE of checkpoints", async () => {
    const org = randomUUID();
    await getDb().insert(auditCheckpoints).values({ chain: org, upToSeq: 1, hash: GENESIS_HASH, mac: "x" });
    expect(await refusal(getDb().update(auditCheckpoints).set({ mac: "y" }).where(eq(auditCheckpoints.chain, org)))).toMatch(/append-only: UPDATE on audit_checkpoints/);
    expect(await refusal(getDb().delete(auditCheckpoints).where(eq(auditCheckpoints.chain, org)))).toMatch(/append-only: DELETE on audit_checkpoints/);
  });

  it("V16.4.2 the prune flag is transaction-local: it does not leak to a later delete", async () => {
    const org = randomUUID();
    await recordMany(org, 1);
    await getDb().transaction(async (tx) => {
      await tx.execute(sql`select set_config('chargekeep.audit_prune', 'on', true)`);
    });
    expect(await refusal(getDb().delete(auditEvents).where(eq(auditEvents.chain, org)))).toMatch(/append-only/);
  });
});

describe("verifyChains", () => {
  it("V16.4.2 names the first broken event when a row was edited", async () => {
    const org = randomUUID();
    await recordMany(org, 5);
    const rows = await chainRows(org);
    const report = await withTriggersDisabled(async (tx) => {
      await tx.update(auditEvents).set({ ip: "198.51.100.66" }).where(eq(auditEvents.id, rows[2]!.id));
      return verifyChains(tx, { chains: [org] });
    });
    expect(report.ok).toBe(false);
    expect(report.chains[0]!.firstBroken).toMatchObject({ eventId: rows[2]!.id, seq: 3, problem: expect.stringMatching(/edited/) });
    expect((await verifyChains(getDb(), { chains: [org] })).ok).toBe(true); // rolled back
  });

  it("V16.4.2 catches an edit whose hash was recomputed without the audit key (the row's own MAC fails)", async () => {
    const org = randomUUID();
    await recordMany(org, 4);
    const rows = await chainRows(org);
    const report = await withTriggersDisabled(async (tx) => {
      const forged = { ...rows[1]!, result: "failure" as const };
      await tx.update(auditEvents).set({ result: "failure", hash: eventHash(forged.prevHash, forged) }).where(eq(auditEvents.id, rows[1]!.id));
      return verifyChains(tx, { chains: [org] });
    });
    expect(report.chains[0]!.firstBroken).toMatchObject({ eventId: rows[1]!.id, seq: 2, problem: expect.stringMatching(/MAC does not match/) });
  });

  it("V16.4.2 names the gap when a row was deleted", async () => {
    const org = randomUUID();
    await recordMany(org, 5);
    const rows = await chainRows(org);
    const report = await withTriggersDisabled(async (tx) => {
      await tx.delete(auditEvents).where(eq(auditEvents.id, rows[1]!.id));
      return verifyChains(tx, { chains: [org] });
    });
    expect(report.chains[0]!.firstBroken).toMatchObject({ eventId: rows[2]!.id, seq: 3, problem: expect.stringMatching(/events 2 are missing|missing before seq 3/) });
  });

  it("V16.4.2 catches a deleted tail (the chain head remembers the last seq)", async () => {
    const org = randomUUID();
    await recordMany(org, 4);
    const rows = await chainRows(org);
    const report = await withTriggersDisabled(async (tx) => {
      await tx.delete(auditEvents).where(and(eq(auditEvents.chain, org), eq(auditEvents.seq, 4)));
      return verifyChains(tx, { chains: [org] });
    });
    expect(rows).toHaveLength(4);
    expect(report.chains[0]!.firstBroken).toMatchObject({ seq: 4, problem: expect.stringMatching(/missing at the end/) });
  });

  it("V16.4.2 catches a reordered pair", async () => {
    const org = randomUUID();
    await recordMany(org, 5);
    const rows = await chainRows(org);
    const report = await withTriggersDisabled(async (tx) => {
      // swap seq 2 and 3 (through a free number: (chain, seq) is unique)
      await tx.update(auditEvents).set({ seq: -1 }).where(eq(auditEvents.id, rows[1]!.id));
      await tx.update(auditEvents).set({ seq: 2 }).where(eq(auditEvents.id, rows[2]!.id));
      await tx.update(auditEvents).set({ seq: 3 }).where(eq(auditEvents.id, rows[1]!.id));
      return verifyChains(tx, { chains: [org] });
    });
    expect(report.chains[0]!.firstBroken).toMatchObject({ eventId: rows[2]!.id, seq: 2 });
  });

  it("V16.4.2 walks a long chain in batches", async () => {
    const org = randomUUID();
    await recordMany(org, 7);
    expect(await verifyChains(getDb(), { chains: [org], batchSize: 3 })).toMatchObject({ ok: true, events: 7 });
  });
});

describe("pruneAudit", () => {
  it("V16.4.2 keeps a signed checkpoint; the remaining chain verifies and records audit.pruned", async () => {
    const clock = useFakeClock(new Date("2025-01-01T00:00:00Z"));
    const org = randomUUID();
    await recordMany(org, 5);
    clock.advance(180 * 86_400_000);
    await recordMany(org, 3);
    const result = await pruneAudit(getDb(), { before: new Date("2025-03-01T00:00:00Z"), chains: [org] });
    expect(result.chains).toEqual([{ chain: org, upToSeq: 5, deleted: 5 }]);
    const rows = await chainRows(org);
    expect(rows.map((r) => r.seq)).toEqual([6, 7, 8, 9]);
    expect(rows[3]).toMatchObject({ action: "audit.pruned", metadata: { upToSeq: 5, deleted: 5 } });
    await expectAudited(getDb(), { action: "audit.pruned", organizationId: org, targetId: org, metadata: { upToSeq: 5, deleted: 5 } });
    const report = await verifyChains(getDb(), { chains: [org] });
    expect(report).toMatchObject({ ok: true, events: 4 });
    expect(report.chains[0]!.checkpointSeq).toBe(5);
    // after pruning, an ad-hoc delete is still refused
    expect(await refusal(getDb().delete(auditEvents).where(eq(auditEvents.chain, org)))).toMatch(/append-only/);
    // a second prune with the same cut-off finds nothing more to remove
    expect((await pruneAudit(getDb(), { before: new Date("2025-03-01T00:00:00Z"), chains: [org] })).chains).toEqual([]);
  });

  it("V16.4.2 a chain that does not verify is never pruned (a checkpoint would launder the edit)", async () => {
    const clock = useFakeClock(new Date("2025-01-01T00:00:00Z"));
    const org = randomUUID();
    await recordMany(org, 4);
    clock.advance(180 * 86_400_000);
    await recordMany(org, 1);
    const rows = await chainRows(org);
    await withTriggersDisabled(async (tx) => {
      await tx.update(auditEvents).set({ actorUserId: randomUUID() }).where(eq(auditEvents.id, rows[1]!.id));
      await expect(pruneAudit(tx, { before: new Date("2025-03-01T00:00:00Z"), chains: [org] })).rejects.toThrow(/does not verify \(seq 2/);
      expect(await tx.select().from(auditCheckpoints).where(eq(auditCheckpoints.chain, org))).toEqual([]);
    });
  });

  it("V16.4.2 a forged checkpoint (to hide deleted events) is caught", async () => {
    const org = randomUUID();
    await recordMany(org, 5);
    const rows = await chainRows(org);
    const report = await withTriggersDisabled(async (tx) => {
      await tx.delete(auditEvents).where(and(eq(auditEvents.chain, org), sql`${auditEvents.seq} <= 3`));
      await tx.insert(auditCheckpoints).values({ chain: org, upToSeq: 3, hash: rows[2]!.hash, mac: "forged-without-the-key" });
      return verifyChains(tx, { chains: [org] });
    });
    expect(report.chains[0]!.firstBroken).toMatchObject({ seq: 3, problem: expect.stringMatching(/invalid signature/) });
  });
});
