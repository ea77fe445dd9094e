import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { auditEvents, webhookDeliveries, webhooks } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { validateSessionToken } from "@/lib/auth";
import { useFakeClock } from "@/lib/clock";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeSteppedUpSession, makeUser } from "@/tests/factories";
import { backoffMs, deliverDueWebhooks, queueAuditStream } from "./delivery";
import { raiseAlert } from "./raise";
import { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhookPayload, verifyWebhookSignature } from "./signature";
import { createWebhook, deleteWebhook, getWebhookWithHistory, listWebhooks, sendTestWebhook } from "./webhooks";

const db = () => getDb();
const meta = { ip: "203.0.113.5", userAgent: "vitest", requestId: "req-webhooks" };

type Received = { body: string; signature: string; delivery: string };

/** A local receiver; `answer` decides each response's status. */
async function receiver(answer: (n: number) => number = () => 200, port = 0) {
  const received: Received[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      received.push({ body, signature: String(req.headers[SIGNATURE_HEADER.toLowerCase()]), delivery: String(req.headers[DELIVERY_HEADER.toLowerCase()]) });
      res.statusCode = answer(n++);
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/secret-path-token`;
  return { received, url, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
  // Only this file makes webhooks: retire each test's, so the next test's worker runs count only its own.
  await db().update(webhooks).set({ active: false });
  await db().update(webhookDeliveries).set({ status: "failed" }).where(eq(webhookDeliveries.status, "pending"));
});

async function admin() {
  const owner = await makeUser();
  const ctx = (await validateSessionToken(db(), (await makeSteppedUpSession(owner.user.id, owner.organizationId)).token))!;
  return { owner, ctx, org: owner.organizationId };
}

describe("webhooks", () => {
  it("V16.3.1 V11.4.1 signs alert payloads with HMAC-SHA256 over timestamp.body; the receiver verifies with the secret; a tampered body fails", async () => {
    const { ctx, org } = await admin();
    const r = await receiver();
    const { id, secret } = await createWebhook(db(), ctx, { url: r.url, kinds: ["alerts"] }, meta);
    expect(secret).toMatch(/^whsec_/);
    await expectAudited(db(), { action: "webhook.created", organizationId: org, actorUserId: ctx.user.id, targetId: id, metadata: { host: new URL(r.url).host, kinds: "alerts" } });

    await raiseAlert(db(), { organizationId: org, rule: "export_burst", severity: "medium", title: "Export burst", detail: "3 exports", dedupeKey: "wh-1" });
    expect(await deliverDueWebhooks(db())).toMatchObject({ delivered: 1 });
    const [got] = r.received;
    const payload = JSON.parse(got!.body);
    expect(payload).toMatchObject({ type: "alert.raised", organizationId: org, data: { rule: "export_burst", severity: "medium", title: "Export burst" } });
    expect(got!.delivery).toBe(payload.id);
    expect(verifyWebhookSignature({ secret, header: got!.signature, body: got!.body })).toMatchObject({ ok: true });
    expect(verifyWebhookSignature({ secret, header: got!.signature, body: got!.body.replace("medium", "low") })).toEqual({ ok: false, reason: "mismatch" });
    expect(verifyWebhookSignature({ secret: "whsec_wrong", header: got!.signature, body: got!.body })).toEqual({ ok: false, reason: "mismatch" });
    expect(verifyWebhookSignature({ secret, header: "t=abc,v1=zz", body: got!.body })).toEqual({ ok: false, reason: "malformed" });
    // a captured request replayed later is refused
    const t = Number(/t=(\d+)/.exec(got!.signature)![1]);
    expect(verifyWebhookSignature({ secret, header: got!.signature, body: got!.body, nowSeconds: t + 301 })).toEqual({ ok: false, reason: "stale" });
    expect(verifyWebhookSignature({ secret, header: signWebhookPayload(secret, "{}", 1000), body: "{}", nowSeconds: 1000 })).toMatchObject({ ok: true });
  });

  it("V16.2.5 V13.3.1 keeps the secret and the URL's path out of the audit log, and stores both encrypted", async () => {
    const { ctx, org } = await admin();
    const r = await receiver();
    const { id, secret } = await createWebhook(db(), ctx, { url: r.url, kinds: ["alerts", "audit"] }, meta);
    const events = await db().select().from(auditEvents).where(eq(auditEvents.organizationId, org));
    const dump = JSON.stringify(events);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain("secret-path-token");
    const raw = await db().execute(`select url, secret from webhooks where id = '${id}'`);
    const rawDump = JSON.stringify(raw);
    expect(rawDump).not.toContain(secret);
    expect(rawDump).not.toContain("secret-path-token");
    // the list shows a masked URL only
    const [view] = await listWebhooks(db(), ctx);
    expect(view!.url).not.toContain("secret-path-token");
  });

  it("V16.3.1 retries a receiver that is down (connection refused, then 500) with exponential backoff and delivers later", async () => {
    const clock = useFakeClock(new Date());
    const { ctx, org } = await admin();
    const down = await receiver();
    const { url, port } = down;
    await down.close();
    servers.length = 0;
    const { id } = await createWebhook(db(), ctx, { url, kinds: ["alerts"] }, meta);
    await raiseAlert(db(), { organizationId: org, rule: "export_burst", severity: "medium", title: "Retry me", detail: "d", dedupeKey: "retry" });

    expect(await deliverDueWebhooks(db())).toMatchObject({ delivered: 0, retried: 1 });
    let [d] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id));
    expect(d).toMatchObject({ status: "pending", attempts: 1 });
    expect(d!.lastError).toMatch(/ECONNREFUSED/);
    expect(d!.lastError).not.toContain("secret-path-token");
    expect(d!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(backoffMs(1));
    // not due yet: nothing is sent
    expect(await deliverDueWebhooks(db())).toMatchObject({ delivered: 0, retried: 0 });

    const up = await receiver((n) => (n === 0 ? 500 : 200), port);
    clock.advance(backoffMs(1));
    expect(await deliverDueWebhooks(db())).toMatchObject({ retried: 1 });
    [d] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id));
    expect(d).toMatchObject({ status: "pending", attempts: 2, lastStatusCode: 500 });
    expect(backoffMs(2)).toBe(2 * backoffMs(1));
    clock.advance(backoffMs(2));
    expect(await deliverDueWebhooks(db())).toMatchObject({ delivered: 1 });
    [d] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id));
    expect(d).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 200 });
    expect(up.received).toHaveLength(2);
    // the same body (and delivery id) on every attempt: the receiver can drop duplicates
    expect(up.received[0]!.body).toBe(up.received[1]!.body);
    const { history } = await getWebhookWithHistory(db(), ctx, id);
    expect(history[0]).toMatchObject({ status: "delivered", attempts: 3 });
  });

  it("V15.3.2 V1.3.6 does not follow a receiver's redirect: the delivery counts as failed and the other host hears nothing", async () => {
    const { ctx, org } = await admin();
    const elsewhere = await receiver();
    const redirecting: Server = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(307, { location: elsewhere.url }).end());
    });
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    servers.push(redirecting);
    const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hook`;
    const { id } = await createWebhook(db(), ctx, { url, kinds: ["alerts"] }, meta);
    await raiseAlert(db(), { organizationId: org, rule: "export_burst", severity: "medium", title: "Redirect me", detail: "d", dedupeKey: "redirect" });

    expect(await deliverDueWebhooks(db())).toMatchObject({ delivered: 0, retried: 1 });
    const [d] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id));
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 307 });
    expect(elsewhere.received).toHaveLength(0);
  });

  it("V16.4.3 V16.3.1 streams every audit event of the organization to audit webhooks, batched and in chain order, even across a failed batch", async () => {
    const clock = useFakeClock(new Date());
    const { ctx, org } = await admin();
    const r = await receiver((n) => (n === 0 ? 503 : 200));
    const { secret } = await createWebhook(db(), ctx, { url: r.url, kinds: ["audit"] }, meta);
    for (let i = 0; i < 120; i++) await recordAudit(db(), { organizationId: org, actorUserId: ctx.user.id, action: "role.updated", result: "success", metadata: { i } });
    expect(await queueAuditStream(db())).toBe(2);
    expect(await queueAuditStream(db())).toBe(0); // the cursor moved: nothing queued twice

    // the first batch fails: the second must wait for it
    expect(await deliverDueWebhooks(db())).toMatchObject({ delivered: 0, retried: 1 });
    expect(r.received).toHaveLength(1);
    clock.advance(backoffMs(1));
    expect(await deliverDueWebhooks(db())).toMatchObject({ delivered: 2 });
    const batches = r.received.slice(1).map((x) => {
      expect(verifyWebhookSignature({ secret, header: x.signature, body: x.body }).ok).toBe(true);
      return JSON.parse(x.body).data as { fromSeq: number; toSeq: number; events: { seq: number; action: string }[] };
    });
    const seqs = batches.flatMap((b) => b.events.map((e) => e.seq));
    expect(seqs).toHaveLength(121);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.at(-1)! - seqs[0]!).toBe(120); // contiguous
    expect(batches[0]!.events[0]!.action).toBe("webhook.created");
    expect(batches[0]!.events).toHaveLength(100);
  });

  it("V16.3.1 sends a signed test delivery and shows it in the history", async () => {
    const { ctx } = await admin();
    const r = await receiver();
    const { id, secret } = await createWebhook(db(), ctx, { url: r.url, kinds: ["alerts"] }, meta);
    const d = await sendTestWebhook(db(), ctx, id);
    expect(d).toMatchObject({ status: "delivered", kind: "test" });
    expect(verifyWebhookSignature({ secret, header: r.received[0]!.signature, body: r.received[0]!.body }).ok).toBe(true);
    expect((await getWebhookWithHistory(db(), ctx, id)).history).toHaveLength(1);
    for (let i = 0; i < 4; i++) await sendTestWebhook(db(), ctx, id);
    await expect(sendTestWebhook(db(), ctx, id)).rejects.toMatchObject({ status: 400 });
    expect(r.received).toHaveLength(5);
  });

  it("V1.3.6 refuses bad URLs: credentials, plain http to a remote host, nonsense", async () => {
    const { ctx } = await admin();
    for (const url of ["http://example.com/hook", "https://user:pw@example.com/", "not a url", "ftp://127.0.0.1/"]) {
      await expect(createWebhook(db(), ctx, { url, kinds: ["alerts"] }, meta)).rejects.toMatchObject({ status: 400 });
    }
  });

  it("V8.2.1 V8.2.2 needs security:manage and a fresh second factor; another tenant's webhook is not found", async () => {
    const { ctx, org } = await admin();
    const r = await receiver();
    const { id } = await createWebhook(db(), ctx, { url: r.url, kinds: ["alerts"] }, meta);
    const admin2 = await makeUser({ organizationId: org, role: "admin" });
    const adminCtx = (await validateSessionToken(db(), (await makeSteppedUpSession(admin2.user.id, org)).token))!;
    await expect(createWebhook(db(), adminCtx, { url: r.url, kinds: ["alerts"] }, meta)).rejects.toMatchObject({ status: 403 });
    await expect(deleteWebhook(db(), adminCtx, id, meta)).rejects.toMatchObject({ status: 403 });
    // an owner without a recent second factor
    const staleCtx = (await validateSessionToken(db(), (await makeSession(ctx.user.id, org)).token))!;
    await expect(deleteWebhook(db(), staleCtx, id, meta)).rejects.toMatchObject({ code: "step_up_required" });
    const other = await admin();
    await expect(deleteWebhook(db(), other.ctx, id, meta)).rejects.toMatchObject({ status: 404 });
    await expect(getWebhookWithHistory(db(), other.ctx, id)).rejects.toMatchObject({ status: 404 });
    await expect(sendTestWebhook(db(), other.ctx, id)).rejects.toMatchObject({ status: 404 });
    expect(await db().select().from(webhooks).where(eq(webhooks.id, id))).toHaveLength(1);

    await deleteWebhook(db(), ctx, id, meta);
    await expectAudited(db(), { action: "webhook.deleted", organizationId: org, actorUserId: ctx.user.id, targetId: id, metadata: { kinds: "alerts" } });
    expect(await db().select().from(webhooks).where(eq(webhooks.id, id))).toHaveLength(0);
  });
});
