import { and, eq, isNull } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { getDb } from "@/db";
import { alerts } from "@/db/schema";
import { listenToHttpSignals, resetSystemSignals, settleAlertWork } from "@/lib/alerts";
import { AppError } from "@/lib/errors";
import { onHttpSignal, type HttpSignal } from "@/lib/http";
import { formAction, route } from "./index";

/**
 * Issue 19 item 3: the wrappers do not import lib/alerts; their 5xx and 429 answers leave as signals
 * that alerts subscribe to at boot (lib/bootstrap calls listenToHttpSignals()).
 */
const failing = route({ auth: false }, () => {
  throw new Error("boom");
});
const limited = route({ auth: false }, () => {
  throw new AppError("rate_limited", 429, "Too many requests.");
});
const failingAction = formAction({ auth: false, schema: z.object({}) }, async () => {
  throw new Error("boom");
});
const call = (h: typeof failing) => h(new Request("http://localhost:3000/api/x"));

const unsubscribe: (() => void)[] = [];
afterEach(() => {
  while (unsubscribe.length) unsubscribe.pop()!();
  resetSystemSignals();
  vi.restoreAllMocks();
});

describe("the gate's signals", () => {
  it("V16.3.1 a 5xx and a 429 from route() and formAction() reach a subscriber", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const heard: HttpSignal[] = [];
    unsubscribe.push(onHttpSignal("test", (s) => heard.push(s)));
    expect((await call(failing)).status).toBe(500);
    expect((await call(limited)).status).toBe(429);
    expect((await failingAction(undefined, new FormData())).ok).toBe(false);
    expect(heard).toEqual(["http_5xx", "http_429", "http_5xx"]);
  });

  it("V16.3.1 a listener that throws does not change the answer", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    unsubscribe.push(
      onHttpSignal("broken", () => {
        throw new Error("listener bug");
      }),
    );
    const res = await call(failing);
    expect(res.status).toBe(500);
    expect((await res.json()).error.code).toBe("internal");
  });

  it("V16.3.1 with alerts listening (as at boot), a burst of 5xx answers raises the platform alert", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const openAlert = and(eq(alerts.dedupeKey, "system:http_5xx"), eq(alerts.status, "open"), isNull(alerts.organizationId));
    await getDb().delete(alerts).where(openAlert);
    resetSystemSignals();
    for (let i = 0; i < 60; i++) await call(failing);
    await settleAlertWork();
    expect(await getDb().select().from(alerts).where(openAlert), "nobody listens yet").toHaveLength(0);

    unsubscribe.push(listenToHttpSignals());
    for (let i = 0; i < 60; i++) await call(failing);
    await settleAlertWork();
    expect(await getDb().select().from(alerts).where(openAlert)).toHaveLength(1);
  });
});
