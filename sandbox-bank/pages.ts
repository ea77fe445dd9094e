/**
 * Server-rendered login, consent and error pages: plain HTML forms, no script, no external
 * assets, one inline style allowed by its hash in the Content-Security-Policy.
 */
import { createHash } from "node:crypto";
import type { SeedAccount } from "./institutions";

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;background:#f4f6f8;color:#1c2430;margin:0}
main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.75rem 0 .25rem}
input[type=email],input[type=password],select{width:100%;padding:.5rem;box-sizing:border-box}
.acct{display:flex;gap:.5rem;align-items:center;margin:.4rem 0}.err{color:#b00020}
.row{display:flex;gap:.75rem;margin-top:1.25rem}button{padding:.55rem 1.1rem;cursor:pointer}
.primary{background:#1f5fbf;color:#fff;border:0;border-radius:4px}.muted{color:#5b6675;font-size:.9rem}`;

export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'; frame-ancestors 'none'; base-uri 'none'`;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, bankName: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} - ${escapeHtml(bankName)}</title><style>${STYLE}</style></head>
<body><main><p class="muted">${escapeHtml(bankName)} (sandbox)</p>${body}</main></body></html>`;
}

export function loginPage(bankName: string, uid: string, clientName: string, error?: string, email = ""): string {
  return layout("Sign in", bankName, `<h1>Sign in to ${escapeHtml(bankName)}</h1>
<p>${escapeHtml(clientName)} asks to connect to your accounts. Your password stays with your bank.</p>
${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="row"><button class="primary" type="submit">Sign in</button></div></form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><div class="row"><button type="submit">Cancel</button></div></form>`);
}

export const DURATIONS_DAYS = [30, 90, 365] as const;

export function consentPage(bankName: string, uid: string, clientName: string, scope: string, accounts: SeedAccount[], error?: string): string {
  const rows = accounts
    .map((a) => `<label class="acct"><input type="checkbox" name="account" value="${escapeHtml(a.id)}" checked> ${escapeHtml(a.nickname)} <span class="muted">...${escapeHtml(a.accountNumber.slice(-4))}</span></label>`)
    .join("");
  const durations = DURATIONS_DAYS.map((d) => `<option value="${d}"${d === 90 ? " selected" : ""}>${d} days</option>`).join("");
  return layout("Allow access", bankName, `<h1>Allow ${escapeHtml(clientName)} to read your accounts?</h1>
<p>Access is <strong>read-only</strong> (scope <code>${escapeHtml(scope)}</code>): balances and transactions of the accounts you choose. It cannot move money.</p>
${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/confirm">
<fieldset><legend>Accounts</legend>${rows}</fieldset>
<label for="duration">For how long</label><select id="duration" name="duration">${durations}</select>
<div class="row"><button class="primary" type="submit">Allow</button></div></form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><div class="row"><button type="submit">Deny</button></div></form>`);
}

export function errorPage(bankName: string, error: string, description: string): string {
  return layout("Error", bankName, `<h1>Something went wrong</h1><p class="err">${escapeHtml(error)}</p><p>${escapeHtml(description)}</p>`);
}
