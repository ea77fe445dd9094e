"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/gate";
import { addSshKey, addSshKeySchema, revokeSshKey } from "@/lib/sftp";

export const addSshKeyAction = formAction({ auth: true, permission: "transfers:use", schema: addSshKeySchema }, async (input, { session, meta, db }) => {
  const key = await addSshKey(db, session, meta, input);
  revalidatePath("/settings/ssh-keys");
  return { ok: true, message: `Key "${key.name}" added (${key.fingerprint}).` };
});

export const revokeSshKeyAction = formAction(
  { auth: true, permission: "transfers:use", schema: z.object({ keyId: z.uuid("Unknown key.") }) },
  async ({ keyId }, { session, meta, db }) => {
    const key = await revokeSshKey(db, session, meta, keyId);
    revalidatePath("/settings/ssh-keys");
    return { ok: true, message: `Key "${key.name}" revoked: it can no longer connect.` };
  },
);
