import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, queryRows } from "@/db";
import { recoveryCodes } from "@/db/schema";
import type { MfaEventContext } from "./events";
import {
  ensureRecoveryCodes,
  newRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_ALPHABET,
  recoveryCodesLeft,
  regenerateRecoveryCodes,
  spendRecoveryCode,
} from "./recovery-codes";
import { makeUser } from "@/tests/factories";
import { expectAudited } from "@/tests/audit";
import { mailsTo } from "@/tests/outbox";

const meta = { ip: "203.0.113.9", userAgent: "vitest", requestId: "test" };

async function userWithCodes() {
  const made = await makeUser();
  const user = { id: made.user.id, email: made.email };
  const ev: MfaEventContext = { userId: user.id, organizationId: made.organizationId, meta };
  const codes = await regenerateRecoveryCodes(getDb(), ev);
  return { user, ev, codes };
}

describe("recovery code format", () => {
  it("V6.5.3 V6.5.4 ten distinct codes like k7dq-2mxp-9rtv from an alphabet without look-alikes, at least 50 bits each", async () => {
    const { codes } = await userWithCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/);
    expect(RECOVERY_CODE_ALPHABET).not.toMatch(/[01ilo]/);
    expect(new Set(RECOVERY_CODE_ALPHABET).size).toBe(RECOVERY_CODE_ALPHABET.length);
    expect(12 * Math.log2(RECOVERY_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(50);
    // every letter of the alphabet turns up (a broken generator would repeat a few)
    const seen = new Set(Array.from({ length: 200 }, newRecoveryCode).join("").replace(/-/g, ""));
    expect(seen.size).toBe(RECOVERY_CODE_ALPHABET.length);
  });

  it("V6.5.4 normalising ignores case, spaces and dashes", () => {
    expect(normaliseRecoveryCode(" K7DQ-2mxp 9RTV ")).toBe("k7dq2mxp9rtv");
    expect(normaliseRecoveryCode("k7dq\u20132mxp\u20149rtv")).toBe("k7dq2mxp9rtv");
  });
});

describe("recovery code storage and use", () => {
  it("V6.5.2 codes are stored argon2id-hashed: no code appears in the database in any form", async () => {
    const { user, codes } = await userWithCodes();
    const rows = await queryRows<{ code_hash: string }>(getDb(), sql`select code_hash from recovery_codes where user_id = ${user.id}`);
    expect(rows).toHaveLength(10);
    const dump = JSON.stringify(await queryRows(getDb(), sql`select * from recovery_codes where user_id = ${user.id}`));
    for (const row of rows) expect(row.code_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    for (const code of codes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(normaliseRecoveryCode(code));
    }
  });

  it("V6.5.1 a code works once, typed in any case and with or without dashes", async () => {
    const { user, ev, codes } = await userWithCodes();
    expect(await spendRecoveryCode(getDb(), ev, user, ` ${codes[3]!.toUpperCase().replace(/-/g, " ")} `)).toEqual({ remaining: 9 });
    expect(await spendRecoveryCode(getDb(), ev, user, codes[3]!)).toBeNull();
    expect(await spendRecoveryCode(getDb(), ev, user, codes[4]!)).toEqual({ remaining: 8 });
    expect(await recoveryCodesLeft(getDb(), user.id)).toBe(8);
    const used = await expectAudited(getDb(), { action: "mfa.recovery_code_used", actorUserId: user.id, metadata: { remaining: 8 } });
    expect(JSON.stringify(used)).not.toContain(codes[4]!); // V16.2.5
  });

  it("V6.5.1 two requests racing with the same code: exactly one succeeds", async () => {
    const { user, ev, codes } = await userWithCodes();
    const results = await Promise.all([spendRecoveryCode(getDb(), ev, user, codes[0]!), spendRecoveryCode(getDb(), ev, user, codes[0]!)]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await recoveryCodesLeft(getDb(), user.id)).toBe(9);
  });

  it("V6.5.1 a wrong, malformed or other user's code is refused and spends nothing", async () => {
    const victim = await userWithCodes();
    const attacker = await userWithCodes();
    for (const guess of [attacker.codes[0]!, "aaaa-aaaa-aaaa", "", "k7dq-2mxp", "x".repeat(64)]) {
      expect(await spendRecoveryCode(getDb(), victim.ev, victim.user, guess), guess).toBeNull();
    }
    expect(await recoveryCodesLeft(getDb(), victim.user.id)).toBe(10);
    expect(await recoveryCodesLeft(getDb(), attacker.user.id)).toBe(10);
  });

  it("V6.5.1 generating a new set makes every old code stop working at once", async () => {
    const { user, ev, codes: old } = await userWithCodes();
    await spendRecoveryCode(getDb(), ev, user, old[0]!);
    const fresh = await regenerateRecoveryCodes(getDb(), ev);
    const generated = await expectAudited(getDb(), { action: "mfa.recovery_codes_generated", actorUserId: user.id });
    for (const code of fresh) expect(JSON.stringify(generated)).not.toContain(code);
    expect(await getDb().select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).toHaveLength(10);
    expect(await recoveryCodesLeft(getDb(), user.id)).toBe(10);
    for (const code of old.slice(1)) expect(await spendRecoveryCode(getDb(), ev, user, code)).toBeNull();
    expect(await spendRecoveryCode(getDb(), ev, user, fresh[9]!)).toEqual({ remaining: 9 });
  }, 120_000); // about a hundred argon2 verifications on a shared CPU

  it("V6.4.1 a first factor gets codes only when the user has none left", async () => {
    const { ev, codes } = await userWithCodes();
    expect(await ensureRecoveryCodes(getDb(), ev)).toBeNull();
    const spent = await userWithCodes();
    for (const c of spent.codes) await spendRecoveryCode(getDb(), spent.ev, spent.user, c);
    expect(await ensureRecoveryCodes(getDb(), spent.ev)).toHaveLength(10);
    expect(codes).toHaveLength(10);
  });

  it("V6.3.5 V6.3.7 using a code e-mails the user how many are left and what to do if it was not them, without the code", async () => {
    const { user, ev, codes } = await userWithCodes();
    expect(mailsTo(user.email)).toHaveLength(0);
    await spendRecoveryCode(getDb(), ev, user, codes[0]!);
    await spendRecoveryCode(getDb(), ev, user, codes[1]!);
    const mails = mailsTo(user.email);
    expect(mails).toHaveLength(2);
    const last = mails.at(-1)!;
    expect(last.subject).toBe("A recovery code was used on your ChargeKeep account");
    expect(last.text).toContain("You have 8 recovery codes left.");
    expect(last.text).toMatch(/If this was NOT you/);
    expect(last.text).toContain("/settings/security");
    expect(last.text).toContain("/forgot-password");
    for (const code of codes) expect(last.text).not.toContain(code);
    // a refused code sends nothing
    await spendRecoveryCode(getDb(), ev, user, codes[0]!);
    expect(mailsTo(user.email)).toHaveLength(2);
  });
});
