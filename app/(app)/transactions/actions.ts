"use server";

import { z } from "zod";
import { formAction } from "@/lib/gate";
import { requireRecentMfa } from "@/lib/mfa";

/**
 * Asked before the CSV link is followed: the export route wants a recent second factor, and a
 * browser sent there without one would land on a JSON error. This answers with the form's
 * "Verify now" prompt instead; the route checks everything again when the download starts.
 */
export const prepareTransactionsExportAction = formAction({ auth: true, permission: "reports:export", schema: z.object({}) }, async (_input, { session }) => {
  requireRecentMfa(session);
  return { ok: true, message: "Your download is starting." };
});
