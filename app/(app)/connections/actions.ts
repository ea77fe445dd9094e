"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { confirmSchema } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { disconnectConnection, recordSyncRequest, startConnection } from "@/lib/banking";
import { requestSync } from "@/lib/sync";

const connectionId = z.uuid({ error: "Unknown connection." });

/** Connect a bank: a recent second factor, then the browser goes to the bank's sign-in page. */
export const connectBankAction = formAction(
  { auth: true, permission: "bank_connections:manage", schema: z.object({ institutionId: z.uuid({ error: "Choose a bank." }) }) },
  async ({ institutionId }, { session, meta, db }) => {
    const url = await startConnection(db, session, { institutionId }, meta);
    redirect(url);
  },
);

/** Re-authorize: the same trip to the bank, updating this connection (the same bank login only). */
export const reauthorizeConnectionAction = formAction(
  { auth: true, permission: "bank_connections:manage", schema: z.object({ connectionId }) },
  async ({ connectionId }, { session, meta, db }) => {
    const url = await startConnection(db, session, { connectionId }, meta);
    redirect(url);
  },
);

export const disconnectConnectionAction = formAction(
  { auth: true, permission: "bank_connections:manage", schema: z.object({ connectionId, confirm: confirmSchema }) },
  async ({ connectionId }, { session, meta, db }) => {
    const { revoked } = await disconnectConnection(db, session, connectionId, meta);
    revalidatePath("/connections");
    // The form goes away with the live connection: the page says what happened instead.
    redirect(`/connections/${connectionId}?notice=${revoked ? "disconnected" : "disconnected_unconfirmed"}`);
  },
);

export const syncConnectionAction = formAction(
  { auth: true, permission: "bank_connections:manage", schema: z.object({ connectionId }) },
  async ({ connectionId }, { session, meta, db }) => {
    await recordSyncRequest(db, session, connectionId, meta);
    requestSync(connectionId, "manual");
    revalidatePath(`/connections/${connectionId}`);
    return { ok: true, message: "Sync started. New transactions appear in a moment." };
  },
);
