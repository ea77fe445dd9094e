"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/gate";
import { connectionInputSchema, policyInputSchema, saveConnection, saveSsoPolicy, setConnectionEnabled } from "@/lib/sso";

const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());

export const saveConnectionAction = formAction({ auth: true, permission: "security:manage", schema: connectionInputSchema }, async (input, { session, db }) => {
  await saveConnection(db, session, input);
  revalidatePath("/admin/sso");
  return { ok: true, message: "Connection saved. Test it, then turn single sign-on on." };
});

export const setEnabledAction = formAction(
  { auth: true, permission: "security:manage", schema: z.object({ enabled: z.enum(["on", "off"], { error: "Choose on or off." }) }) },
  async ({ enabled }, { session, db }) => {
    await setConnectionEnabled(db, session, enabled === "on");
    revalidatePath("/admin/sso");
    return { ok: true, message: enabled === "on" ? "Single sign-on is on." : "Single sign-on is off." };
  },
);

export const savePolicyAction = formAction(
  {
    auth: true,
    permission: "security:manage",
    schema: policyInputSchema.extend({ jitEnabled: checkbox, ssoRequired: checkbox, breakGlassOwners: checkbox }),
  },
  async (input, { session, db }) => {
    const { endedSessions } = await saveSsoPolicy(db, session, input);
    revalidatePath("/admin/sso");
    return { ok: true, message: endedSessions ? `Policy saved. ${endedSessions} password session(s) ended.` : "Policy saved." };
  },
);
