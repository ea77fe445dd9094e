import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { and, asc, eq, gte } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { alerts, auditAnchors, auditChainHeads, auditEvents, organizations, webhookDeliveries, webhooks } from "@/db/schema";
import { deliverDueWebhooks, verifyWebhookSignature } from "@/lib/alerts";
import { createBackup, listBackups, sourceOf, type BackupSource } from "@/lib/backup";
import { useFakeClock } from "@/lib/clock";
import { installKeyring, kmsFromEnv, openKeyring, rotateAuditKey, seal } from "@/lib/crypto";
import { fileStore, type ObjectStore } from "@/lib/storage";
import { expectAudited } from "@/tests/audit";
import { anchorHeads, headsDigest } from "./anchor";
import { ANCHOR_FORMAT, anchorRecordValid, parseAnchor, type AnchorRecord } from "./anchor-format";
import { anchorKey, readAnchorText } from "./anchor-store";
import { eventMac } from "./canonical";
import { acknowledgeAnchorBreaks, anchorFolder, pruneAuditAnchors, recordAudit, selectKeptAnchors, recordAuditKeyRotation, runAuditVerify, verifyChains, writeAuditAnchor } from "./index";
import { openAuditScratch, withTriggersDisabled, type AuditScratch } from "@/tests/support/audit";

/**
 * The anchors, from the operator's and the attacker's side. A private database (openAuditScratch):
 * an anchor covers every chain in the database, and these tests roll the whole log back or rotate
 * the audit key, which the shared test database must never see.
 */
let scratch: AuditScratch;
let db: Database;
beforeAll(async () => {
  scratch = await openAuditScratch();
  db = scratch.db;
});
afterAll(async () => scratch?.dispose());

const newStore = () => fileStore(mkdtempSync(path.join(tmpdir(), "ck-anchors-")));
/** The dated anchors of a store (not its latest.json copy). */
const dated = async (store: ObjectStore) => (await store.list("audit-anchors/")).filter((o) => !o.key.endsWith("/latest.json"));

/** An S3 store whose server does not answer. */
function unreachableStore(): ObjectStore {
  const refuse = async () => Promise.reject(new Error("connect ECONNREFUSED"));
  return { location: "s3://anchors-down/chargekeep", put: refuse, get: refuse, stat: refuse, delete: refuse, list: refuse };
}

async function record(org: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await recordAudit(db, { organizationId: org, actorUserId: null, action: "role.updated", result: "success", metadata: { i } });
}

async function newOrg(): Promise<string> {
  const id = randomUUID();
  await db.insert(organizations).values({ id, name: `Org ${id.slice(0, 8)}` });
  return id;
}

