import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { makeSession, makeUser } from "@/tests/factories";
import { resetRequestContext, setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import { enqueue, stopBoss, type JobDefinition } from "./index";

const unique = `health-${process.pid}-${Date.now().toString(36)}`;
const idle: JobDefinition<object> = { queue: unique, policy: "standard", retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60, run: async () => null };
afterAll(() => stopBoss());

const callHealth = (token?: string) =>
  health(new Request("http://localhost:3000/api/health", { headers: token ? { cookie: `ck_session=${token}` } : {} }), { params: Promise.resolve({}) });

async function renderBackups(token: string): Promise<string> {
  resetRequestContext();
  setRequestCookie("ck_session", token);
  setRequestHeaders({ "x-pathname": "/admin/backups" });
  const mod = (await import("@/app/(app)/admin/backups/page")) as { default: () => Promise<ReactElement> };
  return renderToStaticMarkup(await mod.default());
}

describe("queue health for the operators", { timeout: 120_000 }, () => {
  it("V8.2.1 V16.3.3 /api/health adds waiting, active, failed and the oldest wait per queue for a signed-in operator only", async () => {
    await enqueue(idle, {});
    const operator = await makeUser({ operator: true });
    const owner = await makeUser();
    const opToken = (await makeSession(operator.user.id, operator.organizationId)).token;
    const ownerToken = (await makeSession(owner.user.id, owner.organizationId)).token;

    const detailed = (await (await callHealth(opToken)).json()) as { status: string; jobs?: { queue: string; waiting: number; active: number; failed: number; oldestWaitingSeconds: number | null }[] };
    expect(detailed.status).toBe("ok");
    expect(detailed.jobs?.find((q) => q.queue === unique)).toEqual({ queue: unique, waiting: 1, active: 0, failed: 0, oldestWaitingSeconds: expect.any(Number) });

    for (const token of [undefined, ownerToken, "forged-session-token"]) {
      const plain = (await (await callHealth(token)).json()) as Record<string, unknown>;
      expect(Object.keys(plain).sort(), String(token)).toEqual(["database", "latencyMs", "status"]);
    }
  });

  it("V8.2.1 the backups page shows operators the job queues, and an organization's owner nothing of them", async () => {
    await enqueue(idle, {});
    const operator = await makeUser({ operator: true });
    const html = await renderBackups((await makeSession(operator.user.id, operator.organizationId)).token);
    expect(html).toContain("Background jobs");
    expect(html).toContain(unique);
    expect(html).toContain("Oldest waiting");
    const owner = await makeUser();
    const tenant = await renderBackups((await makeSession(owner.user.id, owner.organizationId)).token);
    expect(tenant).not.toContain("Background jobs");
    expect(tenant).not.toContain(unique);
  });
});
