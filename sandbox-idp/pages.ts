/** The sandbox IdP's own sign-in page: a plain HTML form, no script, one hashed inline style. */
import { createHash } from "node:crypto";
import { escapeHtml } from "../sandbox-bank/pages";

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;background:#eef1f6;color:#1c2430;margin:0}
main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.35rem;margin-top:0}label{display:block;margin:.75rem 0 .25rem}
input[type=email],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}
.check{display:flex;gap:.5rem;align-items:center}.err{color:#b00020}.muted{color:#5b6675;font-size:.9rem}
button{margin-top:1.25rem;padding:.55rem 1.1rem;background:#4b2fbf;color:#fff;border:0;border-radius:4px;cursor:pointer}`;

export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} - Acme Identity (sandbox)</title><style>${STYLE}</style></head>
<body><main><p class="muted">Acme Identity (sandbox identity provider)</p>${body}</main></body></html>`;
}

export function signInPage(uid: string, clientName: string, error?: string, email = ""): string {
  return layout("Sign in", `<h1>Sign in to Acme Identity</h1>
<p>Continue to ${escapeHtml(clientName)}.</p>
${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="email">Work e-mail</label><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<label class="check"><input type="checkbox" name="mfa" value="1"> I also confirmed with my second factor (amr "mfa")</label>
<button type="submit">Sign in</button></form>`);
}

export function errorPage(error: string, description: string): string {
  return layout("Error", `<h1>Something went wrong</h1><p class="err">${escapeHtml(error)}</p><p>${escapeHtml(description)}</p>`);
}
