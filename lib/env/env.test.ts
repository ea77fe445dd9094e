import { describe, expect, it } from "vitest";
import { parseEnv } from "./index";

describe("configuration", () => {
  it("V13.1.1 production refuses to start without DATABASE_URL, naming the variable", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/DATABASE_URL: is required in production/);
  });

  it("V13.1.1 names every bad variable at once in a readable message", () => {
    expect(() => parseEnv({ APP_URL: "not a url", SESSION_IDLE_MINUTES: "-3", TLS_CERT_FILE: "/x.pem" })).toThrow(
      /APP_URL[\s\S]*SESSION_IDLE_MINUTES[\s\S]*TLS_KEY_FILE/,
    );
  });

  it("V13.1.1 applies documented defaults", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ APP_URL: "http://localhost:3000", SESSION_IDLE_MINUTES: 30, SESSION_ABSOLUTE_HOURS: 12, TRUST_PROXY: "none" });
  });
});
