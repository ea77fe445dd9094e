"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { confirmSchema } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { addDomain, domainInputSchema, removeDomain, verifyDomain } from "@/lib/sso";

const idSchema = z.object({ domainId: z.uuid({ error: "Unknown domain." }) });

export const addDomainAction = formAction({ auth: true, permission: "security:manage", schema: domainInputSchema }, async (input, { session, db }) => {
  const d = await addDomain(db, session, input);
  revalidatePath("/admin/domains");
  return { ok: true, message: `${d.domain} added. Publish the TXT record below, then choose Verify.` };
});

export const verifyDomainAction = formAction({ auth: true, permission: "security:manage", schema: idSchema }, async ({ domainId }, { session, db }) => {
  const check = await verifyDomain(db, session, domainId);
  revalidatePath("/admin/domains");
  return check.ok ? { ok: true, message: "Domain verified." } : { ok: false, message: check.message };
});

export const removeDomainAction = formAction({ auth: true, permission: "security:manage", schema: idSchema.extend({ confirm: confirmSchema }) }, async ({ domainId }, { session, db }) => {
  await removeDomain(db, session, domainId);
  revalidatePath("/admin/domains");
  return { ok: true, message: "Domain removed." };
});
