import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, inArray, sql } from "drizzle-orm";
import IORedis from "ioredis";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getDbHandle, rowsOf, swapDbHandleForTests, type DbHandle } from "@/db";
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { backupRuns, bankConnections, bankSyncRuns, webhookDeliveries, webhooks } from "@/db/schema";
import { enqueueAlertDeliveries, DELIVERY_HEADER } from "@/lib/alerts";
import { loadKeyring, seal } from "@/lib/crypto";
import { addFirewallRule } from "@/lib/firewall";
import { resetFirewallForTests } from "@/lib/firewall/cache";
import { connectSandbox } from "@/tests/support/sync";
import type { SandboxBank } from "@/sandbox-bank/bank";
import type { InstitutionState } from "@/sandbox-bank/institution-state";
import { startTestBank } from "@/tests/support/sandbox-browser";
import { makeUser } from "@/tests/factories";
import { assertBuilt, eventually, request, startInstance, stopInstance, waitReady, type Instance } from "./support";

/**
 * Issue 21: two production app processes on one PostgreSQL database and one Redis, as a customer
 * with two dynos runs them. Each case proves one thing that used to hold per process only. The
 * database is created for this file (the instances' workers would otherwise pick up other test
 * files' bank connections and deliveries); Redis keys carry a prefix of their own.
 */
const BASE = process.env.DATABASE_URL!;
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const SECRET = `cron-${randomUUID()}-${randomUUID()}`;
const RUN = `${process.pid}_${Date.now().toString(36)}`;
const PREFIX = `ck:test:two:${RUN}`;
const PORTS = [Number(process.env.E2E_PORT ?? 3100) + 61, Number(process.env.E2E_PORT ?? 3100) + 62];
const API_LIMIT = 300; // policies["api-ip"] with RATE_LIMIT_IP_MULTIPLIER=1

let dbName: string;
let admin: postgres.Sql;
let previous: DbHandle | undefined;
let sandbox: SandboxBank;
let a: Instance;
let b: Instance;
const backupRoot = mkdtempSync(join(tmpdir(), "ck-two-backups-"));
const received: string[] = [];
let receiver: http.Server;
let receiverUrl: string;

/** Requests as a client at `ip` behind Heroku's router (TRUST_PROXY=heroku), over https as the router says. */
const as = (ip: string, extra: Record<string, string> = {}) => ({ "x-forwarded-for": ip, "x-forwarded-proto": "https", ...extra });
const cron = (i: Instance, path: string) => request(`${i.url}${path}`, { method: "POST", headers: as("192.0.2.251", { authorization: `Bearer ${SECRET}` }) });
const jobsSchema = () => `pgboss_two_${RUN}`;

