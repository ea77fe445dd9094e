import { describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { notifyAnchor, onAuditRecorded, subscribeToAnchorNotices, subscribeToAuditEvents } from "./listeners";
import type { StoredAuditEvent } from "./record";

/**
 * A module evaluated twice in one process (dev reloads, tests that reset modules) subscribes a second
 * copy of its listener: it must replace the first, or every alert rule would count each event twice.
 */
describe("audit subscribers", () => {
  it("V16.3.1 a listener subscribed again under its name replaces the old copy: each event is heard once", async () => {
    const heard: string[] = [];
    subscribeToAuditEvents("listeners-test", async () => void heard.push("old copy"));
    subscribeToAuditEvents("listeners-test", async () => void heard.push("new copy"));
    await onAuditRecorded({} as Database, { action: "role.updated" } as StoredAuditEvent);
    expect(heard).toEqual(["new copy"]);
    subscribeToAuditEvents("listeners-test", async () => {}); // leave a harmless listener behind

    subscribeToAnchorNotices("listeners-test", async () => 5);
    subscribeToAnchorNotices("listeners-test", async () => 1);
    const before = await notifyAnchor({} as Database, { kind: "records", items: [] });
    subscribeToAnchorNotices("listeners-test", async () => 0);
    expect(before - (await notifyAnchor({} as Database, { kind: "records", items: [] }))).toBe(1);
  });
});
