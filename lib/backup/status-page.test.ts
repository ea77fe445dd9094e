import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it, vi } from "vitest";
import { getDb, getDbHandle } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { makeSession, makeUser, type BuiltInRole } from "@/tests/factories";
import { resetRequestContext, setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import { createBackup, sourceOf } from ".";

const root = mkdtempSync(join(tmpdir(), "ck-backup-page-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function render(token: string): Promise<{ outcome: "ok" | "forbidden"; html?: string }> {
  resetRequestContext();
  setRequestCookie("ck_session", token);
  setRequestHeaders({ "x-pathname": "/admin/backups" });
  const mod = (await import("@/app/(app)/admin/backups/page")) as { default: () => Promise<ReactElement> };
  try {
    return { outcome: "ok", html: renderToStaticMarkup(await mod.default()) };
  } catch (e) {
    if (String((e as { digest?: string }).digest ?? "").endsWith(";403")) return { outcome: "forbidden" };
    throw e;
  }
}

// Each test dumps and/or restores the whole per-worker test database, which grows as the run goes on: minutes on a busy machine.
describe("/admin/backups status page", { timeout: 180_000 }, () => {
  it("V8.2.1 needs backups:read: only the owner sees it", async () => {
    const owner = await makeUser();
    for (const role of ["admin", "accountant", "member", "viewer"] as BuiltInRole[]) {
      const m = await makeUser({ organizationId: owner.organizationId, role });
      expect((await render((await makeSession(m.user.id, owner.organizationId)).token)).outcome, role).toBe("forbidden");
    }
    expect((await render((await makeSession(owner.user.id, owner.organizationId)).token)).outcome).toBe("ok");
  });

  it("V14.2.6 V13.4.6 shows the last backup, per-target state and history, without storage paths or errors", async () => {
    const dir = join(root, "secret-location-name");
    vi.stubEnv("BACKUP_TARGETS", `${dir},${join(root, "blocked-file")}`);
    resetEnvCache();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(root, "blocked-file"), "x");
    const result = await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "admin" });
    expect(result.status).toBe("partial");
    const owner = await makeUser();
    const page = await render((await makeSession(owner.user.id, owner.organizationId)).token);
    expect(page.html).toContain("Target 1 (directory)");
    expect(page.html).toContain(result.name);
    expect(page.html).toContain("partial");
    expect(page.html).not.toContain("secret-location-name");
    expect(page.html).not.toContain("ENOTDIR");
  });
});
