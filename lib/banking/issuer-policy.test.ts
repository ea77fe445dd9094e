import { eq, inArray } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { bankInstitutions } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { ensureSandboxInstitutions, issuerProblem, upsertInstitution } from "./index";

const dev = { production: false, appUrl: "http://localhost:3000" };
const prod = { production: true, appUrl: "https://app.chargekeep.example" };
const localProd = { production: true, appUrl: "http://localhost:3210" };

describe("issuer rule", () => {
  it("V12.2.1 allows https issuers everywhere", () => {
    expect(issuerProblem("https://bank.example", prod)).toBeNull();
    expect(issuerProblem("https://bank.example/oauth", dev)).toBeNull();
  });

  it("V12.2.1 allows plain http only for loopback hosts", () => {
    for (const url of ["http://127.0.0.1:4010", "http://localhost:4010", "http://[::1]:4010", "http://127.9.9.9"]) expect(issuerProblem(url, dev), url).toBeNull();
    for (const url of ["http://bank.example", "http://10.0.0.5", "http://localhost.evil.example", "http://127.0.0.1.nip.io"]) expect(issuerProblem(url, dev), url).toMatch(/loopback/);
  });

  it("V12.2.1 refuses http in production unless the app itself runs on a loopback http URL", () => {
    expect(issuerProblem("http://127.0.0.1:4010", prod)).toMatch(/production/);
    expect(issuerProblem("http://127.0.0.1:4010", localProd)).toBeNull();
    expect(issuerProblem("http://127.0.0.1:4010", { production: true, appUrl: "http://app.example" })).toMatch(/production/);
  });

  it("V12.2.1 refuses other schemes, credentials in the URL and garbage", () => {
    expect(issuerProblem("ftp://bank.example", dev)).toMatch(/https/);
    expect(issuerProblem("https://user:pw@bank.example", dev)).toMatch(/credentials/);
    expect(issuerProblem("https://bank.example/?x=1", dev)).toMatch(/query/);
    expect(issuerProblem("not a url", dev)).toMatch(/absolute/);
  });

  it("V12.2.1 refuses to store an http institution in a deployed production app", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("APP_URL", "https://app.chargekeep.example");
    vi.stubEnv("MASTER_KEY", process.env.MASTER_KEY!);
    resetEnvCache();
    const input = { slug: "plain-http-bank", name: "Plain", issuer: "http://127.0.0.1:4999", clientId: "c", clientSecret: "s", resource: "http://127.0.0.1:4999/fdx", apiBaseUrl: "http://127.0.0.1:4999/fdx" };
    await expect(upsertInstitution(getDb(), input)).rejects.toThrow(/production/);
  });
});

describe("sandbox institutions", () => {
  it("V13.1.1 are upserted when SANDBOX_INSTITUTIONS is on, with the secret encrypted, and disabled when off", async () => {
    vi.stubEnv("SANDBOX_INSTITUTIONS", "on");
    vi.stubEnv("SANDBOX_BANK_URL_NORTHWIND", "http://127.0.0.1:4110");
    resetEnvCache();
    await ensureSandboxInstitutions(getDb());
    await ensureSandboxInstitutions(getDb());
    const rows = await getDb().select().from(bankInstitutions).where(inArray(bankInstitutions.slug, ["northwind", "harbor"]));
    expect(rows).toHaveLength(2);
    const nw = rows.find((r) => r.slug === "northwind")!;
    expect(nw).toMatchObject({ issuer: "http://127.0.0.1:4110", resource: "http://127.0.0.1:4110/fdx", clientId: "chargekeep-dev", clientSecret: "chargekeep-dev-secret", enabled: true });
    const raw = await getDb().execute(`select client_secret from bank_institutions where slug = 'northwind'` as never);
    expect(JSON.stringify(raw)).not.toContain("chargekeep-dev-secret");

    vi.stubEnv("SANDBOX_INSTITUTIONS", "off");
    resetEnvCache();
    await ensureSandboxInstitutions(getDb());
    const [off] = await getDb().select().from(bankInstitutions).where(eq(bankInstitutions.slug, "northwind"));
    expect(off!.enabled).toBe(false);
  });
});

describe("a bank that does not answer", () => {
  it("V16.5.1 connect says the bank is not answering (502) instead of a generic error", async () => {
    const { steppedUpMember } = await import("@/tests/support/banking");
    const { startConnection } = await import("./index");
    const member = await steppedUpMember();
    const id = await upsertInstitution(getDb(), {
      slug: `down-${Date.now().toString(36)}`,
      name: "Closed Bank",
      // Loopback port 9 (discard): nothing listens, the connection is refused at once.
      issuer: "http://127.0.0.1:9",
      clientId: "c",
      clientSecret: "s",
      resource: "http://127.0.0.1:9/fdx",
      apiBaseUrl: "http://127.0.0.1:9/fdx",
    });
    await expect(startConnection(getDb(), member.ctx, { institutionId: id }, null)).rejects.toMatchObject({ status: 502, message: "Closed Bank is not answering right now. Try again in a few minutes." });
  });
});