describe("writing anchors", () => {
  it("V16.4.3 on schedule an anchor is written only when a chain head moved; a planted 'nothing changed' row does not silence it", async () => {
    const store = newStore();
    const org = await newOrg();
    await record(org, 2);
    const schedule = () => writeAuditAnchor(db, { reason: "schedule", onlyIfChanged: true, stores: [store] });
    const first = await schedule();
    expect(first).toMatchObject({ written: true, stored: [{ location: store.location, ok: true }] });
    expect(await schedule()).toEqual({ written: false, why: "unchanged" });
    await record(org, 1);
    const third = await schedule();
    expect(third.written && third.anchor.heads.find((h) => h.chain === org)).toMatchObject({ seq: 3 });
    expect(await dated(store)).toHaveLength(2);

    // Someone with write access plants a newer "anchor" row claiming the current heads: not signed, not believed.
    await record(org, 1);
    const heads = await anchorHeads(db);
    const fake = { format: ANCHOR_FORMAT, id: randomUUID(), createdAt: new Date(Date.now() + 60_000).toISOString(), reason: "schedule", keyId: 1, heads, mac: "0".repeat(64) };
    await db.insert(auditAnchors).values({ id: fake.id, createdAt: new Date(fake.createdAt), reason: "schedule", keyId: 1, headsDigest: headsDigest(heads), body: JSON.stringify(fake), stored: [] });
    expect((await schedule()).written).toBe(true);
    expect(await dated(store)).toHaveLength(3);
  });

  it("V16.4.3 every backup writes a signed anchor of the chain heads to its targets, under this database's audit-anchors/ folder", async () => {
    const org = await newOrg();
    await record(org, 3);
    const [head] = await db.select().from(auditChainHeads).where(eq(auditChainHeads.chain, org));
    const target = newStore();
    // This private database as the backup source (the shared one may be locked by other files' tests).
    const source: BackupSource = scratch.url ? { kind: "postgres", url: scratch.url } : sourceOf(scratch);
    const backup = await createBackup(db, source, { trigger: "cli", targets: [target] });
    expect(backup.status).toBe("succeeded");
    const anchors = (await dated(target)).map((o) => o.key);
    expect(anchors).toHaveLength(1);
    expect(anchors[0]).toMatch(/^audit-anchors\/[0-9a-f]{16}\/\d{4}-\d{2}-\d{2}\/\d{8}T\d{9}Z-backup-[0-9a-f]{8}\.json$/);
    expect(anchors[0]!.startsWith(anchorFolder())).toBe(true);
    const parsed = parseAnchor(await readAnchorText(target, anchors[0]!));
    expect(parsed.ok && parsed.anchor.reason).toBe("backup");
    expect(parsed.ok && parsed.anchor.heads.find((h) => h.chain === org)).toMatchObject({ seq: 3, mac: head!.hash });
    expect((await listBackups([target])).map((b) => b.name)).toEqual([backup.name]); // the anchors are not taken for a backup
  });

  it("V16.4.3 each scheduled anchor reaches the organization's SIEM stream as a signed record of its own chain only", async () => {
    const clock = useFakeClock(new Date());
    const [mine, other] = [await newOrg(), await newOrg()];
    const hookId = randomUUID();
    const secret = `whsec_${randomUUID()}`;
    await db.insert(webhooks).values({ id: hookId, organizationId: mine, url: "https://siem.example.com/ingest", secret: seal(secret, { table: "webhooks", column: "secret", rowId: hookId }), kinds: ["audit"] });
    await record(mine, 3);
    await record(other, 2);
    const written = await writeAuditAnchor(db, { reason: "schedule", onlyIfChanged: true, stores: [newStore()] });
    expect(written.written && written.webhookRecords).toBe(1);

    const sent: { body: string; headers: Record<string, string> }[] = [];
    const run = await deliverDueWebhooks(db, {
      send: async (_url, body, headers) => {
        sent.push({ body, headers });
        return { status: 200 };
      },
    });
    expect(run.delivered).toBe(1);
    const [delivery] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hookId));
    expect(delivery).toMatchObject({ kind: "audit", status: "delivered", auditFromSeq: 3 });
    const { body, headers } = sent[0]!;
    expect(verifyWebhookSignature({ secret, header: headers["ChargeKeep-Signature"], body, nowSeconds: Math.floor(clock.now().getTime() / 1000) }).ok).toBe(true);
    const payload = JSON.parse(body) as { type: string; organizationId: string; data: AnchorRecord };
    expect(payload).toMatchObject({ type: "audit.anchor", organizationId: mine });
    const [head] = await db.select().from(auditChainHeads).where(eq(auditChainHeads.chain, mine));
    expect(payload.data).toMatchObject({ chain: mine, seq: 3, mac: head!.hash, anchorId: written.written ? written.anchor.id : "" });
    expect(anchorRecordValid(payload.data)).toBe(true);
    expect(anchorRecordValid({ ...payload.data, seq: 2 })).toBe(false); // the record is MAC'd on its own
    expect(body).not.toContain(other); // another tenant's chain never reaches this receiver
  });
});

