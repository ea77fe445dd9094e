"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { confirmSchema } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { credentialNameSchema, removeWebauthnCredential, renameWebauthnCredential } from "@/lib/mfa";

const credentialId = z.uuid({ error: "Unknown key." });

export const renameWebauthnCredentialAction = formAction(
  { auth: true, schema: z.object({ credentialId, name: credentialNameSchema }) },
  async ({ credentialId, name }, { session, db }) => {
    // Scoped to the signed-in user inside: another user's key id matches nothing.
    await renameWebauthnCredential(db, session.user.id, credentialId, name);
    revalidatePath("/settings/security");
    return { ok: true, message: `The key is now called "${name}".` };
  },
);

/** Needs a fresh second factor (step-up) and keeps the last factor while the organization requires MFA. */
export const removeWebauthnCredentialAction = formAction(
  { auth: true, schema: z.object({ credentialId, confirm: confirmSchema }) },
  async ({ credentialId }, { session, meta, db }) => {
    const { name } = await removeWebauthnCredential(db, session, credentialId, meta);
    revalidatePath("/settings/security");
    return { ok: true, message: `"${name}" was removed. It can no longer be used to sign in to ChargeKeep.` };
  },
);
