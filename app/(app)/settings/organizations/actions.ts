"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { setSessionCookie } from "@/lib/auth";
import { formAction } from "@/lib/gate";
import { createOrganization, organizationNameSchema } from "@/lib/orgs";

export const createOrganizationAction = formAction(
  { auth: true, schema: z.object({ name: organizationNameSchema }) },
  async ({ name }, { session, db }) => {
    const rotated = await createOrganization(db, session, name);
    await setSessionCookie(rotated.token);
    redirect("/dashboard");
  },
);
