"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { adminUnlockAccount } from "@/lib/defense";
import { formAction } from "@/lib/gate";

const schema = z.object({
  userId: z.uuid({ error: "Unknown member." }),
  /** Where the button sits: the defense page lists (and drops) the row, the member page keeps its panel with the answer. */
  from: z.enum(["defense", "member"]).default("defense"),
});

/** Unlock a member locked or suspended after failed sign-ins: members:manage plus a recent second factor (checked in lib/defense). */
export const unlockAccountAction = formAction({ auth: true, permission: "members:manage", schema }, async ({ userId, from }, { session, meta, db }) => {
  await adminUnlockAccount(db, session, userId, meta);
  if (from === "defense") {
    revalidatePath(`/admin/members/${userId}`);
    redirect("/admin/defense?unlocked=1");
  }
  revalidatePath("/admin/defense");
  return { ok: true, message: "The account is unlocked: the member can sign in again." };
});
