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

  describe("V12.3.1 encrypted links to Redis and the mail server in production", () => {
    const prod = { NODE_ENV: "production", DATABASE_URL: "postgres://app@db.internal/ck", MASTER_KEY: Buffer.alloc(32, 7).toString("base64"), APP_URL: "https://chargekeep.example.com" };

    it("V12.3.1 refuses redis:// to another host and an http Upstash URL, naming the variable and the way out", () => {
      expect(() => parseEnv({ ...prod, REDIS_URL: "redis://:secret@cache.internal:6379" })).toThrow(/REDIS_URL: must use TLS in production: rediss:\/\/.*REDIS_PRIVATE_LINK=true/);
      expect(() => parseEnv({ ...prod, UPSTASH_REDIS_REST_URL: "http://eu1-x.upstash.io", UPSTASH_REDIS_REST_TOKEN: "t" })).toThrow(/UPSTASH_REDIS_REST_URL: must be an https:\/\/ URL in production/);
      expect(parseEnv({ ...prod, REDIS_URL: "rediss://:secret@cache.internal:6380" }).REDIS_URL).toBe("rediss://:secret@cache.internal:6380");
      expect(parseEnv({ ...prod, UPSTASH_REDIS_REST_URL: "https://eu1-x.upstash.io", UPSTASH_REDIS_REST_TOKEN: "t" }).UPSTASH_REDIS_REST_URL).toBe("https://eu1-x.upstash.io");
    });

    it("V12.3.1 refuses an SMTP URL that may fall back to plain text; smtps:// and smtp:// with requireTLS=true pass", () => {
      for (const url of ["smtp://user:pw@smtp.example.com:587", "smtp://smtp.example.com:25?requireTLS=false", "smtps://smtp.example.com:465?ignoreTLS=true", "not a url"]) {
        expect(() => parseEnv({ ...prod, SMTP_URL: url }), url).toThrow(/SMTP_URL: must use TLS in production: smtps:\/\/.*requireTLS=true.*SMTP_PRIVATE_LINK=true/);
      }
      for (const url of ["smtps://user:pw@smtp.example.com:465", "smtp://user:pw@smtp.example.com:587?requireTLS=true"]) expect(parseEnv({ ...prod, SMTP_URL: url }).SMTP_URL).toBe(url);
    });

    it("V12.3.1 refuses an http:// S3-compatible endpoint to another host unless S3_PRIVATE_LINK says it is private", () => {
      expect(() => parseEnv({ ...prod, S3_ENDPOINT: "http://minio.internal:9000" })).toThrow(/S3_ENDPOINT: must be an https:\/\/ URL in production.*S3_PRIVATE_LINK=true/);
      expect(parseEnv({ ...prod, S3_ENDPOINT: "http://minio.internal:9000", S3_PRIVATE_LINK: "true" }).S3_ENDPOINT).toBe("http://minio.internal:9000");
      expect(parseEnv({ ...prod, S3_ENDPOINT: "https://r2.example.com" }).S3_ENDPOINT).toBe("https://r2.example.com");
      expect(parseEnv({ ...prod, S3_ENDPOINT: "http://127.0.0.1:9000" }).S3_ENDPOINT).toBe("http://127.0.0.1:9000");
    });

    it("V12.3.1 a plain link passes when the operator says it is private, or when it never leaves this machine; development is unchanged", () => {
      expect(parseEnv({ ...prod, REDIS_URL: "redis://cache.internal:6379", REDIS_PRIVATE_LINK: "true" }).REDIS_PRIVATE_LINK).toBe(true);
      expect(parseEnv({ ...prod, SMTP_URL: "smtp://relay.internal:25", SMTP_PRIVATE_LINK: "true" }).SMTP_PRIVATE_LINK).toBe(true);
      // One opt-out does not cover the other link.
      expect(() => parseEnv({ ...prod, REDIS_URL: "redis://cache.internal:6379", SMTP_PRIVATE_LINK: "true" })).toThrow(/REDIS_URL: must use TLS/);
      for (const url of ["redis://127.0.0.1:6379", "redis://localhost:6379", "redis://[::1]:6379"]) expect(parseEnv({ ...prod, REDIS_URL: url }).REDIS_URL).toBe(url);
      expect(parseEnv({ ...prod, SMTP_URL: "smtp://localhost:25" }).SMTP_URL).toBe("smtp://localhost:25");
      expect(parseEnv({ REDIS_URL: "redis://cache.internal:6379", SMTP_URL: "smtp://mail.internal:25" })).toMatchObject({ REDIS_PRIVATE_LINK: false, SMTP_PRIVATE_LINK: false });
    });
  });
});
