import { describe, expect, it, vi } from "vitest";
import { stubEnv } from "@/tests/env";
import { relyingParty } from "./config";
import { isCounterRegression } from "./counter";

describe("signature counter rule", () => {
  it.each([
    [0, 0, false], // authenticator without a counter (most synced passkeys)
    [0, 1, false],
    [5, 6, false],
    [5, 500, false],
    [5, 5, true], // replayed or cloned: the same value twice
    [5, 4, true], // the other copy is behind
    [5, 0, true], // a key that counted stops counting: treated as a copy too (WebAuthn §7.2 step 21)
  ])("V6.5.6 stored %i, received %i: regression = %s", (stored, received, regression) => {
    expect(isCounterRegression(stored, received)).toBe(regression);
  });
});

describe("relying party from configuration", () => {
  it("V6.7.2 defaults to APP_URL's host name and origin", () => {
    vi.stubEnv("WEBAUTHN_RP_ID", undefined);
    vi.stubEnv("WEBAUTHN_ORIGINS", undefined);
    stubEnv({ APP_URL: "https://app.chargekeep.example:8443/base" });
    expect(relyingParty()).toEqual({ id: "app.chargekeep.example", name: "ChargeKeep", origins: ["https://app.chargekeep.example:8443"] });
  });

  it("V6.7.2 WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME and WEBAUTHN_ORIGINS (comma-separated) override it", () => {
    stubEnv({
      APP_URL: "https://app.chargekeep.example",
      WEBAUTHN_RP_ID: "chargekeep.example",
      WEBAUTHN_RP_NAME: "ChargeKeep EU",
      WEBAUTHN_ORIGINS: "https://app.chargekeep.example, https://eu.chargekeep.example/",
    });
    expect(relyingParty()).toEqual({
      id: "chargekeep.example",
      name: "ChargeKeep EU",
      origins: ["https://app.chargekeep.example", "https://eu.chargekeep.example"],
    });
  });

  it("V13.1.1 a malformed origin fails loudly with the variable's name", () => {
    stubEnv({ WEBAUTHN_ORIGINS: "not a url" });
    expect(() => relyingParty()).toThrow(/WEBAUTHN_ORIGINS/);
  });
});
