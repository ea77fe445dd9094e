import { describe, expect, it } from "vitest";
import { commonPasswordCount, hashPassword, passwordProblem, verifyPassword } from "./password";

describe("password policy", () => {
  it("V6.2.1 refuses passwords shorter than 12 characters", () => {
    expect(passwordProblem("short-pass1")).toMatch(/at least 12/);
    expect(passwordProblem("long-enough-pass-x7")).toBeNull();
  });

  it("V6.2.9 accepts up to 128 characters (at least 64) and refuses more", () => {
    expect(passwordProblem("a".repeat(40) + "-unusual-phrase-" + "b".repeat(72))).toBeNull();
    expect(passwordProblem("x".repeat(129))).toMatch(/at most 128/);
  });

  it("V6.2.4 checks against a bundled list of at least 10,000 common passwords", () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
    expect(passwordProblem("password1234")).toMatch(/commonly used/);
    expect(passwordProblem("PASSWORD1234")).toMatch(/commonly used/);
  });

  it("V6.2.5 V6.2.11 sets no composition rules but refuses passwords built from the user's own context", () => {
    expect(passwordProblem("all lowercase words here")).toBeNull();
    expect(passwordProblem("chargekeep2026!", {})).toMatch(/too close/);
    expect(passwordProblem("margaret-smith1", { email: "margaret-smith@example.com" })).toMatch(/too close/);
  });

  it("V11.4.2 hashes with argon2id using OWASP parameters (m=19 MiB, t=2, p=1) and verifies", async () => {
    const h = await hashPassword("violet-harbor-lantern-93");
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, "violet-harbor-lantern-93")).toBe(true);
    expect(await verifyPassword(h, "violet-harbor-lantern-94")).toBe(false);
    expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
  });
});
