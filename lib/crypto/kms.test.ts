import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bootstrap } from "@/lib/bootstrap";
import { parseEnv } from "@/lib/env";
import { stubEnv } from "@/tests/env";
import { decodeMasterKey, kmsFromEnv, LocalKmsProvider } from "./kms";

const PROD = { NODE_ENV: "production", DATABASE_URL: "postgres://app@db.internal/chargekeep", APP_URL: "https://chargekeep.example.com" };

describe("master key and key wrapping", () => {
  it("V13.3.1 the local KMS wraps data keys under MASTER_KEY; another master key cannot unwrap and says why", async () => {
    const kms = new LocalKmsProvider(randomBytes(32));
    const dataKey = randomBytes(32);
    const wrapped = await kms.wrapKey(dataKey, { keyId: 1, purpose: "data" });
    expect(wrapped).toMatch(/^lw1\./);
    expect(wrapped).not.toContain(dataKey.toString("base64url"));
    expect(await kms.unwrapKey(wrapped, { keyId: 1, purpose: "data", kekId: kms.kekId })).toEqual(dataKey);

    const other = new LocalKmsProvider(randomBytes(32));
    expect(other.kekId).not.toBe(kms.kekId);
    await expect(other.unwrapKey(wrapped, { keyId: 1, purpose: "data", kekId: kms.kekId })).rejects.toThrow(
      /wrapped by master key local:[0-9a-f]{16}, but MASTER_KEY is local:[0-9a-f]{16}/,
    );
  });

  it("V11.3.3 a wrapped key moved to another key id or purpose does not unwrap", async () => {
    const kms = new LocalKmsProvider(randomBytes(32));
    const wrapped = await kms.wrapKey(randomBytes(32), { keyId: 1, purpose: "data" });
    await expect(kms.unwrapKey(wrapped, { keyId: 2, purpose: "data", kekId: kms.kekId })).rejects.toThrow(/does not unwrap/);
    await expect(kms.unwrapKey(wrapped, { keyId: 1, purpose: "blind_index", kekId: kms.kekId })).rejects.toThrow(/does not unwrap/);
  });

  it("V13.3.1 production refuses to start without MASTER_KEY, with a message that says what to do", async () => {
    expect(() => parseEnv(PROD)).toThrow(/MASTER_KEY: is required in production.*openssl rand -base64 32/);
    expect(() => parseEnv({ ...PROD, MASTER_KEY: "" })).toThrow(/MASTER_KEY: is required in production/);
    expect(() => parseEnv({ ...PROD, MASTER_KEY: randomBytes(32).toString("base64") })).not.toThrow();
    // The real start-up path: bootstrap() stops before touching the database.
    stubEnv({ NODE_ENV: "production", MASTER_KEY: "" });
    await expect(bootstrap()).rejects.toThrow(/ChargeKeep configuration is invalid:\n.*MASTER_KEY: is required in production/);
  });

  it("V13.3.1 MASTER_KEY must be 32 bytes of base64, and a bad one is not echoed back", () => {
    const short = randomBytes(16).toString("base64");
    let message = "";
    try {
      parseEnv({ MASTER_KEY: short });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/MASTER_KEY: must be 32 random bytes in base64/);
    expect(message).not.toContain(short);
    expect(decodeMasterKey(`${"-_".repeat(21)}A=`)).toBeNull(); // base64url is not accepted
    expect(decodeMasterKey(randomBytes(32).toString("base64"))).toHaveLength(32);
  });

  it("V13.3.1 outside production a missing MASTER_KEY is reported with how to get one", () => {
    expect(() => kmsFromEnv(parseEnv({ NODE_ENV: "development" }))).toThrow(/MASTER_KEY is not set\. `npm run dev` writes one into \.env\.local/);
  });
});
