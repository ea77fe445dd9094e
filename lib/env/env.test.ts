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

  it("V13.1.1 production refuses to start without APP_URL, naming the variable and what depends on it", () => {
    const prod = { NODE_ENV: "production", DATABASE_URL: "postgres://app@db.internal/ck", MASTER_KEY: Buffer.alloc(32, 7).toString("base64") };
    expect(() => parseEnv(prod)).toThrow(/APP_URL: is required in production.*CSRF origin check/);
    expect(() => parseEnv({ ...prod, APP_URL: "" })).toThrow(/APP_URL: is required in production/);
    expect(parseEnv({ ...prod, APP_URL: "https://chargekeep.example.com" }).APP_URL).toBe("https://chargekeep.example.com");
    // Development keeps the documented default.
    expect(parseEnv({ NODE_ENV: "development" }).APP_URL).toBe("http://localhost:3000");
  });

  it("V13.1.1 database pool timeouts have safe defaults, accept 0 as off for PostgreSQL's own timeouts, and refuse nonsense", () => {
    expect(parseEnv({})).toMatchObject({
      DATABASE_POOL_MAX: 10,
      DATABASE_CONNECT_TIMEOUT_SECONDS: 3,
      DATABASE_QUEUE_TIMEOUT_SECONDS: 20,
      DATABASE_STATEMENT_TIMEOUT_SECONDS: 10,
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS: 30,
    });
    expect(parseEnv({ DATABASE_STATEMENT_TIMEOUT_SECONDS: "0" }).DATABASE_STATEMENT_TIMEOUT_SECONDS).toBe(0);
    expect(() => parseEnv({ DATABASE_CONNECT_TIMEOUT_SECONDS: "0" })).toThrow(/DATABASE_CONNECT_TIMEOUT_SECONDS/);
    expect(() => parseEnv({ DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS: "-1" })).toThrow(/DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS/);
  });
});
