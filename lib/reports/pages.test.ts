import { renderToString } from "react-dom/server";
import { beforeAll, describe, expect, it } from "vitest";
import DashboardPage from "@/app/(app)/dashboard/page";
import TransactionsPage from "@/app/(app)/transactions/page";
import { getDb } from "@/db";
import { makeSession, makeUser, type BuiltInRole } from "@/tests/factories";
import { resetRequestContext, setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import { formatMoney } from "./money";
import { monthsBetween, periodRange } from "./period";
import { insertAccount, insertConnection, insertTransactions } from "@/tests/support/reports";

/** The pages rendered to HTML as the server sends them, for a session of each role. */

const db = () => getDb();
let orgId: string;
const people = {} as Record<BuiltInRole, string>;

async function as(role: BuiltInRole, path: string) {
  resetRequestContext();
  setRequestCookie("ck_session", (await makeSession(people[role], orgId)).token);
  setRequestHeaders({ "x-pathname": path });
}

type Page = (p: { searchParams: Promise<Record<string, string | string[] | undefined>> }) => Promise<React.ReactElement>;
const render = async (page: Page, search: Record<string, string | string[]> = {}) => renderToString(await page({ searchParams: Promise.resolve(search) }));

beforeAll(async () => {
  const owner = await makeUser();
  orgId = owner.organizationId;
  people.owner = owner.user.id;
  for (const role of ["admin", "accountant", "member", "viewer"] as const) people[role] = (await makeUser({ organizationId: orgId, role })).user.id;
  const connectionId = await insertConnection(db(), orgId);
  const usd = await insertAccount(db(), orgId, { name: "Operating", currency: "USD", mask: "9001", currentMinor: 1_234_567, connectionId });
  const jpy = await insertAccount(db(), orgId, { name: "Tokyo branch", currency: "JPY", mask: "7700", currentMinor: 50_000, connectionId });
  await insertTransactions(db(), orgId, usd, [
    { bookedOn: "2026-11-20", amountMinor: -4_250, currency: "USD", description: "Office <script>alert(1)</script> supplies", merchant: "Paper Co", category: "Office", status: "pending" },
    { bookedOn: "2026-10-02", amountMinor: 500_000, currency: "USD", description: "Invoice 42", category: "Income" },
  ]);
  await insertTransactions(db(), orgId, jpy, [{ bookedOn: "2026-11-01", amountMinor: -3_000, currency: "JPY", description: "Taxi", merchant: "Tokyo Cab", category: "Travel" }]);
});

describe("dashboard page", () => {
  it("V8.2.1 a member sees totals per currency, the monthly figures as a table, top categories and merchants", async () => {
    await as("member", "/dashboard");
    const html = await render(DashboardPage as Page, { from: "2026-01-01", to: "2026-11-30" });
    expect(html).toContain(formatMoney("1234567", "USD"));
    expect(html).toContain(formatMoney("50000", "JPY"));
    expect(html).toContain("never added together");
    // the chart's text alternative: every month's figures, exactly
    expect(html).toMatch(/Money in and out per month, (<!-- -->)?USD/);
    expect(html).toContain("cash-flow-table-USD");
    // the chart itself is drawn into the server HTML, with no inline style for the CSP to refuse
    const chart = html.slice(html.indexOf('data-testid="cash-flow-chart"'));
    expect(chart).toMatch(/<rect data-series="in"[^>]*fill="#15803d"/);
    expect(chart.slice(0, chart.indexOf("</div>"))).not.toContain("style=");
    expect(html).toContain("2026-10");
    expect(html).toContain(formatMoney("500000", "USD"));
    expect(html).toContain("Paper Co");
    expect(html).toContain("Tokyo Cab");
    expect(html).toContain('href="/connections"');
    expect(html).not.toContain("<script>alert(1)</script>");
  });

  it("V8.2.1 V8.2.3 a viewer sees connection status and who can grant access, and no figures", async () => {
    await as("viewer", "/dashboard");
    const html = await render(DashboardPage as Page);
    expect(html).toContain("Northwind Test Bank");
    expect(html).toContain("Connected");
    expect(html).toContain("An owner or admin of your organization");
    expect(html).not.toContain("$");
    expect(html).not.toContain("Paper Co");
  });

  it("V8.4.1 an account id of another organization in the URL is refused with a sentence, not shown", async () => {
    const other = (await makeUser()).organizationId;
    const theirs = await insertAccount(db(), other, { name: "Their secret account", currency: "USD", currentMinor: 777 });
    await as("member", "/dashboard");
    const html = await render(DashboardPage as Page, { account: theirs });
    expect(html).toContain("One of the chosen accounts was not found.");
    expect(html).not.toContain("Their secret account");
    expect(html).not.toContain(formatMoney("777", "USD"));
  });

  it("V2.2.1 the period comes from the URL: the last 3 months with quiet months as zeros, the chosen link marked current; anything else is refused with a sentence", async () => {
    await as("member", "/dashboard");
    const html = await render(DashboardPage as Page, { period: "3" });
    const today = new Date();
    const months = monthsBetween(periodRange(3, today).from, today.toISOString().slice(0, 10));
    const usdTable = html.slice(html.indexOf('id="cash-flow-table-USD"'), html.indexOf("</table>", html.indexOf('id="cash-flow-table-USD"')));
    expect(usdTable.match(/data-testid="cash-flow-row"/g)).toHaveLength(3);
    for (const m of months) expect(usdTable).toContain(`dateTime="${m}"`);
    // A month without a single transaction is a row of zeros, not a gap.
    expect(usdTable).toContain(formatMoney("0", "USD"));
    expect(html).toMatch(/<a[^>]*href="\/dashboard\?period=3"[^>]*aria-current="page"|<a[^>]*aria-current="page"[^>]*href="\/dashboard\?period=3"/);
    expect(html).not.toMatch(/<a[^>]*href="\/dashboard\?period=12"[^>]*aria-current="page"/);
    for (const bad of ["5", "120", "-3", "12abc"]) {
      const refused = await render(DashboardPage as Page, { period: bad });
      expect(refused).toContain("Choose a period of 3, 6, 12 or 24 months.");
      expect(refused).not.toContain('data-testid="cash-flow-row"');
    }
  });

  it("V8.2.1 each currency's card shows its month-end balance trend and change; each connection says how fresh it is", async () => {
    await as("member", "/dashboard");
    const html = await render(DashboardPage as Page, { period: "6" });
    expect(html.match(/data-testid="balance-trend"/g)).toHaveLength(2);
    expect(html).toMatch(/Up(<!-- -->)? <span[^>]*>\$5,000\.00<\/span> since the end of/);
    expect(html).toContain("Total USD balance at the end of each month");
    // The last point is the balance now.
    expect(html).toContain(`End of ${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][new Date().getUTCMonth()]}`);
    expect(html).toMatch(/data-testid="connection-freshness">\((<!-- -->)?synced [\w ]+ ago/);

    const stale = await makeUser();
    const conn = await insertConnection(db(), stale.organizationId, "reauth_required");
    await insertAccount(db(), stale.organizationId, { name: "Stale", currency: "USD", currentMinor: 5, connectionId: conn });
    resetRequestContext();
    setRequestCookie("ck_session", (await makeSession(stale.user.id, stale.organizationId)).token);
    const needs = await render(DashboardPage as Page);
    expect(needs).toMatch(/data-testid="connection-freshness">\((<!-- -->)?needs re-authorization/);
  });

  it("an organization with nothing connected gets the empty state linking to /connections", async () => {
    const fresh = await makeUser();
    resetRequestContext();
    setRequestCookie("ck_session", (await makeSession(fresh.user.id, fresh.organizationId)).token);
    const html = await render(DashboardPage as Page);
    expect(html).toContain("No bank accounts connected yet");
    expect(html).toMatch(/href="\/connections"[^>]*>Connect a bank/);
  });
});

describe("transactions page", () => {
  it("V8.2.1 lists rows with the account's name and mask, pending marked, amounts right-aligned; export only for reports:export", async () => {
    await as("member", "/transactions");
    const html = await render(TransactionsPage as Page);
    expect(html.match(/data-testid="transaction-row"/g)).toHaveLength(3);
    expect(html).toContain("Operating ••9001");
    expect(html).toContain(">Pending<");
    expect(html).toMatch(/class="p-2 text-right"><span class="[^"]*">-\$42\.50/);
    expect(html).toContain("¥3,000");
    expect(html).not.toContain("Export CSV");
    await as("accountant", "/transactions");
    expect(await render(TransactionsPage as Page)).toContain("Export CSV");
  });

  it("V1.2.1 V3.2.2 a description carrying markup (from a bank or a statement file) is shown as text, never as a tag", async () => {
    await as("member", "/transactions");
    const html = await render(TransactionsPage as Page);
    expect(html).toContain("Office &lt;script&gt;alert(1)&lt;/script&gt; supplies");
    expect(html).not.toContain("<script>alert(1)</script>");
    // A search term is echoed into the filter form's value attribute: quoted, not breaking out of it.
    const searched = await render(TransactionsPage as Page, { q: '"><img src=x onerror=alert(1)>' });
    expect(searched).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(searched).not.toContain("<img src=x");
  });

  it("V2.2.1 malformed filters and an edited page link are explained next to the form", async () => {
    await as("member", "/transactions");
    const bad = await render(TransactionsPage as Page, { from: "31/01/2026" });
    expect(bad).toContain("Enter a date like 2026-01-31.");
    expect(bad).not.toContain('data-testid="transaction-row"');
    const edited = await render(TransactionsPage as Page, { cursor: "bm90LWEtY3Vyc29y" });
    expect(edited).toContain("That page link is not valid.");
  });
});
