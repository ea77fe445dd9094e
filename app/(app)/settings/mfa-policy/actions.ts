"use server";

import { revalidatePath } from "next/cache";
import { ROLE_PREFIX, withCheckedList } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { mfaPolicyInputSchema, saveMfaPolicy } from "@/lib/mfa";

const DESCRIBED = { off: "Two-step verification is optional.", all: "Two-step verification is now required for everyone.", roles: "Two-step verification is now required for the chosen roles." };

export const saveMfaPolicyAction = formAction(
  {
    auth: true,
    permission: "security:manage",
    schema: withCheckedList(mfaPolicyInputSchema, ["policy", "graceDays"], { key: "roleIds", prefix: ROLE_PREFIX }),
  },
  async (input, { session, meta, db }) => {
    // Step-up, tenant and role checks live in saveMfaPolicy, for every caller.
    const saved = await saveMfaPolicy(db, session, input, meta);
    revalidatePath("/settings/mfa-policy");
    revalidatePath("/admin/members");
    return { ok: true, message: `The policy was saved. ${DESCRIBED[saved.policy]}` };
  },
);
