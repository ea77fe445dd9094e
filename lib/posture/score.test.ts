import { describe, expect, it } from "vitest";
import { pointsFor, scorePosture, WEIGHTS, withWeight } from "./score";
import type { CheckResult, PostureState } from "./types";

const item = (key: string, state: PostureState, operatorOnly = false): CheckResult => ({
  key,
  title: key,
  state,
  finding: "f",
  why: "w",
  fix: { href: "/x", label: "l", permission: null },
  ...(operatorOnly ? { operatorOnly } : {}),
});

describe("posture score arithmetic", () => {
  it("the organization items are worth 100 points together", () => {
    expect(Object.values(WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it("ok earns the weight, a warning half of it (rounded down), failing nothing", () => {
    expect([pointsFor("ok", 15), pointsFor("warning", 15), pointsFor("failing", 15)]).toEqual([15, 7, 0]);
    expect(pointsFor("warning", 10)).toBe(5);
  });

  it("the score is the sum of the points, with one breakdown entry per scored item", () => {
    const all = Object.keys(WEIGHTS).map((k) => withWeight(item(k, "ok")));
    expect(scorePosture(all).score).toBe(100);
    const mixed = all.map((i) => (i.key === "mfa-deadline" ? { ...i, state: "failing" as const } : i.key === "mfa-adoption" ? { ...i, state: "warning" as const } : i));
    const s = scorePosture(mixed);
    expect(s.score).toBe(100 - 20 - 8);
    expect(s.breakdown.find((b) => b.key === "mfa-deadline")).toEqual({ key: "mfa-deadline", state: "failing", weight: 20, points: 0 });
    expect(s.breakdown.find((b) => b.key === "mfa-adoption")).toEqual({ key: "mfa-adoption", state: "warning", weight: 15, points: 7 });
    expect(s.breakdown).toHaveLength(all.length);
  });

  it("operator-only items weigh nothing and never move the score (the history must not depend on who looked)", () => {
    const org = Object.keys(WEIGHTS).map((k) => withWeight(item(k, "ok")));
    const platform = withWeight(item("backup-verified", "failing", true));
    expect(platform.weight).toBe(0);
    const s = scorePosture([...org, platform]);
    expect(s.score).toBe(100);
    expect(s.breakdown.map((b) => b.key)).not.toContain("backup-verified");
  });
});
