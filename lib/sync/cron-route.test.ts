import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GET, POST } from "@/app/api/cron/sync/route";
import * as sync from "@/lib/sync";

// The route's own job is the credential check; which connections are due and how they are queued is
// enqueueDueSyncs' (sync.test.ts, jobs.test.ts).
// Stubbed so this file never syncs another test file's connections in the shared database. A spy on
// the shared module, not vi.mock: test files share one module graph (isolate: false), and a module
// another file loaded first would not see a vi.mock made here.
const enqueueDueSyncs = vi.spyOn(sync, "enqueueDueSyncs");
afterAll(() => enqueueDueSyncs.mockRestore());

const SECRET = "cron-secret-for-tests-0123456789abcdef";
const call = (handler: typeof GET, auth?: string) =>
  handler(new Request("http://localhost:3000/api/cron/sync", { method: "POST", headers: auth ? { authorization: auth } : {} }), { params: Promise.resolve({}) });

describe("/api/cron/sync", () => {
  beforeEach(() => {
    enqueueDueSyncs.mockReset();
    enqueueDueSyncs.mockResolvedValue({ due: 3, queued: 2 });
  });

  it("V8.2.1 V13.2.1 enqueues the due syncs only for the CRON_SECRET bearer", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    expect((await call(POST)).status).toBe(403);
    expect((await call(POST, `Bearer ${SECRET}x`)).status).toBe(403);
    expect((await call(POST, `Bearer ${SECRET.slice(0, -1)}`)).status).toBe(403);
    expect((await call(POST, SECRET)).status).toBe(403);
    expect(enqueueDueSyncs).not.toHaveBeenCalled();
    const ok = await call(GET, `Bearer ${SECRET}`);
    expect(ok.status).toBe(202); // queued for the workers, not run in the request
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(await ok.json()).toEqual({ due: 3, queued: 2 });
    expect(enqueueDueSyncs).toHaveBeenCalledTimes(1);
  });

  it("V13.2.1 does not exist without a (long enough) CRON_SECRET", async () => {
    vi.stubEnv("CRON_SECRET", "");
    expect((await call(POST, "Bearer ")).status).toBe(404);
    vi.stubEnv("CRON_SECRET", "short");
    expect((await call(POST, "Bearer short")).status).toBe(404);
    expect(enqueueDueSyncs).not.toHaveBeenCalled();
  });
});
