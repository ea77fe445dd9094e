import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, asc, eq, gte } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, type Database } from "@/db";
import { auditChainHeads, auditEvents, type AuditEventRow } from "@/db/schema";
import { fileStore } from "@/lib/storage";
import { canonicalEvent, eventHash } from "./canonical";
import { recordAudit, runAuditVerify, writeAuditAnchor, type AuditEventInput } from "./index";
import { withTriggersDisabled } from "@/tests/support/audit";

/**
 * The attacks from the outside test (issue 18): someone with write access to the database, but
 * not MASTER_KEY, rewrites an event and re-chains everything after it, head included.
 */
const newStore = () => fileStore(mkdtempSync(path.join(tmpdir(), "ck-anchors-")));

const signIn = (org: string, i: number): AuditEventInput => ({
  organizationId: org,
  actorUserId: randomUUID(),
  action: i === 2 ? "auth.sign_in" : "role.updated",
  result: "success",
  targetType: "user",
  targetId: randomUUID(),
  ip: "203.0.113.9",
  metadata: { i },
});

async function chainOf(db: Database, org: string): Promise<AuditEventRow[]> {
  return db.select().from(auditEvents).where(eq(auditEvents.chain, org)).orderBy(asc(auditEvents.seq));
}

/** Five events, the second a sign-in; an anchor of the heads already written (as the app's timer would). */
async function signedInChain() {
  const org = randomUUID();
  for (let i = 1; i <= 5; i++) await recordAudit(getDb(), signIn(org, i));
  const store = newStore();
  await writeAuditAnchor(getDb(), { reason: "manual", stores: [store] });
  return { org, store, rows: await chainOf(getDb(), org) };
}

/**
 * The rewrite: seq 2 becomes member.removed; seq 2 and every later event get a new chain value
 * from `chainValue` (the attacker's recomputation), and the head follows.
 */
async function rewriteAndRechain(tx: Database, rows: AuditEventRow[], chainValue: (prev: string, row: AuditEventRow) => { hash: string; macKeyId: number | null }) {
  let prev = rows[0]!.hash;
  for (const original of rows.slice(1)) {
    const row = { ...original, action: original.seq === 2 ? "member.removed" : original.action, prevHash: prev };
    const { hash, macKeyId } = chainValue(prev, row);
    await tx.update(auditEvents).set({ action: row.action, prevHash: prev, hash, macKeyId }).where(eq(auditEvents.id, row.id));
    prev = hash;
  }
  await tx.update(auditChainHeads).set({ hash: prev }).where(eq(auditChainHeads.chain, rows[0]!.chain));
}

describe("rewrite and re-chain without the audit key", () => {
  it("V16.4.2 an event rewritten (auth.sign_in -> member.removed) and the chain re-hashed with the old SHA-256 scheme, head included, is named and audit:verify exits 1", async () => {
    const { org, store, rows } = await signedInChain();
    expect(rows[1]!.action).toBe("auth.sign_in");
    const result = await withTriggersDisabled(async (tx) => {
      // The attacker knows the old format and recomputes it: there is no key in it.
      await rewriteAndRechain(tx, rows, (prev, row) => ({ hash: eventHash(prev, { ...row, metadata: row.metadata ?? {} }), macKeyId: null }));
      expect((await chainOf(tx, org))[1]!.action).toBe("member.removed");
      return runAuditVerify(tx, { chains: [org], stores: [store] });
    });
    expect(result.exitCode).toBe(1);
    expect(result.report.chains[0]!.firstBroken).toMatchObject({ seq: 2, eventId: rows[1]!.id });
    expect(result.lines).toContainEqual(expect.stringMatching(new RegExp(`^BROKEN  ${org}: first broken at seq 2 .*old unkeyed SHA-256 format, but this chain has no old-format events.*downgrade`)));
    // and the anchor outside the database disagrees with the rewritten head
    expect(result.lines).toContainEqual(expect.stringMatching(new RegExp(`^ANCHOR  ${org}: the event at seq 5 is not the one the anchor of .* recorded: the chain was rewritten`)));
    expect(result.lines.join("\n")).not.toMatch(/All .* intact/);
  });

  it("V16.4.2 V11.4.1 the same rewrite re-chained with HMAC-SHA256 under a key the attacker chose (the real key id, or an invented one) is named", async () => {
    const { org, store, rows } = await signedInChain();
    const guessedKey = randomBytes(32);
    const hmac = (prev: string, row: AuditEventRow, keyId: number) =>
      createHmac("sha256", guessedKey).update(prev + canonicalEvent({ ...row, metadata: row.metadata ?? {} }, keyId)).digest("hex");
    const realId = rows[1]!.macKeyId!;
    const sameId = await withTriggersDisabled(async (tx) => {
      await rewriteAndRechain(tx, rows, (prev, row) => ({ hash: hmac(prev, row, realId), macKeyId: realId }));
      return runAuditVerify(tx, { chains: [org], stores: [store] });
    });
    expect(sameId.exitCode).toBe(1);
    expect(sameId.report.chains[0]!.firstBroken).toMatchObject({ seq: 2, problem: expect.stringMatching(/MAC does not match .*without the audit key/) });

    const invented = await withTriggersDisabled(async (tx) => {
      await rewriteAndRechain(tx, rows, (prev, row) => ({ hash: hmac(prev, row, 9_999), macKeyId: 9_999 }));
      return runAuditVerify(tx, { chains: [org], stores: [store] });
    });
    expect(invented.exitCode).toBe(1);
    expect(invented.report.chains[0]!.firstBroken).toMatchObject({ seq: 2, problem: expect.stringMatching(/names audit key 9999, which this keyring does not hold/) });
  });

  it("V16.4.2 untouched, the same chain verifies and agrees with its anchor (exit 0 for the chain)", async () => {
    const { org, store } = await signedInChain();
    const result = await runAuditVerify(getDb(), { chains: [org], stores: [store] });
    expect(result.lines[0]).toMatch(new RegExp(`^ok      ${org}: 5 event\\(s\\), up to seq 5$`));
    expect(result.anchors).toMatchObject({ status: "ok", findings: [], forged: [] });
    expect(result.exitCode).toBe(0);
  });

  it("V16.4.2 deleting the newest events and moving the head back leaves a chain that is consistent in itself, and the anchor still names the loss", async () => {
    const { org, store, rows } = await signedInChain();
    const result = await withTriggersDisabled(async (tx) => {
      await tx.delete(auditEvents).where(and(eq(auditEvents.chain, org), gte(auditEvents.seq, 4)));
      await tx.update(auditChainHeads).set({ seq: 3, hash: rows[2]!.hash, macKeyId: rows[2]!.macKeyId }).where(eq(auditChainHeads.chain, org));
      return runAuditVerify(tx, { chains: [org], stores: [store] });
    });
    expect(result.report.ok).toBe(true); // the database alone cannot tell
    expect(result.lines).toContainEqual(expect.stringMatching(new RegExp(`^ANCHOR  ${org}: the database ends at seq 3, but the anchor of .* recorded seq 5: events 4-5 are gone$`)));
    expect(result.exitCode).toBe(1);
  });
});