describe("audit:verify against the anchors", () => {
  it("V16.4.2 deleting the newest events of a chain (the head moved back too) is named per chain, while other chains carried on; exit 1", async () => {
    const store = newStore();
    const [cut, busy] = [await newOrg(), await newOrg()];
    await record(cut, 5);
    await record(busy, 1);
    await writeAuditAnchor(db, { reason: "schedule", stores: [store] });
    await record(busy, 2); // life goes on after the anchor
    const rows = await db.select().from(auditEvents).where(eq(auditEvents.chain, cut)).orderBy(asc(auditEvents.seq));
    const result = await withTriggersDisabled(async (tx) => {
      await tx.delete(auditEvents).where(and(eq(auditEvents.chain, cut), gte(auditEvents.seq, 4)));
      await tx.update(auditChainHeads).set({ seq: 3, hash: rows[2]!.hash, macKeyId: rows[2]!.macKeyId }).where(eq(auditChainHeads.chain, cut));
      return runAuditVerify(tx, { stores: [store] });
    }, db);
    expect(result.report.chains.find((c) => c.chain === cut)).toMatchObject({ ok: true, lastSeq: 3 }); // consistent in itself
    // the CLI passes its arguments: none named means every chain, for the anchor check too
    const asCli = await withTriggersDisabled(async (tx) => {
      await tx.delete(auditEvents).where(and(eq(auditEvents.chain, cut), gte(auditEvents.seq, 4)));
      await tx.update(auditChainHeads).set({ seq: 3, hash: rows[2]!.hash, macKeyId: rows[2]!.macKeyId }).where(eq(auditChainHeads.chain, cut));
      return runAuditVerify(tx, { chains: [], stores: [store] });
    }, db);
    const norm = (lines: string[]) => lines.map((l) => l.replace(/checked in [\d.]+ s/, "checked in … s"));
    expect(norm(asCli.lines)).toEqual(norm(result.lines));
    expect(asCli.exitCode).toBe(1);
    expect(result.anchors.verdict).toBe("deleted_or_rewritten");
    expect(result.lines).toContainEqual(expect.stringMatching(new RegExp(`^ANCHOR  ${cut}: the database ends at seq 3, but the anchor of .* recorded seq 5: events 4-5 are gone$`)));
    expect(result.lines).toContainEqual(expect.stringMatching(/^ANCHOR  Events that the anchor of .* recorded are gone or different in 1 chain\(s\), while other chains have moved on past it: they were deleted or rewritten/));
    expect(result.exitCode).toBe(1);
  });

  it("V16.4.2 a database rolled back to an earlier copy is recognised as one: behind the newest anchor, agreeing with an older one; exit 1", async () => {
    const clock = useFakeClock(new Date());
    const store = newStore();
    const [a, b] = [await newOrg(), await newOrg()];
    await record(a, 2);
    await record(b, 2);
    const older = await writeAuditAnchor(db, { reason: "backup", stores: [store] });
    // the copy a restore would bring back
    const copy = { events: await db.select().from(auditEvents), heads: await db.select().from(auditChainHeads) };
    clock.advance(60_000);
    await record(a, 3);
    await record(b, 1);
    await writeAuditAnchor(db, { reason: "schedule", stores: [store] });

    expect((await runAuditVerify(db, { stores: [store] })).exitCode).toBe(0); // before the rollback: all agree

    const result = await withTriggersDisabled(async (tx) => {
      await tx.delete(auditEvents);
      await tx.delete(auditChainHeads);
      await tx.insert(auditEvents).values(copy.events);
      await tx.insert(auditChainHeads).values(copy.heads);
      return runAuditVerify(tx, { stores: [store] });
    }, db);
    expect(result.report.ok).toBe(true); // the older copy is consistent in itself
    expect(result.anchors.verdict).toBe("rolled_back");
    expect(result.anchors.matchesOlder).toMatchObject({ createdAt: older.written ? older.anchor.createdAt : "" });
    expect(result.lines).toContainEqual(expect.stringMatching(new RegExp(`^ANCHOR  ${a}: the database ends at seq 2, but the anchor of .* recorded seq 5: events 3-5 are gone$`)));
    expect(result.lines).toContainEqual(expect.stringMatching(new RegExp(`^ANCHOR  ${b}: the database ends at seq 2, but the anchor of .* recorded seq 3: event 3 is gone$`)));
    expect(result.lines).toContainEqual(expect.stringMatching(/^ANCHOR  The database looks like an older copy \(restored from an earlier backup or snapshot\?\).*It still agrees with the older anchor of/));
    expect(result.exitCode).toBe(1);
  });

  it("V16.4.2 the next anchors cannot bless a rolled-back database: the break is recorded, carried on and alerted; only an operator with the key accepts it", async () => {
    const clock = useFakeClock(new Date());
    const store = newStore();
    const org = await newOrg();
    await record(org, 2);
    await writeAuditAnchor(db, { reason: "backup", stores: [store] });
    const copy = { events: await db.select().from(auditEvents), heads: await db.select().from(auditChainHeads) };
    clock.advance(60_000);
    await record(org, 2);
    await writeAuditAnchor(db, { reason: "schedule", stores: [store] });

    await withTriggersDisabled(async (tx) => {
      await tx.delete(auditEvents);
      await tx.delete(auditChainHeads);
      await tx.insert(auditEvents).values(copy.events);
      await tx.insert(auditChainHeads).values(copy.heads);
      // The app carries on: its timer anchors the rolled-back state, and new events arrive.
      clock.advance(60_000);
      const next = await writeAuditAnchor(tx, { reason: "schedule", onlyIfChanged: true, stores: [store] });
      expect(next.written && next.newBreaks).toEqual([expect.objectContaining({ chain: org, seq: 4, foundSeq: 2 })]);
      const [alert] = await tx.select().from(alerts).where(eq(alerts.rule, "audit.rollback_detected"));
      expect(alert).toMatchObject({ severity: "critical", status: "open", detail: expect.stringContaining(org) });
      await recordAudit(tx, { organizationId: org, actorUserId: null, action: "role.updated", result: "success" });
      clock.advance(60_000);
      const later = await writeAuditAnchor(tx, { reason: "schedule", onlyIfChanged: true, stores: [store] });
      expect(later.written && later.anchor.breaks).toEqual([expect.objectContaining({ chain: org, seq: 4, foundSeq: 2 })]);

      const carried = await runAuditVerify(tx, { stores: [store] });
      expect(carried.anchors.verdict).toBe("went_back_earlier");
      expect(carried.lines).toContainEqual(expect.stringMatching(new RegExp(`^ANCHOR  ${org}: at .* the anchor writer found seq 2 where the anchor of .* had seq 4: events were deleted or an older copy of the database was restored then`)));
      expect(carried.exitCode).toBe(1);

      // A restore done on purpose: the operator says so, with the key; verify then passes and still tells.
      clock.advance(60_000);
      const ack = await acknowledgeAnchorBreaks(tx, { reason: "Restored the 02:00 backup after the disk failure", stores: [store] });
      expect(ack.acknowledged).toBe(1);
      await expectAudited(tx, { action: "audit.rollback_acknowledged", organizationId: null, metadata: { chains: 1, reason: "Restored the 02:00 backup after the disk failure" } });
      clock.advance(60_000);
      await writeAuditAnchor(tx, { reason: "schedule", onlyIfChanged: true, stores: [store] });
      const accepted = await runAuditVerify(tx, { stores: [store] });
      expect(accepted.lines).toContainEqual(expect.stringMatching(new RegExp(`^note    ${org}: events after seq 2 \\(anchored up to seq 4 at .*\\) were accepted as lost at .*: "Restored the 02:00 backup after the disk failure"$`)));
      expect(accepted.exitCode).toBe(0);
    }, db);
  });

  it("V16.4.2 V16.5.2 a rollback while the anchor stores were unreachable is still caught once they answer again", async () => {
    const clock = useFakeClock(new Date());
    const store = newStore();
    const org = await newOrg();
    await record(org, 2);
    await writeAuditAnchor(db, { reason: "backup", stores: [store] });
    const copy = { events: await db.select().from(auditEvents), heads: await db.select().from(auditChainHeads), anchors: await db.select().from(auditAnchors) };
    clock.advance(60_000);
    await record(org, 2);
    await writeAuditAnchor(db, { reason: "schedule", stores: [store] });

    const result = await withTriggersDisabled(async (tx) => {
      // A whole-database restore: the anchors log goes back with the rest.
      for (const table of [auditEvents, auditChainHeads, auditAnchors]) await tx.delete(table);
      await tx.insert(auditEvents).values(copy.events);
      await tx.insert(auditChainHeads).values(copy.heads);
      await tx.insert(auditAnchors).values(copy.anchors);
      await recordAudit(tx, { organizationId: org, actorUserId: null, action: "role.updated", result: "success" });
      clock.advance(60_000);
      const blind = await writeAuditAnchor(tx, { reason: "schedule", onlyIfChanged: true, stores: [unreachableStore()] });
      expect(blind.written && blind.newBreaks).toEqual([]); // it only knows the rolled-back log
      clock.advance(60_000);
      const back = await writeAuditAnchor(tx, { reason: "schedule", onlyIfChanged: true, stores: [store] });
      expect(back.written && back.newBreaks).toEqual([expect.objectContaining({ chain: org, seq: 4, foundSeq: 3 })]);
      return runAuditVerify(tx, { stores: [store] });
    }, db);
    expect(result.anchors.verdict).toBe("went_back_earlier");
    expect(result.exitCode).toBe(1);
  });

  it("V16.4.2 a forged anchor (bad MAC) is reported as forged and not used: the database is checked against the newest genuine one; exit 1", async () => {
    const clock = useFakeClock(new Date());
    const store = newStore();
    const org = await newOrg();
    await record(org, 3);
    const genuine = await writeAuditAnchor(db, { reason: "schedule", stores: [store] });
    if (!genuine.written) throw new Error("no anchor written");
    // A newer "anchor" claiming the chain had more events, MAC'd with a key of the forger's choosing.
    clock.advance(60_000);
    const heads = genuine.anchor.heads.map((h) => (h.chain === org ? { ...h, seq: 9 } : h));
    const forged = { ...genuine.anchor, id: randomUUID(), createdAt: clock.now().toISOString(), heads };
    forged.mac = createHmac("sha256", randomBytes(32)).update(JSON.stringify(forged)).digest("hex");
    const forgedKey = anchorKey(forged);
    await store.put(forgedKey, Readable.from([Buffer.from(JSON.stringify(forged))]));

    const result = await runAuditVerify(db, { stores: [store] });
    expect(result.anchors.forged).toEqual([{ location: store.location, key: forgedKey, problem: "its MAC does not match its contents" }]);
    expect(result.lines).toContainEqual(`FORGED  anchor ${forgedKey} in ${store.location}: its MAC does not match its contents. Ignored as evidence; someone wrote to the anchor store, or the file is damaged.`);
    expect(result.anchors.anchor).toMatchObject({ key: anchorKey(genuine.anchor) });
    expect(result.anchors.findings).toEqual([]); // seq 9 was never believed
    expect(result.exitCode).toBe(1);
  });

  it("V16.4.2 V16.5.3 with no reachable anchor store, or no anchor in it, verify says the outside check was not done and exits 1", async () => {
    const org = await newOrg();
    await record(org, 1);
    const down = unreachableStore();
    const unreachable = await runAuditVerify(db, { stores: [down] });
    expect(unreachable.report.ok).toBe(true);
    expect(unreachable.anchors.status).toBe("unreachable");
    expect(unreachable.lines).toContainEqual("UNREACHABLE  anchor store s3://anchors-down/chargekeep: connect ECONNREFUSED");
    expect(unreachable.lines).toContainEqual("ANCHORS  none of the anchor stores (s3://anchors-down/chargekeep) could be read: the database was NOT checked against anything outside it.");
    expect(unreachable.exitCode).toBe(1);

    const empty = newStore();
    const none = await runAuditVerify(db, { stores: [empty] });
    expect(none.lines).toContainEqual(expect.stringMatching(/^ANCHORS  no anchor found in .*: the database could NOT be checked against anything outside it/));
    expect(none.exitCode).toBe(1);

    // A failing store does not stop the anchor reaching the others.
    const ok = newStore();
    const written = await writeAuditAnchor(db, { reason: "manual", stores: [down, ok] });
    expect(written.written && written.stored).toEqual([
      { location: down.location, ok: false, error: "connect ECONNREFUSED" },
      { location: ok.location, ok: true },
    ]);
  });
});

