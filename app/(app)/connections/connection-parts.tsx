import Link from "next/link";
import { UtcTime } from "@/components/admin/utc-time";
import type { AccountView, ConnectionView } from "@/lib/banking";
import { DataTable } from "@/components/data-table";

const STATUS: Record<ConnectionView["status"], { label: string; tone: string }> = {
  pending: { label: "Waiting for the bank", tone: "bg-slate-100 text-slate-800" },
  active: { label: "Active", tone: "bg-green-100 text-green-900" },
  syncing: { label: "Syncing…", tone: "bg-blue-100 text-blue-900" },
  reauth_required: { label: "Re-authorization required", tone: "bg-amber-100 text-amber-900" },
  error: { label: "Sync error", tone: "bg-red-100 text-red-900" },
  disconnected: { label: "Disconnected", tone: "bg-slate-200 text-slate-700" },
};

export function StatusBadge({ status }: { status: ConnectionView["status"] }) {
  const s = STATUS[status];
  return <span className={`inline-block rounded px-2 py-0.5 text-xs font-semibold ${s.tone}`}>{s.label}</span>;
}

/** What the member can do about the connection's state, in one sentence. */
export function StatusAdvice({ connection }: { connection: ConnectionView }) {
  const text = {
    pending: "The bank has not finished the connection yet.",
    active: "Transactions sync automatically.",
    syncing: "Fetching accounts and transactions from the bank.",
    reauth_required: `${connection.lastError ?? "The bank needs you to sign in again."} Choose Re-authorize.`,
    error: `${connection.lastError ?? "The last sync failed."} It is retried automatically; Sync now tries at once.`,
    disconnected: "ChargeKeep no longer has access. Past transactions are kept; connect the bank again to resume.",
  }[connection.status];
  return <p className="text-sm text-slate-700">{text}</p>;
}

export function formatMinor(minor: number | null, currency: string): string {
  if (minor === null) return "—";
  const f = new Intl.NumberFormat("en-US", { style: "currency", currency });
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

const TYPES: Record<string, string> = { checking: "Checking", savings: "Savings", credit_card: "Credit card", loan: "Loan", other: "Other" };

export function AccountsTable({ accounts }: { accounts: AccountView[] }) {
  if (accounts.length === 0) return <p className="text-sm text-slate-600">No accounts yet.</p>;
  return (
    <DataTable
      testId="accounts-table"
      caption="Accounts at this bank"
      rows={accounts}
      rowKey={(a) => a.id}
      columns={[
        { header: "Account", rowHeader: true, cell: (a) => a.name },
        { header: "Type", cell: (a) => TYPES[a.type] ?? a.type },
        { header: "Number", className: "font-mono", cell: (a) => (a.mask ? `••••${a.mask}` : "—") },
        { header: "Balance", align: "right", className: "tabular-nums", cell: (a) => formatMinor(a.currentBalanceMinor, a.currency) },
      ]}
    />
  );
}

export function ConnectionFacts({ connection }: { connection: ConnectionView }) {
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
      <div>
        <dt className="text-slate-600">Consent expires</dt>
        <dd>
          <UtcTime date={connection.consentExpiresAt} fallback="Not reported by the bank" />
        </dd>
      </div>
      <div>
        <dt className="text-slate-600">Last successful sync</dt>
        <dd>
          <UtcTime date={connection.lastSyncedAt} />
        </dd>
      </div>
      <div>
        <dt className="text-slate-600">Connected</dt>
        <dd>
          <UtcTime date={connection.createdAt} />
        </dd>
      </div>
    </dl>
  );
}

export function ConnectionLink({ id, children }: { id: string; children: React.ReactNode }) {
  return (
    <Link className="text-blue-700 underline" href={`/connections/${id}`}>
      {children}
    </Link>
  );
}

/** Fixed sentences for ?notice= (the query only ever selects one; nothing from it is echoed). */
export const NOTICES: Record<string, { ok: boolean; text: string }> = {
  connected: { ok: true, text: "Bank connected. The first sync is running." },
  reauthorized: { ok: true, text: "Connection re-authorized. Syncing resumes now." },
  refused: { ok: false, text: "You declined access at the bank, so nothing was connected." },
  invalid: { ok: false, text: "That bank sign-in could not be matched to this browser session, expired or was already used. Start again with Connect a bank." },
  failed: { ok: false, text: "The bank did not complete the connection. Try again in a few minutes." },
  disconnected: { ok: true, text: "Disconnected. The bank has revoked ChargeKeep's access; past transactions are kept." },
  disconnected_unconfirmed: {
    ok: true,
    text: "Disconnected here and the tokens are deleted, but the bank did not confirm the revocation: you can also withdraw access in your online banking.",
  },
  different_login: { ok: false, text: "You signed in at the bank as someone else than the login this connection was made with. Re-authorize with the same bank login, or connect the other login as a new connection." },
};

export function Notice({ code }: { code: string | undefined }) {
  const n = code && Object.hasOwn(NOTICES, code) ? NOTICES[code] : undefined;
  if (!n) return null;
  return (
    <p role={n.ok ? "status" : "alert"} className={`mb-4 rounded-md px-3 py-2 text-sm ${n.ok ? "bg-green-50 text-green-800" : "bg-red-50 text-red-800"}`} data-testid="connections-notice">
      {n.text}
    </p>
  );
}
