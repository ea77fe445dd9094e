import "server-only";
import type * as oauth from "oauth4webapi";
import { bankConnections } from "@/db/schema";
import { seal } from "@/lib/crypto";
import { accessExpiry, consentExpiry } from "./oauth-client";

const CONNECTIONS = "bank_connections";

/** The columns a token response sets on a connection: tokens sealed to the row, with their expiries. */
export function tokenColumns(connectionId: string, tokens: oauth.TokenEndpointResponse, at: Date, keepRefresh?: string | null) {
  const refresh = tokens.refresh_token ?? keepRefresh ?? null;
  const consent = consentExpiry(tokens as unknown as Record<string, unknown>, at);
  return {
    accessToken: seal(tokens.access_token, { table: CONNECTIONS, column: "access_token", rowId: connectionId }),
    refreshToken: refresh ? seal(refresh, { table: CONNECTIONS, column: "refresh_token", rowId: connectionId }) : null,
    accessTokenExpiresAt: accessExpiry(tokens, at),
    ...(tokens.scope ? { scope: tokens.scope } : {}),
    ...(consent ? { consentExpiresAt: consent } : {}),
    updatedAt: at,
  } satisfies Partial<typeof bankConnections.$inferInsert>;
}
