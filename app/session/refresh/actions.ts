"use server";

import { z } from "zod";
import { formAction } from "@/lib/gate";

/**
 * Spending this action is the rotation: requireSession() (in the wrapper) sees the pending flag,
 * gives the session a new id and sets the cookie in this response.
 */
export const refreshSessionAction = formAction({ auth: true, schema: z.object({}) }, async () => ({ ok: true }));
