/**
 * The bank's own login and consent pages, driven by oidc-provider's interaction API.
 * The interaction cookie (set by the provider, scoped to /interaction/<uid>) binds each form
 * post to the browser that started the authorization request.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { DAY_MS } from "./ledger";
import { findUserByEmail, type InstitutionState } from "./institution-state";
import { consentPage, DURATIONS_DAYS, errorPage, loginPage } from "./pages";
import { READ_SCOPE } from "./provider";
import { readForm, sendHtml } from "./http-util";

function samePassword(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function clientName(bank: InstitutionState, clientId: unknown): string {
  return clientId === bank.clientId ? "ChargeKeep" : String(clientId);
}

export async function handleInteraction(bank: InstitutionState, req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined) {
  const name = bank.spec.name;
  let details;
  try {
    details = await bank.provider.interactionDetails(req, res);
  } catch {
    // No or foreign interaction cookie, or the interaction expired: start again from the app.
    return sendHtml(res, 400, errorPage(name, "interaction_expired", "This sign-in has expired. Go back to the app and try again."));
  }
  if (details.uid !== uid) return sendHtml(res, 400, errorPage(name, "invalid_request", "Interaction mismatch."));
  const client = clientName(bank, details.params.client_id);
  const user = details.session ? bank.spec.users.find((u) => u.id === details.session?.accountId) : undefined;

  if (req.method === "GET" && !action) {
    if (details.prompt.name === "login" || !user) return sendHtml(res, 200, loginPage(name, uid, client));
    return sendHtml(res, 200, consentPage(name, uid, client, READ_SCOPE, user.accounts));
  }
  if (req.method !== "POST") return sendHtml(res, 405, errorPage(name, "method_not_allowed", ""));

  if (action === "abort") {
    return bank.provider.interactionFinished(req, res, { error: "access_denied", error_description: "The user refused access." }, { mergeWithLastSubmission: false });
  }

  if (action === "login") {
    const form = await readForm(req);
    const email = form.get("email") ?? "";
    const candidate = findUserByEmail(bank.spec, email);
    // Compare against a dummy when the email is unknown so timing does not reveal which emails exist.
    const ok = samePassword(form.get("password") ?? "", candidate?.password ?? "\u0000no-such-user") && candidate !== undefined;
    if (!ok) return sendHtml(res, 401, loginPage(name, uid, client, "Wrong email or password.", email));
    return bank.provider.interactionFinished(req, res, { login: { accountId: candidate.id } }, { mergeWithLastSubmission: false });
  }

  if (action === "confirm") {
    if (details.prompt.name !== "consent" || !user) return sendHtml(res, 400, errorPage(name, "invalid_request", "Sign in first."));
    const form = await readForm(req);
    const owned = new Set(user.accounts.map((a) => a.id));
    const chosen = [...new Set(form.getAll("account"))];
    const days = Number(form.get("duration"));
    if (chosen.length === 0 || chosen.some((id) => !owned.has(id))) {
      return sendHtml(res, 400, consentPage(name, uid, client, READ_SCOPE, user.accounts, "Choose at least one of your accounts."));
    }
    if (!DURATIONS_DAYS.includes(days as (typeof DURATIONS_DAYS)[number])) {
      return sendHtml(res, 400, consentPage(name, uid, client, READ_SCOPE, user.accounts, "Choose a duration."));
    }
    const clientId = String(details.params.client_id);
    // A new grant per consent: its lifetime is the chosen duration, so refresh stops when it ends.
    const grant = new bank.provider.Grant({ accountId: user.id, clientId, expiresIn: days * 86_400 });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      // Read-only is all this bank offers: anything else asked for is simply not granted.
      const allowed = scopes.filter((s) => s === READ_SCOPE);
      if (allowed.length) grant.addResourceScope(resource, allowed.join(" "));
    }
    const grantId = await grant.save();
    bank.consents.add({ grantId, userId: user.id, clientId, accountIds: chosen, expiresMs: bank.now() + days * DAY_MS, state: "live" });
    return bank.provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  return sendHtml(res, 404, errorPage(name, "not_found", ""));
}