describe("several databases, one store", () => {
  it("V16.4.3 each database keeps its anchors in its own folder: another database's anchors are neither forged nor a rollback here", async () => {
    const store = newStore();
    const org = await newOrg();
    await record(org, 2);
    await writeAuditAnchor(db, { reason: "schedule", stores: [store] });
    const mine = anchorFolder();
    const other = await openAuditScratch(); // e.g. staging, or a test run, with the same BACKUP_TARGETS
    try {
      await recordAudit(other.db, { organizationId: randomUUID(), actorUserId: null, action: "role.updated", result: "success" });
      const theirs = await writeAuditAnchor(other.db, { reason: "schedule", stores: [store] });
      expect(theirs.written && theirs.key.startsWith(anchorFolder())).toBe(true);
      expect(anchorFolder()).not.toBe(mine);
    } finally {
      await other.dispose(); // puts this file's keyring back
    }
    expect(anchorFolder()).toBe(mine);
    const result = await runAuditVerify(db, { stores: [store] });
    expect(result.anchors).toMatchObject({ status: "ok", forged: [], findings: [] });
    expect(result.exitCode).toBe(0);
  });
});

describe("audit key rotation", () => {
  it("V13.3.4 V16.4.2 after the audit key is rotated, old events still verify under their key (found by id in the keyring), new ones use the new key, and re-signing with the rotated-out key is refused", async () => {
    const org = await newOrg();
    await record(org, 2);
    const store = newStore();
    const before = await writeAuditAnchor(db, { reason: "schedule", stores: [store] });
    const rotated = await rotateAuditKey(db, scratch.keyring, { graceMs: 0 });
    await recordAuditKeyRotation(db, rotated);
    await expectAudited(db, { action: "audit.key_rotated", organizationId: null, targetId: String(rotated.keyId) });
    await record(org, 2);
    const rows = await db.select().from(auditEvents).where(eq(auditEvents.chain, org)).orderBy(asc(auditEvents.seq));
    expect(rows.map((r) => r.macKeyId)).toEqual([rotated.previous, rotated.previous, rotated.keyId, rotated.keyId]);
    expect(rotated.keyId).toBeGreaterThan(rotated.previous!);

    // A fresh keyring, as audit:verify opens it from the database: every key id resolves.
    const fresh = await openKeyring(db, kmsFromEnv(), { create: false });
    const restore = installKeyring(fresh);
    try {
      expect(await verifyChains(db, { chains: [org] })).toMatchObject({ ok: true, events: 4 });
      const after = await writeAuditAnchor(db, { reason: "schedule", stores: [store] });
      expect(before.written && before.anchor.keyId).toBe(rotated.previous);
      expect(after.written && after.anchor.keyId).toBe(rotated.keyId);
      const result = await runAuditVerify(db, { chains: [org], stores: [store] });
      expect(result.exitCode).toBe(0);
    } finally {
      restore();
    }

    // Whoever holds the old key (leaked, then rotated out) rewrites the newest event with it.
    const report = await withTriggersDisabled(async (tx) => {
      const last = rows[3]!;
      const forged = { ...last, metadata: { i: 99 } };
      const mac = eventMac(rotated.previous!, last.prevHash, forged);
      await tx.update(auditEvents).set({ metadata: forged.metadata, hash: mac, macKeyId: rotated.previous }).where(eq(auditEvents.id, last.id));
      await tx.update(auditChainHeads).set({ hash: mac, macKeyId: rotated.previous }).where(eq(auditChainHeads.chain, org));
      return verifyChains(tx, { chains: [org] });
    }, db);
    expect(report.chains[0]!.firstBroken).toMatchObject({ seq: 4, problem: expect.stringMatching(new RegExp(`signed with audit key ${rotated.previous}, older than key ${rotated.keyId} of the event before it`)) });
  });

  it("V11.2.2 anchors name their format and key: a document in another shape is not an anchor", () => {
    expect(parseAnchor("{}")).toEqual({ ok: false, problem: "not an anchor document (unexpected fields or format)" });
    expect(parseAnchor("not json")).toEqual({ ok: false, problem: "not an anchor document (unreadable JSON)" });
  });
});

