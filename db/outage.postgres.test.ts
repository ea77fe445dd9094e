import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, rowsOf, swapDbHandleForTests, type Database } from "@/db";
import { isDatabaseKnownDown, resetDatabaseAvailability } from "@/db/availability";
import { openDatabase, type DbHandle } from "@/db/client";
import { DATABASE_UNAVAILABLE_DIGEST, DatabaseUnavailableError, databaseFailureKind } from "@/db/errors";
import ErrorPage from "@/app/error";
import { GET as health } from "@/app/api/health/route";
import { GET as me } from "@/app/api/me/route";
import { requirePageSession } from "@/lib/auth";
import { resetFirewallForTests } from "@/lib/firewall/cache";
import { formAction } from "@/lib/gate";
import { proxy } from "@/proxy";
import { setRequestCookie } from "@/tests/request-context";
import { startTcpProxy, type TcpProxy } from "@/tests/tcp-proxy";
import { z } from "zod";

/**
 * A database restart, as the app sees it: the app's own client (db/client.ts, pool guard and all)
 * talks to PostgreSQL through a TCP proxy this test cuts and restores. PostgreSQL only: PGlite runs
 * inside the process and has no connection to lose (the suite reports these as skipped there).
 */
const POOL = { max: 2, connectTimeoutSeconds: 1, queueTimeoutSeconds: 1, statementTimeoutSeconds: 5, idleInTransactionTimeoutSeconds: 5 };

