import "server-only";
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "@/db";
import { bankAccounts, bankConnections, bankInstitutions, bankSyncRuns } from "@/db/schema";
import type { ConnectionStatus } from "@/db/schema/banking";

/** What the connections pages show: never a token, never a full account number. */
export type ConnectionView = {
  id: string;
  institutionName: string;
  status: ConnectionStatus;
  lastError: string | null;
  consentExpiresAt: Date | null;
  lastSyncedAt: Date | null;
  createdAt: Date;
  disconnectedAt: Date | null;
  accounts: AccountView[];
};
export type AccountView = { id: string; name: string; type: string; mask: string | null; currency: string; currentBalanceMinor: number | null; balanceAsOf: Date | null };
export type SyncRunView = { id: string; trigger: string; status: string; added: number; modified: number; removed: number; error: string | null; startedAt: Date; finishedAt: Date | null };

const connectionColumns = {
  id: bankConnections.id,
  institutionName: bankInstitutions.name,
  status: bankConnections.status,
  lastError: bankConnections.lastError,
  consentExpiresAt: bankConnections.consentExpiresAt,
  lastSyncedAt: bankConnections.lastSyncedAt,
  createdAt: bankConnections.createdAt,
  disconnectedAt: bankConnections.disconnectedAt,
};

async function accountsOf(db: Database, organizationId: string, connectionIds: string[]): Promise<Map<string, AccountView[]>> {
  const byConnection = new Map<string, AccountView[]>();
  if (connectionIds.length === 0) return byConnection;
  const rows = await db
    .select({
      id: bankAccounts.id,
      connectionId: bankAccounts.connectionId,
      name: bankAccounts.name,
      type: bankAccounts.type,
      mask: bankAccounts.mask,
      currency: bankAccounts.currency,
      currentBalanceMinor: bankAccounts.currentBalanceMinor,
      balanceAsOf: bankAccounts.balanceAsOf,
    })
    .from(bankAccounts)
    .where(and(eq(bankAccounts.organizationId, organizationId), inArray(bankAccounts.connectionId, connectionIds), isNull(bankAccounts.inactiveAt)))
    .orderBy(asc(bankAccounts.name));
  for (const { connectionId, ...a } of rows) {
    const list = byConnection.get(connectionId!) ?? [];
    list.push(a);
    byConnection.set(connectionId!, list);
  }
  return byConnection;
}

/** Every connection of the organization, newest first, with its active accounts. */
export async function listConnections(db: Database, organizationId: string): Promise<ConnectionView[]> {
  const rows = await db
    .select(connectionColumns)
    .from(bankConnections)
    .innerJoin(bankInstitutions, eq(bankInstitutions.id, bankConnections.institutionId))
    .where(eq(bankConnections.organizationId, organizationId))
    .orderBy(desc(bankConnections.createdAt));
  const accounts = await accountsOf(db, organizationId, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, accounts: accounts.get(r.id) ?? [] }));
}

/** One connection of the organization (undefined for another organization's id: the page says 404). */
export async function getConnection(db: Database, organizationId: string, connectionId: string): Promise<(ConnectionView & { syncRuns: SyncRunView[] }) | undefined> {
  const [row] = await db
    .select(connectionColumns)
    .from(bankConnections)
    .innerJoin(bankInstitutions, eq(bankInstitutions.id, bankConnections.institutionId))
    .where(and(eq(bankConnections.id, connectionId), eq(bankConnections.organizationId, organizationId)));
  if (!row) return undefined;
  const accounts = await accountsOf(db, organizationId, [row.id]);
  const syncRuns = await db
    .select({
      id: bankSyncRuns.id,
      trigger: bankSyncRuns.trigger,
      status: bankSyncRuns.status,
      added: bankSyncRuns.added,
      modified: bankSyncRuns.modified,
      removed: bankSyncRuns.removed,
      error: bankSyncRuns.error,
      startedAt: bankSyncRuns.startedAt,
      finishedAt: bankSyncRuns.finishedAt,
    })
    .from(bankSyncRuns)
    .where(and(eq(bankSyncRuns.connectionId, row.id), eq(bankSyncRuns.organizationId, organizationId)))
    .orderBy(desc(bankSyncRuns.startedAt))
    .limit(20);
  return { ...row, accounts: accounts.get(row.id) ?? [], syncRuns };
}