describe("anchor retention", () => {
  it("V14.2.7 V16.4.3 keeps every anchor of the last two days, the newest of each older day and every backup's anchor, in the stores and the log; verify answers as before", async () => {
    const store = newStore();
    const org = await newOrg();
    // In the future, past every anchor the other tests wrote, so the writer continues from these.
    const day0 = new Date(Date.now() + 40 * 86_400_000);
    day0.setUTCHours(0, 0, 0, 0);
    const clock = useFakeClock(new Date(day0.getTime() + 3_600_000));
    for (let d = 0; d < 4; d++) {
      for (let i = 0; i < 3; i++) {
        await record(org, 1);
        await writeAuditAnchor(db, { reason: "schedule", onlyIfChanged: true, stores: [store] });
        clock.advance(3_600_000);
      }
      if (d === 0) {
        await record(org, 1);
        await writeAuditAnchor(db, { reason: "backup", stores: [store] });
      }
      clock.advance(86_400_000 - 3 * 3_600_000);
    }
    const before = await runAuditVerify(db, { chains: [org], stores: [store] });
    const ours = async () => (await db.select().from(auditAnchors).where(gte(auditAnchors.createdAt, day0))).length;
    expect(await dated(store)).toHaveLength(13);
    expect(await ours()).toBe(13);

    const pruned = await pruneAuditAnchors(db, [store], clock.now());
    expect(pruned).toEqual({ deleted: 4, errors: [] });
    const left = (await dated(store)).map((o) => o.key);
    const dayOf = (n: number) => new Date(day0.getTime() + n * 86_400_000).toISOString().slice(0, 10);
    expect(left.filter((k) => k.includes(`/${dayOf(0)}/`))).toEqual(expect.arrayContaining([expect.stringMatching(/-backup-/), expect.stringMatching(/T03\d+Z-schedule-/)]));
    expect(left.filter((k) => k.includes(`/${dayOf(0)}/`))).toHaveLength(2);
    expect(left.filter((k) => k.includes(`/${dayOf(1)}/`))).toEqual([expect.stringMatching(/T03\d+Z-schedule-/)]);
    expect(left.filter((k) => k.includes(`/${dayOf(2)}/`) || k.includes(`/${dayOf(3)}/`))).toHaveLength(6);
    expect(await ours()).toBe(9);

    const after = await runAuditVerify(db, { chains: [org], stores: [store] });
    expect(after.exitCode).toBe(before.exitCode);
    expect(after.anchors.verdict).toBe(before.anchors.verdict);
    expect(await pruneAuditAnchors(db, [store], clock.now())).toEqual({ deleted: 0, errors: [] }); // idempotent
  });

  it("V14.2.7 anchors outside the naming scheme are never deleted; an unreachable store is reported, not thrown", async () => {
    const at = new Date("2026-06-10T12:00:00Z");
    const keys = [
      "audit-anchors/ns/2026-06-01/20260601T010000000Z-schedule-aaaaaaaa.json",
      "audit-anchors/ns/2026-06-01/20260601T020000000Z-schedule-bbbbbbbb.json",
      "audit-anchors/ns/2026-06-01/20260601T003000000Z-backup-cccccccc.json",
      "audit-anchors/ns/2026-06-01/notes.json",
      "audit-anchors/ns/2026-06-09/20260609T010000000Z-schedule-dddddddd.json",
      "audit-anchors/ns/2026-06-09/20260609T020000000Z-schedule-eeeeeeee.json",
    ];
    expect([...selectKeptAnchors(keys, at)].sort()).toEqual(keys.filter((k) => !k.includes("aaaaaaaa")).sort());
    expect(await pruneAuditAnchors(db, [unreachableStore()], at)).toEqual({ deleted: 0, errors: [{ location: "s3://anchors-down/chargekeep", error: "connect ECONNREFUSED" }] });
  });
});
