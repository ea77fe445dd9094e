"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { confirmSchema } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { createRuleAsAdmin, endRuleAsAdmin, firewallRuleFormSchema } from "@/lib/firewall";

/** Which rules a form changes: the organization's (security:manage) or everyone's (operators; checked in lib/firewall/manage). */
const targetField = z.enum(["organization", "global"], { error: "Choose which rules to change." });

export const addFirewallRuleAction = formAction(
  { auth: true, permission: "security:manage", schema: firewallRuleFormSchema.extend({ target: targetField }) },
  async ({ target, ...input }, { session, meta, db }) => {
    const { cidr } = await createRuleAsAdmin(db, session, { kind: target }, input, meta);
    revalidatePath("/admin/firewall");
    return { ok: true, message: `${input.action === "allow" ? "Allow" : "Deny"} rule for ${cidr} added. It applies within seconds.` };
  },
);

export const endFirewallRuleAction = formAction(
  {
    auth: true,
    permission: "security:manage",
    schema: z.object({
      ruleId: z.uuid({ error: "Unknown rule." }),
      target: targetField,
      how: z.enum(["remove", "expire"], { error: "Choose remove or expire." }),
      confirm: confirmSchema,
      confirmSelfBlock: z.literal("on").optional(),
    }),
  },
  async ({ ruleId, target, how, confirmSelfBlock }, { session, meta, db }) => {
    const row = await endRuleAsAdmin(db, session, { kind: target }, ruleId, how, meta, { confirmSelfBlock: Boolean(confirmSelfBlock) });
    revalidatePath("/admin/firewall");
    return { ok: true, message: how === "remove" ? `The rule for ${row.cidr} was removed.` : `The rule for ${row.cidr} has expired; it stays listed until removed.` };
  },
);
