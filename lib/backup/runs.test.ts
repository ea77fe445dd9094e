import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { backupRuns } from "@/db/schema";
import { useFakeClock } from "@/lib/clock";
import { finishRun, HEARTBEAT_MS, markInterruptedRuns, STALE_MS, startRun } from "./runs";

const db = () => getDb();
// Long ago, so runs other tests start meanwhile (with today's heartbeats) are never in play.
const T = new Date("2020-03-01T12:00:00Z");
const statusOf = async (id: string) => (await db().select().from(backupRuns).where(eq(backupRuns.id, id)))[0]!;

afterEach(() => vi.useRealTimers());

describe("backup runs left by a crashed process (lib/backup/runs.ts)", () => {
  it("V15.4.3 a run whose heartbeat stopped is shown as interrupted; one that is still beating is not", async () => {
    const [dead] = await db()
      .insert(backupRuns)
      .values({ kind: "backup", trigger: "cron", startedAt: T, heartbeatAt: T })
      .returning({ id: backupRuns.id });
    const [fresh] = await db()
      .insert(backupRuns)
      .values({ kind: "backup", trigger: "cron", startedAt: T, heartbeatAt: new Date(T.getTime() + STALE_MS) })
      .returning({ id: backupRuns.id });
    const marked = await markInterruptedRuns(db(), new Date(T.getTime() + STALE_MS + 1_000));
    expect(marked).toContain(dead!.id);
    expect(marked).not.toContain(fresh!.id);
    expect(await statusOf(dead!.id)).toMatchObject({ status: "interrupted", error: expect.stringMatching(/stopped before it finished/) });
    expect((await statusOf(dead!.id)).finishedAt).not.toBeNull();
    expect((await statusOf(fresh!.id)).status).toBe("running");
  });

  it("V15.4.3 a long run keeps its heartbeat while it works, so it is never marked interrupted, and finishes normally", async () => {
    const clock = useFakeClock(T);
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const id = await startRun(db(), "backup", "cli");
    // Ten minutes of work, one beat every HEARTBEAT_MS.
    for (let t = 0; t < 10 * 60_000; t += HEARTBEAT_MS) {
      clock.advance(HEARTBEAT_MS);
      vi.advanceTimersByTime(HEARTBEAT_MS);
      await vi.waitFor(async () => expect((await statusOf(id)).heartbeatAt!.getTime()).toBe(clock.now().getTime()));
    }
    expect(await markInterruptedRuns(db(), clock.now())).not.toContain(id);
    expect((await statusOf(id)).status).toBe("running");
    await finishRun(db(), id, { status: "succeeded" }, { action: "backup.created", metadata: {} });
    expect((await statusOf(id)).status).toBe("succeeded");
  });
});
