"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { setSessionCookie } from "@/lib/auth";
import { formAction } from "@/lib/http";
import { createOrganization, organizationNameSchema } from "@/lib/orgs";

export const createOrganizationAction = formAction(
  { auth: true, schema: z.object({ name: organizationNameSchema }) },
  async ({ name }, { session }) => {
    const rotated = await createOrganization(getDb(), session, name);
    await setSessionCookie(rotated.token);
    redirect("/dashboard");
  },
);
