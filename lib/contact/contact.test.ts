import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { validateSessionToken } from "@/lib/auth";
import { makeSession, makeUser } from "@/tests/factories";
import { listContactMessages, submitContactMessage } from "./index";

describe("contact messages", () => {
  it("V8.2.1 are stored and listed for ChargeKeep operators only", async () => {
    const marker = `hello-${crypto.randomUUID()}`;
    await submitContactMessage(getDb(), { name: "Visitor", email: "v@example.test", message: `Please call me ${marker}` }, { userId: null, ip: null });
    const operator = await makeUser({ operator: true });
    const owner = await makeUser();
    const opCtx = await validateSessionToken(getDb(), (await makeSession(operator.user.id, operator.organizationId)).token);
    const ownerCtx = await validateSessionToken(getDb(), (await makeSession(owner.user.id, owner.organizationId)).token);
    expect((await listContactMessages(getDb(), opCtx!)).some((m) => m.message.includes(marker))).toBe(true);
    await expect(listContactMessages(getDb(), ownerCtx!)).rejects.toMatchObject({ status: 403 });
  });
});
