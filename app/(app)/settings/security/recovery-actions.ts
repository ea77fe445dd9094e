"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { confirmSchema } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { mfaEventContext, regenerateRecoveryCodes, requireRecentMfa } from "@/lib/mfa";
import { enforce } from "@/lib/ratelimit";
import type { RecoveryCodesState } from "@/components/mfa/recovery-codes-state";

/**
 * "Generate new recovery codes". This asks for a recent second factor: recovery codes are
 * "information used in account recovery" (ASVS V7.5.1), and without step-up a stolen session could
 * mint itself a working second factor (and, on the way, void the owner's saved codes). It costs the
 * genuine user nothing right after sign-in or enrolment, which both count as a fresh verification.
 * A user without any factor is told to enrol first (requireRecentMfa's enrolment answer).
 */
export const regenerateRecoveryCodesAction = formAction({ auth: true, schema: z.object({ confirm: confirmSchema }) }, async (_input, { session, meta, db }) => {
  requireRecentMfa(session);
  await enforce("mfa-enrol-user", session.user.id);
  const codes = await regenerateRecoveryCodes(db, mfaEventContext(session, meta));
  revalidatePath("/settings/security");
  const state: RecoveryCodesState = { ok: true, message: "Your new recovery codes are ready. The old ones no longer work.", recoveryCodes: codes };
  return state;
});