const since = (t: number) => performance.now() - t;
/** Polls until `check` holds, giving up after `withinMs`; returns how long it took. */
async function timeUntil(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = performance.now();
  while (since(started) < withinMs) {
    if (await check()) return since(started);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not within ${withinMs} ms`);
}
const healthStatus = async () => (await health(new Request("http://localhost:3000/api/health"))).status;
const page = (path: string) => new NextRequest(new URL(path, "http://localhost:3000"), { headers: { accept: "text/html" } });

describe("a database outage (PostgreSQL through a TCP proxy the test cuts)", () => {
  let tcp: TcpProxy;
  let handle: DbHandle;
  let previous: DbHandle | undefined;
  let direct: Database;
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => void uncaught.push(e);
  const table = `ck_outage_${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    direct = getDb();
    await direct.execute(sql.raw(`create table ${table} (id serial primary key, step text not null)`));
    const url = new URL(process.env.DATABASE_URL!);
    tcp = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${tcp.port}`;
    handle = openDatabase({ databaseUrl: url.toString(), pgliteDir: "memory://", pool: POOL });
    previous = swapDbHandleForTests(handle);
    process.on("uncaughtException", onUncaught);
    process.on("unhandledRejection", onUncaught);
    expect(await healthStatus()).toBe(200);
  });

  afterAll(async () => {
    process.off("uncaughtException", onUncaught);
    process.off("unhandledRejection", onUncaught);
    swapDbHandleForTests(previous);
    resetDatabaseAvailability();
    // The firewall's rule source keeps the handle it was first given: if that was this test's proxied
    // one, the worker's later files would read the rules through a closed connection.
    resetFirewallForTests();
    await handle?.close();
    await tcp?.close();
    // A backend whose client the proxy cut may still hold its lock on the table (PostgreSQL notices the
    // dead socket late on a busy machine): end it, or the drop waits into the statement timeout.
    await direct.execute(sql.raw(`select pg_terminate_backend(l.pid) from pg_locks l join pg_class c on c.oid = l.relation where c.relname = '${table}' and l.pid <> pg_backend_pid()`));
    await direct.execute(sql.raw(`drop table if exists ${table}`));
  });

  const rows = async () => rowsOf<{ step: string }>(await direct.execute(sql.raw(`select step from ${table} order by id`))).map((r) => r.step);

  it("V16.5.2 V2.3.3 a multi-step write cut mid-way leaves nothing, and the process survives the dead connection", async () => {
    const db = getDb();
    const write = db.transaction(async (tx) => {
      await tx.execute(sql.raw(`insert into ${table} (step) values ('first')`));
      await tcp.cut(); // the database goes away between the two steps
      await tx.execute(sql.raw(`insert into ${table} (step) values ('second')`));
    });
    await expect(write).rejects.toSatisfy((e) => e instanceof Error);
    // postgres.js writes its ROLLBACK on the dead connection from a setImmediate: give it the turn.
    await new Promise((r) => setTimeout(r, 50));
    await tcp.restore();
    expect(await rows()).toEqual([]);
    expect(uncaught).toEqual([]);
  });

  it("V16.5.2 V16.5.1 while it is unreachable: health says 503 within 1 s; the API, pages and forms answer a readable 503, never a stack trace; nothing queues; back within 2 s", async () => {
    await timeUntil(async () => (await healthStatus()) === 200, 5_000);
    await tcp.cut();
    const cutAt = performance.now();
    expect(await healthStatus()).toBe(503);
    expect(since(cutAt)).toBeLessThan(1_000); // the product's promise (README), not a tuned number

    // An API behind the session check: 503 JSON with Retry-After (lib/gate/route.ts).
    const api = await me(new Request("http://localhost:3000/api/me", { headers: { cookie: "ck_session=whatever" } }));
    expect(api.status).toBe(503);
    expect(api.headers.get("retry-after")).toMatch(/^\d+$/);
    const body = await api.json();
    expect(body.error.code).toBe("unavailable");
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|select|postgres|stack/i);

    // A form post (lib/gate/action.ts): the form comes back with the message, not a 500.
    setRequestCookie("ck_session", "whatever");
    const action = formAction({ auth: true, schema: z.object({ name: z.string() }) }, async () => ({ ok: true }));
    const form = new FormData();
    form.set("name", "Kept");
    expect(await action(undefined, form)).toMatchObject({ ok: false, message: expect.stringMatching(/temporarily unavailable/i), values: { name: "Kept" } });

    // A page: the gate marks the failure, and app/error.tsx reads it as "temporarily unavailable".
    const failure = await requirePageSession().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DatabaseUnavailableError);
    expect((failure as DatabaseUnavailableError).digest).toBe(DATABASE_UNAVAILABLE_DIGEST);
    const html = renderToStaticMarkup(createElement(ErrorPage, { error: failure as DatabaseUnavailableError, retry: () => {} }));
    expect(html).toMatch(/Temporarily unavailable/);
    expect(html).toMatch(/Try again in a moment/);

    // From now on the breaker is open and the proxy answers 503 itself: a page and an API.
    expect(isDatabaseKnownDown()).toBe(true);
    const pageRes = await proxy(page("/dashboard"));
    expect(pageRes.status).toBe(503);
    expect(pageRes.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(pageRes.headers.get("content-type")).toContain("text/html");
    expect(await pageRes.text()).toMatch(/Temporarily unavailable[\s\S]*Try again in a moment/);
    const apiRes = await proxy(new NextRequest(new URL("/api/reports/transactions.csv", "http://localhost:3000")));
    expect(apiRes.status).toBe(503);
    expect((await apiRes.json()).error.code).toBe("unavailable");
    // Nothing queues behind a dead database: more writes than the pool holds all fail as outages
    // ("connection"), none after waiting its turn ("timeout"), so none can run once it is back.
    const burst = await Promise.allSettled(Array.from({ length: POOL.max + 3 }, (_, i) => getDb().execute(sql.raw(`insert into ${table} (step) values ('burst-${i}')`))));
    expect(burst.map((r) => (r.status === "rejected" ? databaseFailureKind(r.reason) : "ran"))).toEqual(Array(POOL.max + 3).fill("connection"));
    // Health is let through to probe for itself.
    expect((await proxy(new NextRequest(new URL("/api/health", "http://localhost:3000")))).status).toBe(200);

    // Back: full service within 2 s (health, and the breaker closed so the proxy lets pages through).
    await tcp.restore();
    const back = await timeUntil(async () => (await healthStatus()) === 200 && !isDatabaseKnownDown(), 10_000);
    expect(back).toBeLessThan(2_000);
    expect((await proxy(page("/sign-in"))).status).toBe(200);
    expect((await rows()).filter((step) => step.startsWith("burst"))).toEqual([]);
    expect(uncaught).toEqual([]);
  });

  it("V2.3.3 V13.1.2 a write that cannot get a connection in time fails, and never runs later once its client has its answer", async () => {
    await timeUntil(async () => (await healthStatus()) === 200, 5_000);
    const db = getDb();
    // Both connections held by transactions that wait on the test: the pool is full.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let open = 0;
    const holders = Promise.all(
      [1, 2].map(() =>
        db.transaction(async (tx) => {
          await tx.execute(sql`select 1`);
          open++;
          await held;
        }),
      ),
    );
    try {
      await timeUntil(async () => open === 2, 5_000);
      const started = performance.now();
      const late = db.execute(sql.raw(`insert into ${table} (step) values ('late')`));
      // 503 material: a "timeout" (no connection free in time), not a bug and not an outage.
      await expect(late).rejects.toSatisfy((e) => databaseFailureKind(e) === "timeout");
      expect(since(started)).toBeGreaterThanOrEqual(POOL.queueTimeoutSeconds * 1000 - 50);
      expect(isDatabaseKnownDown()).toBe(false);
    } finally {
      release();
      await holders;
    }
    // The pool is free again and the queued insert is gone for good.
    await db.execute(sql`select 1`);
    await new Promise((r) => setTimeout(r, 200));
    expect(await rows()).not.toContain("late");
    expect(uncaught).toEqual([]);
  });
});
