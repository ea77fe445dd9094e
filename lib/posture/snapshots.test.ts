import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { postureSnapshots } from "@/db/schema";
import { resetClock, useFakeClock } from "@/lib/clock";
import { jobSchedules } from "@/lib/workers";
import { makeTotpFactor, makeUser } from "@/tests/factories";
import { evaluatePosture, postureHistory, POSTURE_SNAPSHOT_CRON, saveSnapshot, snapshotAllOrganizations } from ".";

const db = () => getDb();
const rowsOf = (organizationId: string) => db().select().from(postureSnapshots).where(eq(postureSnapshots.organizationId, organizationId));

afterEach(() => resetClock());

describe("posture history", () => {
  it("one snapshot per organization per day: a second write the same day replaces the first, the next day adds a point", async () => {
    const owner = await makeUser();
    const org = owner.organizationId;
    const clock = useFakeClock(new Date("2031-03-04T08:00:00Z"));
    await saveSnapshot(db(), org, await evaluatePosture(db(), org));
    const first = (await rowsOf(org))[0]!;
    await makeTotpFactor(owner.user.id);
    clock.advance(6 * 3_600_000);
    await saveSnapshot(db(), org, await evaluatePosture(db(), org));
    const sameDay = await rowsOf(org);
    expect(sameDay).toHaveLength(1);
    expect(sameDay[0]!.day).toBe("2031-03-04");
    expect(sameDay[0]!.score).toBeGreaterThan(first.score);
    expect(sameDay[0]!.breakdown.find((b) => b.key === "mfa-adoption")).toMatchObject({ state: "ok", points: 15, weight: 15 });

    clock.advance(24 * 3_600_000);
    await saveSnapshot(db(), org, await evaluatePosture(db(), org));
    expect(await postureHistory(db(), org)).toEqual([
      { day: "2031-03-04", score: sameDay[0]!.score },
      { day: "2031-03-05", score: sameDay[0]!.score },
    ]);
  });

  it("V8.2.2 the history of one organization holds none of another's points", async () => {
    const a = await makeUser();
    const b = await makeUser();
    await saveSnapshot(db(), b.organizationId, { score: 42, breakdown: [] });
    expect(await postureHistory(db(), a.organizationId)).toEqual([]);
    expect((await postureHistory(db(), b.organizationId)).map((p) => p.score)).toEqual([42]);
  });

  it("the daily job writes today's snapshot for every organization with an active member, on a daily cron", async () => {
    expect(jobSchedules().schedules.find((s) => s.def.queue === "posture-snapshot")?.cron).toBe(POSTURE_SNAPSHOT_CRON);
    const owner = await makeUser();
    useFakeClock(new Date("2031-05-06T03:23:00Z"));
    const result = await snapshotAllOrganizations(db());
    expect(result.written).toBeGreaterThan(0);
    expect(result.failed).toBe(0);
    const [row] = await db()
      .select()
      .from(postureSnapshots)
      .where(and(eq(postureSnapshots.organizationId, owner.organizationId), eq(postureSnapshots.day, "2031-05-06")));
    expect(row?.score).toBe((await evaluatePosture(db(), owner.organizationId)).score);
  });
});
