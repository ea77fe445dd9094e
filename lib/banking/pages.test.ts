import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as sync from "@/lib/sync";
import { connectBankAction, disconnectConnectionAction, syncConnectionAction } from "@/app/(app)/connections/actions";
import ConnectionPage from "@/app/(app)/connections/[connectionId]/page";
import ConnectionsPage from "@/app/(app)/connections/page";
import { getDb } from "@/db";
import { bankConnections } from "@/db/schema";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeTotpFactor } from "@/tests/factories";
import { setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import { upsertInstitution } from "./institutions";
import { steppedUpMember, type Member } from "@/tests/support/banking";

// Test files share one module graph (isolate: false), so a vi.mock of lib/sync would not reach a copy
// another file already loaded: spy on the shared module instead. The sync itself is lib/sync's own test.
const requestSync = vi.spyOn(sync, "requestSync").mockImplementation(() => {});
afterAll(() => requestSync.mockRestore());

function form(values: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

function as(token: string) {
  setRequestCookie("ck_session", token);
  setRequestHeaders({ "x-pathname": "/connections" });
}

/** A connection row as the callback leaves it (tokens are not needed by these entry points). */
async function connectionFor(member: Member): Promise<string> {
  const institutionId = await upsertInstitution(getDb(), {
    slug: `pg-${randomUUID().slice(0, 8)}`,
    name: "Page Test Bank",
    issuer: "https://bank.example",
    clientId: "c",
    clientSecret: "s",
    resource: "https://bank.example/fdx",
    apiBaseUrl: "https://bank.example/fdx",
  });
  const id = randomUUID();
  await getDb().insert(bankConnections).values({ id, organizationId: member.organizationId, institutionId, status: "active", createdBy: member.user.id });
  return id;
}

const digestOf = (e: unknown) => String((e as { digest?: string })?.digest ?? "");

async function outcomeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    const d = digestOf(e);
    if (d.endsWith(";404")) return "not_found";
    if (d.endsWith(";403")) return "forbidden";
    throw e;
  }
}

describe("connections pages and actions", () => {
  it("V8.2.1 Sync now is audited (bank_sync.requested) and starts a manual sync", async () => {
    const owner = await steppedUpMember();
    const id = await connectionFor(owner);
    as(owner.token);
    const state = await syncConnectionAction(undefined, form({ connectionId: id }));
    expect(state).toMatchObject({ ok: true });
    expect(requestSync).toHaveBeenCalledWith(id, "manual");
    await expectAudited(getDb(), { action: "bank_sync.requested", organizationId: owner.organizationId, targetId: id, actorUserId: owner.user.id });
  });

  it("V8.2.2 refuses Sync now and the detail page for another organization's connection (not found)", async () => {
    const victim = await steppedUpMember();
    const id = await connectionFor(victim);
    const attacker = await steppedUpMember();
    as(attacker.token);
    expect(await syncConnectionAction(undefined, form({ connectionId: id }))).toMatchObject({ ok: false, message: "That connection was not found." });
    expect(await outcomeOf(ConnectionPage({ params: Promise.resolve({ connectionId: id }), searchParams: Promise.resolve({}) }))).toBe("not_found");
    as(victim.token);
    expect(await outcomeOf(ConnectionPage({ params: Promise.resolve({ connectionId: id }), searchParams: Promise.resolve({}) }))).toBe("ok");
  });

  it("V8.2.1 a viewer sees the list but may not connect, sync or disconnect", async () => {
    const owner = await steppedUpMember();
    const id = await connectionFor(owner);
    const viewer = await steppedUpMember({ role: "viewer", organizationId: owner.organizationId });
    as(viewer.token);
    expect(await outcomeOf(ConnectionsPage({ searchParams: Promise.resolve({ notice: "constructor" }) }))).toBe("ok");
    for (const action of [connectBankAction, syncConnectionAction, disconnectConnectionAction]) {
      const state = await action(undefined, form({ connectionId: id, institutionId: randomUUID(), confirm: "on" }));
      expect(state.message).toMatch(/do not have permission/);
    }
  });

  it("V6.3.4 connect asks for a fresh second factor first (Verify now)", async () => {
    const owner = await steppedUpMember({ steppedUp: false });
    await makeTotpFactor(owner.user.id);
    const { token } = await makeSession(owner.user.id, owner.organizationId);
    as(token);
    const state = await connectBankAction(undefined, form({ institutionId: randomUUID() }));
    expect(state).toMatchObject({ ok: false, mfa: "step_up" });
  });

  it("V2.2.1 disconnect without the confirmation box is refused next to the field", async () => {
    const owner = await steppedUpMember();
    const id = await connectionFor(owner);
    as(owner.token);
    const state = await disconnectConnectionAction(undefined, form({ connectionId: id }));
    expect(state.fieldErrors?.confirm).toBe("Tick the box to confirm.");
  });

  it("V2.2.1 malformed ids come back as a sentence, never an exception", async () => {
    const owner = await steppedUpMember();
    as(owner.token);
    expect(await connectBankAction(undefined, form({ institutionId: "../../etc" }))).toMatchObject({ ok: false, fieldErrors: { institutionId: "Choose a bank." } });
    expect(await outcomeOf(ConnectionPage({ params: Promise.resolve({ connectionId: "not-a-uuid" }), searchParams: Promise.resolve({}) }))).toBe("not_found");
  });
});
