/**
 * Test support (tests and the benchmark only): a sandbox bank connection as lib/banking would
 * leave it (institution + connection rows), and an access provider that holds real tokens from
 * the sandbox's code flow and refreshes them as lib/banking's getApiAccess does.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { bankConnections, bankInstitutions } from "@/db/schema/banking";
import { seal } from "@/lib/crypto";
import { SyncReauthRequiredError } from "@/lib/sync/errors";
import type { InstitutionState } from "@/sandbox-bank/institution-state";
import { CLIENT_SECRET, connect, discover, refresh, type AuthorizeInput } from "@/tests/support/sandbox-browser";
import type { SyncDeps } from "@/lib/sync/run";

export type TestConnection = { connectionId: string; organizationId: string; deps: Pick<SyncDeps, "getApiAccess" | "markReauthRequired">; tokens: { access: string; refresh?: string } };

export async function connectSandbox(db: Database, bank: InstitutionState, organizationId: string, input: AuthorizeInput & { accounts: string[] }): Promise<TestConnection> {
  const session = await discover(bank);
  const t = await connect(session, input);
  const tokens = { access: t.access_token, refresh: t.refresh_token };
  const [inst] = await db
    .insert(bankInstitutions)
    .values({ slug: `sandbox-${randomUUID()}`, name: bank.spec.name, issuer: bank.issuer, clientId: "chargekeep-dev", clientSecret: CLIENT_SECRET, resource: bank.apiAudience, apiBaseUrl: bank.apiAudience })
    .returning({ id: bankInstitutions.id });
  const [conn] = await db.insert(bankConnections).values({ organizationId, institutionId: inst!.id, status: "active", scope: "fdx:read" }).returning({ id: bankConnections.id });
  const connectionId = conn!.id;
  // Sealed into the row as lib/banking stores them, so lib/banking's own getApiAccess can serve this connection too.
  await db
    .update(bankConnections)
    .set({
      accessToken: seal(tokens.access, { table: "bank_connections", column: "access_token", rowId: connectionId }),
      refreshToken: tokens.refresh ? seal(tokens.refresh, { table: "bank_connections", column: "refresh_token", rowId: connectionId }) : null,
      accessTokenExpiresAt: new Date(Date.now() + (t.expires_in ?? 600) * 1000),
    })
    .where(eq(bankConnections.id, connectionId));
  const markReauthRequired = async (d: Database, id: string, reason: string) => {
    await d.update(bankConnections).set({ status: "reauth_required", lastError: reason }).where(eq(bankConnections.id, id));
  };
  const getApiAccess: SyncDeps["getApiAccess"] = async (d, id, opts) => {
    if (id !== connectionId) throw new Error("wrong connection");
    if (opts?.forceRefresh) {
      try {
        const r = await refresh(session, tokens.refresh ?? "");
        tokens.access = r.access_token;
        tokens.refresh = r.refresh_token ?? tokens.refresh;
      } catch {
        const reason = "The bank needs you to sign in again to keep this connection.";
        await markReauthRequired(d, id, reason);
        throw new SyncReauthRequiredError(reason);
      }
    }
    return { accessToken: tokens.access, apiBaseUrl: bank.apiAudience };
  };
  return { connectionId, organizationId, deps: { getApiAccess, markReauthRequired }, tokens };
}
