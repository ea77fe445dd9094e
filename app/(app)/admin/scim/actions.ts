"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/gate";
import { confirmSchema } from "@/lib/http";
import { createScimToken, mapDirectoryGroup, revokeScimToken, scimTokenInputSchema } from "@/lib/scim";

export const createScimTokenAction = formAction({ auth: true, permission: "security:manage", schema: scimTokenInputSchema }, async (input, { session, meta, db }) => {
  const { token } = await createScimToken(db, session, input, meta);
  revalidatePath("/admin/scim");
  // The one time the token leaves the server: the form shows it until the page is left.
  return { ok: true, message: "SCIM token created. Copy it into your identity provider now: it is not shown again.", values: { scimBearer: token } };
});

export const revokeScimTokenAction = formAction(
  { auth: true, permission: "security:manage", schema: z.object({ tokenId: z.uuid({ error: "Unknown token." }), confirm: confirmSchema }) },
  async ({ tokenId }, { session, meta, db }) => {
    await revokeScimToken(db, session, tokenId, meta);
    revalidatePath("/admin/scim");
    return { ok: true, message: "Token revoked. The identity provider's next request with it is refused." };
  },
);

export const mapDirectoryGroupAction = formAction(
  {
    auth: true,
    permission: "security:manage",
    schema: z.object({
      groupId: z.uuid({ error: "Unknown group." }),
      roleId: z.union([z.literal("none"), z.uuid({ error: "Choose a role from the list." })], { error: "Choose a role from the list." }),
    }),
  },
  async ({ groupId, roleId }, { session, meta, db }) => {
    await mapDirectoryGroup(db, session, groupId, roleId === "none" ? null : roleId, meta);
    revalidatePath("/admin/scim");
    return { ok: true, message: roleId === "none" ? "The group now gives no role." : "Saved. The group's members get the role on their next request." };
  },
);
