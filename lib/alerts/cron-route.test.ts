import { describe, expect, it, vi } from "vitest";
import { GET, POST } from "@/app/api/cron/alerts/route";

const SECRET = "cron-secret-for-tests-0123456789abcdef";
const call = (handler: typeof GET, auth?: string) =>
  handler(new Request("http://localhost:3000/api/cron/alerts", { method: "POST", headers: auth ? { authorization: auth } : {} }), { params: Promise.resolve({}) });

describe("/api/cron/alerts", () => {
  it("V8.2.1 V13.2.1 runs the delivery worker only for the CRON_SECRET bearer", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    expect((await call(POST)).status).toBe(403);
    expect((await call(POST, `Bearer ${SECRET}x`)).status).toBe(403);
    expect((await call(POST, SECRET)).status).toBe(403);
    const ok = await call(GET, `Bearer ${SECRET}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ delivered: expect.any(Number), retried: expect.any(Number), failed: expect.any(Number), auditBatchesQueued: expect.any(Number) });
  });

  it("V13.2.1 does not exist without a (long enough) CRON_SECRET", async () => {
    vi.stubEnv("CRON_SECRET", "");
    expect((await call(POST, "Bearer ")).status).toBe(404);
    vi.stubEnv("CRON_SECRET", "short");
    expect((await call(POST, "Bearer short")).status).toBe(404);
  });
});