beforeAll(async () => {
  assertBuilt();
  const url = new URL(BASE);
  dbName = `ck_two_${RUN}`;
  admin = postgres(BASE, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}"`);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();
  // This process writes the fixtures into the instances' database, with the keyring they will load (same MASTER_KEY).
  previous = swapDbHandleForTests(openDatabase({ databaseUrl: dbUrl, pgliteDir: "memory://" }));
  await runMigrations(getDbHandle());
  await loadKeyring(getDb());

  receiver = http.createServer((req, res) => {
    received.push(String(req.headers[DELIVERY_HEADER.toLowerCase()] ?? "?"));
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  sandbox = await startTestBank({});

  const env: Record<string, string> = {
    DATABASE_URL: dbUrl,
    DATABASE_SSL: "disable",
    REDIS_URL,
    RATE_LIMIT_PREFIX: PREFIX,
    // This file proves the count is shared, not the fail-open budget (lib/ratelimit/edge-shared.test.ts
    // does): on a busy CI machine two booting instances' event loops stall past 1 s, and the edge
    // would rightly count per process for a while.
    RATE_LIMIT_EDGE_WAIT_MS: "5000",
    RATE_LIMIT_IP_MULTIPLIER: "1",
    JOBS_SCHEMA: jobsSchema(),
    MASTER_KEY: process.env.MASTER_KEY!,
    CRON_SECRET: SECRET,
    TRUST_PROXY: "heroku",
    BACKUP_TARGETS: `${join(backupRoot, "a")},${join(backupRoot, "b")}`,
    SFTP_SERVER: "off",
    SANDBOX_INSTITUTIONS: "off",
    SEED_DEMO: "false",
    MAIL_OUTBOX_DIR: join(backupRoot, "outbox"),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  a = startInstance("instance A", PORTS[0]!, env);
  b = startInstance("instance B", PORTS[1]!, env);
  await Promise.all([waitReady(a, 240_000), waitReady(b, 240_000)]);
}, 300_000); // two production servers booting (migrations, keyring, pg-boss) on a busy machine

afterAll(async () => {
  await Promise.all([stopInstance(a), stopInstance(b)]);
  await sandbox?.close();
  receiver?.close();
  const mine = swapDbHandleForTests(previous);
  // The firewall's rule source keeps the handle it was first given (addFirewallRule above registers it
  // when none is): left on this file's handle, the worker's later files would read the rules through a
  // closed connection (as db/outage.postgres.test.ts does for its proxied handle).
  resetFirewallForTests();
  await mine?.close();
  if (previous) await loadKeyring(previous.db); // the other files of this worker use the shared database's keyring
  await admin?.unsafe(`drop database if exists "${dbName}" with (force)`).catch(() => {});
  await admin?.end();
  const redis = new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => {});
  await redis.connect().catch(() => {});
  const keys = await redis.keys(`${PREFIX}*`).catch(() => [] as string[]);
  if (keys.length) await redis.del(...keys).catch(() => {});
  redis.disconnect();
  rmSync(backupRoot, { recursive: true, force: true });
}, 60_000);

const jobState = async (id: string) =>
  rowsOf<{ state: string }>(await getDb().execute(sql`select state::text as state from ${sql.identifier(jobsSchema())}.job where id = ${id}::uuid`))[0]?.state;

describe("two production instances on one PostgreSQL and one Redis", () => {
  it("V2.4.1 V15.4.2 two simultaneous backup triggers, one on each instance, make one backup; the other gets 409 with its job id", async () => {
    const [onA, onB] = await Promise.all([cron(a, "/api/cron/backup"), cron(b, "/api/cron/backup")]);
    expect([onA.status, onB.status].sort()).toEqual([202, 409]);
    const accepted = JSON.parse((onA.status === 202 ? onA : onB).body) as { job: { id: string } };
    const refused = JSON.parse((onA.status === 409 ? onA : onB).body) as { job: { id: string } };
    expect(refused.job.id).toBe(accepted.job.id);
    await eventually("the backup job to finish", 240_000, async () => ((await jobState(accepted.job.id)) === "completed" ? true : undefined), 500);
    const runs = await getDb().select().from(backupRuns).where(eq(backupRuns.kind, "backup"));
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([["cron", "succeeded"]]);
    const verifies = await getDb().select().from(backupRuns).where(eq(backupRuns.kind, "verify"));
    expect(verifies.length).toBe(runs.length); // one verification restore per backup, not two
  }, 300_000);

  it("V15.4.1 a firewall rule committed elsewhere is enforced by both instances within 1 s, with no request in between", async () => {
    const ip = "198.51.100.23";
    for (const i of [a, b]) expect((await request(`${i.url}/api/health`, { headers: as(ip) })).status).toBe(200);
    await addFirewallRule(getDb(), { scope: "global", organizationId: null, cidr: ip, action: "deny", reason: "two-instance test", expiresAt: null, createdBy: null });
    await new Promise((r) => setTimeout(r, 1_000)); // idle: the change must arrive pushed, not on the next request
    for (const i of [a, b]) {
      const res = await request(`${i.url}/api/health`, { headers: as(ip) });
      expect(res.status, `${i.name} 1 s after the rule`).toBe(403);
    }
    expect((await request(`${a.url}/api/health`, { headers: as("198.51.100.24") })).status).toBe(200);
  }, 60_000);

  it("V2.4.1 one address gets the API limit once across both instances, not once per instance", async () => {
    const ip = "203.0.113.44";
    const statuses: number[] = [];
    // A Redis answer slower than the edge's budget (a busy machine while the instances boot) makes an
    // instance count per process for 5 s, failing open by design: start the burst after any such pause.
    await new Promise((r) => setTimeout(r, 6_000));
    // The limit is a sliding window (this minute plus the last, weighted by the overlap): a burst that
    // crosses a minute boundary may rightly get a few more than the limit in all. This test proves the
    // count is shared, so the burst starts where it stays within one minute.
    const leftInMinute = 60_000 - (Date.now() % 60_000);
    if (leftInMinute < 20_000) await new Promise((r) => setTimeout(r, leftInMinute + 500));
    // 200 requests to each: per-process counting would answer all 400. An API path no route serves:
    // the proxy counts every /api/ request first, and lets an allowed one on to its cheap 401 (no session, no database).
    for (let round = 0; round < 40; round++) {
      const batch = await Promise.all([...Array(5)].flatMap(() => [a, b].map((i) => request(`${i.url}/api/no-such-route`, { headers: as(ip) }).then((r) => r.status))));
      statuses.push(...batch);
    }
    const allowed = statuses.filter((s) => s === 401).length;
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(allowed).toBeLessThanOrEqual(API_LIMIT);
    expect(allowed).toBeGreaterThan(API_LIMIT - 30); // the shared window, not a lockout
    expect(statuses.filter((s) => s === 429).length).toBe(400 - allowed);
  }, 120_000);

  it("V15.4.2 V15.4.3 one cycle on both instances syncs each due connection once", async () => {
    const { organizationId } = await makeUser();
    const harbor = sandbox.institutions[1] as InstitutionState;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await connectSandbox(getDb(), harbor, organizationId, { accounts: ["hb-sav-3002"] })).connectionId);
    const [onA, onB] = await Promise.all([cron(a, "/api/cron/sync"), cron(b, "/api/cron/sync")]);
    expect([onA.status, onB.status]).toEqual([202, 202]);
    // Both schedules read the due list (a connection already leased by the other's job, or by the
    // instances' own pg-boss cron, is not due); the stately queue holds one waiting job per connection,
    // and a job queued behind a running one finds next_sync_at ahead and does nothing.
    const cycles = [onA, onB].map((r) => JSON.parse(r.body) as { due: number; queued: number });
    for (const c of cycles) expect(c.queued).toBeLessThanOrEqual(c.due);
    await eventually("every connection synced", 120_000, async () => {
      const rows = await getDb().select({ status: bankConnections.status, at: bankConnections.lastSyncedAt }).from(bankConnections).where(inArray(bankConnections.id, ids));
      return rows.every((r) => r.at && r.status === "active") ? true : undefined;
    }, 250);
    // No sync job left waiting or running for them, and one run each.
    await eventually("the sync queue to settle", 60_000, async () => {
      const [row] = rowsOf<{ n: number }>(await getDb().execute(sql`select count(*)::int as n from ${sql.identifier(jobsSchema())}.job where name = 'sync-connection' and state in ('created', 'retry', 'active')`));
      return row?.n === 0 ? true : undefined;
    }, 250);
    const runs = await getDb().select({ id: bankSyncRuns.connectionId }).from(bankSyncRuns).where(inArray(bankSyncRuns.connectionId, ids));
    expect(runs.map((r) => r.id).sort()).toEqual([...ids].sort());
  }, 240_000);

  it("V16.4.3 every webhook delivery is sent exactly once with both instances' workers delivering", async () => {
    const { organizationId } = await makeUser();
    const id = randomUUID();
    await getDb().insert(webhooks).values({ id, organizationId, url: receiverUrl, secret: seal(`whsec_${randomUUID()}`, { table: "webhooks", column: "secret", rowId: id }), kinds: ["alerts"] });
    const payload = (n: number) => ({
      type: "alert.raised" as const,
      alert: { id: randomUUID(), rule: "test", severity: "low", title: `two-instance ${n}`, detail: "", count: 1, firstSeenAt: new Date().toISOString(), lastSeenAt: new Date().toISOString() },
    });
    for (let n = 0; n < 40; n++) await enqueueAlertDeliveries(getDb(), organizationId, payload(n));
    const [onA, onB] = await Promise.all([cron(a, "/api/cron/alerts"), cron(b, "/api/cron/alerts")]);
    expect([onA.status, onB.status]).toEqual([202, 202]);
    await eventually("all 40 delivered", 120_000, async () => {
      const rows = await getDb().select({ status: webhookDeliveries.status }).from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id));
      return rows.length === 40 && rows.every((r) => r.status === "delivered") ? true : undefined;
    }, 250);
    const ours = new Set((await getDb().select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id))).map((r) => r.id));
    const calls = received.filter((d) => ours.has(d));
    expect(calls.length).toBe(40);
    expect(new Set(calls).size).toBe(40);
  }, 180_000);
});
