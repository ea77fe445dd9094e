import { Resolver } from "node:dns/promises";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { validateSessionToken } from "@/lib/auth";
import { expectAudited } from "@/tests/audit";
import { makeSteppedUpSession, makeUser } from "@/tests/factories";
import { startLocalDns, type LocalDns } from "@/sandbox-idp/dns";
import { addDomain, findVerifiedDomainOrg, listDomains, recheckVerifiedDomains, removeDomain, txtRecordFor, verifyDomain } from "./domains";
import type { TxtResolver } from "./dns";

let dns: LocalDns;
let resolver: TxtResolver;

beforeAll(async () => {
  // A real DNS server on loopback (dns2): the verification goes over the wire, not through a stub.
  dns = await startLocalDns("127.0.0.1", 0);
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([`127.0.0.1:${dns.port}`]);
  resolver = async (name) => {
    try {
      return await r.resolveTxt(name);
    } catch (e) {
      if ((e as { code?: string }).code === "ENODATA" || (e as { code?: string }).code === "ENOTFOUND") return [];
      throw e;
    }
  };
});
afterAll(() => dns.close());

async function owner() {
  const u = await makeUser();
  const { token } = await makeSteppedUpSession(u.user.id, u.organizationId);
  return { ...u, ctx: (await validateSessionToken(getDb(), token))! };
}

const fresh = () => `d${randomUUID().slice(0, 8)}.test`;

describe("verified e-mail domains (DNS TXT)", () => {
  it("V6.8.1 a domain is verified only when the TXT record with its token is published, and the check is audited", async () => {
    const o = await owner();
    const domain = fresh();
    const d = await addDomain(getDb(), o.ctx, { domain });
    await expectAudited(getDb(), { action: "domain.added", organizationId: o.organizationId, targetId: d.id });
    const record = txtRecordFor(d);
    expect(record.name).toBe(`_chargekeep.${domain}`);

    const missing = await verifyDomain(getDb(), o.ctx, d.id, resolver);
    expect(missing).toEqual({ ok: false, message: expect.stringContaining(record.value) });
    await expectAudited(getDb(), { action: "domain.verification_failed", organizationId: o.organizationId, result: "failure", targetId: d.id });

    dns.records.set(record.name, ["v=spf1 -all", record.value]);
    expect(await verifyDomain(getDb(), o.ctx, d.id, resolver)).toEqual({ ok: true });
    await expectAudited(getDb(), { action: "domain.verified", organizationId: o.organizationId, targetId: d.id });
    expect(await findVerifiedDomainOrg(getDb(), `someone@${domain.toUpperCase()}`)).toMatchObject({ organizationId: o.organizationId, domain });
    expect(await findVerifiedDomainOrg(getDb(), `someone@other.${domain}`)).toBeNull();
  });

  it("V6.8.1 a domain verified by one organization cannot be verified by another, even with its own record published", async () => {
    const first = await owner();
    const second = await owner();
    const domain = fresh();
    const mine = await addDomain(getDb(), first.ctx, { domain });
    dns.records.set(txtRecordFor(mine).name, [txtRecordFor(mine).value]);
    expect((await verifyDomain(getDb(), first.ctx, mine.id, resolver)).ok).toBe(true);
    await expect(addDomain(getDb(), second.ctx, { domain })).rejects.toThrow(/already verified by another organization/);
    // Another organization's id is not found, not verified.
    await expect(verifyDomain(getDb(), second.ctx, mine.id, resolver)).rejects.toThrow(/was not found/);
  });

  it("V6.8.1 the daily re-check takes the verification away when the record is gone", async () => {
    const o = await owner();
    const d = await addDomain(getDb(), o.ctx, { domain: fresh() });
    dns.records.set(txtRecordFor(d).name, [txtRecordFor(d).value]);
    await verifyDomain(getDb(), o.ctx, d.id, resolver);
    dns.records.delete(txtRecordFor(d).name);
    const { db } = { db: getDb() };
    const { organizationDomains } = await import("@/db/schema");
    const { eq } = await import("drizzle-orm");
    await db.update(organizationDomains).set({ lastCheckedAt: new Date(Date.now() - 25 * 3_600_000) }).where(eq(organizationDomains.id, d.id));
    const result = await recheckVerifiedDomains(db, resolver);
    expect(result.lost).toBeGreaterThanOrEqual(1);
    const [row] = (await listDomains(db, o.organizationId)).filter((x) => x.id === d.id);
    expect(row!.verifiedAt).toBeNull();
  });

  it("V2.2.1 malformed domains are refused with a sentence; removal is audited", async () => {
    const o = await owner();
    const { domainInputSchema } = await import("./domains");
    for (const bad of ["localhost", "exa mple.com", "-a.com", "1.2.3.4", "a..b"]) expect(domainInputSchema.safeParse({ domain: bad }).success).toBe(false);
    const d = await addDomain(getDb(), o.ctx, { domain: fresh() });
    await removeDomain(getDb(), o.ctx, d.id);
    await expectAudited(getDb(), { action: "domain.removed", organizationId: o.organizationId, targetId: d.id });
  });
});
