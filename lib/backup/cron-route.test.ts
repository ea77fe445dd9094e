import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { GET, POST } from "@/app/api/cron/backup/route";
import { getDb } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { expectAudited } from "@/tests/audit";

const SECRET = "cron-secret-for-tests-0123456789abcdef";
const root = mkdtempSync(join(tmpdir(), "ck-backup-cron-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const call = (handler: typeof GET, auth?: string) =>
  handler(new Request("http://localhost:3000/api/cron/backup", { method: "POST", headers: auth ? { authorization: auth } : {} }), { params: Promise.resolve({}) });

// Each test dumps and/or restores the whole per-worker test database, which grows as the run goes on: minutes on a busy machine.
describe("/api/cron/backup", { timeout: 180_000 }, () => {
  it("V8.2.1 V13.2.1 refuses anything but the CRON_SECRET bearer, and does not exist without one", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    expect((await call(POST)).status).toBe(403);
    expect((await call(POST, `Bearer ${SECRET}x`)).status).toBe(403);
    expect((await call(POST, `Bearer ${SECRET.slice(0, -1)}`)).status).toBe(403);
    expect((await call(POST, SECRET)).status).toBe(403);
    vi.stubEnv("CRON_SECRET", "");
    expect((await call(POST, "Bearer ")).status).toBe(404);
    vi.stubEnv("CRON_SECRET", "short");
    expect((await call(POST, "Bearer short")).status).toBe(404);
  });

  it("V14.2.4 V16.3.3 runs backup, verify, prune and the copy check for the scheduler, each recorded and audited", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    vi.stubEnv("BACKUP_TARGETS", `${join(root, "region-a")},file:${join(root, "region-b")}`);
    resetEnvCache();
    const res = await call(GET, `Bearer ${SECRET}`);
    const body = (await res.json()) as {
      backup: { name: string; status: string; targets: { ok: boolean }[] };
      verify: { status: string };
      prune: { run: string; deleted: number; kept: number };
      copies: { run: string; status: string; verified: number; failed: number };
    };
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(body.backup.status).toBe("succeeded");
    expect(body.backup.targets).toHaveLength(2);
    expect(body.verify.status).toBe("succeeded");
    expect(body.prune).toEqual({ run: expect.any(String), deleted: 0, kept: 1 });
    expect(body.copies).toEqual({ run: expect.any(String), status: "succeeded", verified: 2, failed: 0 }); // both copies read back
    expect(JSON.stringify(body)).not.toMatch(/wrapped|lw1\./);
    await expectAudited(getDb(), { action: "backup.created", organizationId: null, targetId: body.backup.name, metadata: { backup: body.backup.name, status: "succeeded" } });
    await expectAudited(getDb(), { action: "backup.verified", organizationId: null, targetId: body.backup.name, metadata: { backup: body.backup.name, status: "succeeded" } });
    await expectAudited(getDb(), { action: "backup.pruned", organizationId: null, metadata: { run: body.prune.run, status: "succeeded" } });
  }, 120_000); // a backup, a scratch restore and two read-backs on a shared CPU
});
