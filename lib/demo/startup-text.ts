import type { DemoBankOutcome } from "./bank";
import { DEMO_OWNER_EMAIL } from "./owner";

/** What `npm run dev` prints after seeding: how to sign in and what to try first. */
export function demoStartupText(appUrl: string, result: { created: { email: string; password: string } | null; bank: DemoBankOutcome | null }): string {
  const base = appUrl.replace(/\/$/, "");
  const lines = [""];
  if (result.created) {
    lines.push(
      '  ChargeKeep demo organization "Acme Corp" created.',
      `  Sign in at ${base}/sign-in`,
      `    e-mail:   ${result.created.email}`,
      `    password: ${result.created.password}`,
      '  This password is shown once. Lost it? Use "Forgot password" and read the dev outbox.',
    );
  } else {
    lines.push(`  Demo organization "Acme Corp": sign in at ${base}/sign-in as ${DEMO_OWNER_EMAIL} (password printed at the first start; lost it? "Forgot password", then ${base}/dev/outbox).`);
  }
  const bank = result.bank;
  if (bank?.status === "connected") lines.push(`  Connected to Northwind Bank (sandbox) through its OAuth pages and synced ${bank.transactions} transactions (two years, USD and EUR).`);
  else if (bank?.status === "unavailable") lines.push(`  The demo's bank connection was not made: ${bank.reason}. It is tried again at the next start.`);
  lines.push(
    "  Then try:",
    `    - ${base}/dashboard: balances per currency, cash flow per month, top categories and merchants`,
    `    - ${base}/transactions: search, filter, export (export asks for a second factor)`,
    `    - ${base}/settings/security: set up an authenticator app or a passkey`,
    `    - ${base}/connections: connect a second bank, e.g. Harbor Credit Union (sandbox) as demo@harbor.example / harbor-demo`,
    `    - ${base}/admin/members and /admin/groups: five members in different roles and the "Finance team" group`,
    `    - ${base}/admin/posture: how well Acme Corp is protected, item by item, with what fixes each`,
    `    - ${base}/admin/alerts and /admin/audit: the alert and audit history`,
    `    - ${base}/admin/sso: single sign-on with the sandbox identity provider (README, "Single sign-on" > "Try it locally")`,
    "",
  );
  return lines.join("\n");
}
