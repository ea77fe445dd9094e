/**
 * Test switches under /__sandbox/: loopback callers with the sandbox admin token only.
 *   GET  /__sandbox/grants                          live consents
 *   POST /__sandbox/consent/expire     {grantId?, email?}   (neither: all live grants)
 *   POST /__sandbox/grant/revoke       {grantId?, email?}
 *   POST /__sandbox/faults             {delayMs?, failNext?, status?, includeToken?}
 *   POST /__sandbox/reset              faults off
 *   POST /__sandbox/transactions/post-pending {accountId, transactionId?}
 *   POST /__sandbox/transactions/add   {accountId, count, pending?}
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { noFaults } from "./faults";
import { findUserByEmail, type InstitutionState } from "./institution-state";
import { isLoopbackAddress, readJson, sendJson } from "./http-util";

function tokenMatches(given: string | undefined, expected: string): boolean {
  const a = createHash("sha256").update(given ?? "").digest();
  const b = createHash("sha256").update(`Bearer ${expected}`).digest();
  return timingSafeEqual(a, b);
}

const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
const int = (v: unknown, min: number, max: number) => (Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : undefined);

/** Ends a grant at the provider (grant, refresh tokens, codes) so refresh fails with invalid_grant. */
async function endGrant(bank: InstitutionState, grantId: string) {
  const p = bank.provider;
  await Promise.all([p.AccessToken.revokeByGrantId(grantId), p.RefreshToken.revokeByGrantId(grantId), p.AuthorizationCode.revokeByGrantId(grantId), p.Grant.adapter.destroy(grantId)]);
}

export async function handleAdmin(bank: InstitutionState, req: IncomingMessage, res: ServerResponse, url: URL) {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return sendJson(res, 403, { error: "loopback only" });
  if (!tokenMatches(req.headers.authorization, bank.adminToken)) return sendJson(res, 401, { error: "admin token required" });
  const route = `${req.method} ${url.pathname.replace(/^\/__sandbox/, "")}`;
  if (route === "GET /grants") return sendJson(res, 200, { grants: bank.consents.select({}) });
  if (req.method !== "POST") return sendJson(res, 404, { error: "not found" });
  let body: Record<string, unknown>;
  try {
    body = await readJson(req);
  } catch {
    return sendJson(res, 400, { error: "JSON object body expected" });
  }

  switch (route) {
    case "POST /consent/expire":
    case "POST /grant/revoke": {
      const email = str(body.email);
      const user = email ? findUserByEmail(bank.spec, email) : undefined;
      if (email && !user) return sendJson(res, 404, { error: "unknown user" });
      const affected = bank.consents.select({ grantId: str(body.grantId), userId: user?.id });
      for (const consent of affected) {
        bank.consents.update(consent.grantId, route === "POST /grant/revoke" ? { state: "revoked" } : { state: "expired", expiresMs: bank.now() });
        await endGrant(bank, consent.grantId);
      }
      return sendJson(res, 200, { affected: affected.map((c) => c.grantId) });
    }
    case "POST /faults": {
      const delayMs = body.delayMs === undefined ? bank.faults.delayMs : int(body.delayMs, 0, 120_000);
      const failNext = body.failNext === undefined ? bank.faults.failNext : int(body.failNext, 0, 1_000_000);
      const failStatus = body.status === undefined ? bank.faults.failStatus : int(body.status, 500, 599);
      const includeToken = body.includeToken === undefined ? bank.faults.includeToken : body.includeToken;
      if (delayMs === undefined || failNext === undefined || failStatus === undefined || typeof includeToken !== "boolean") {
        return sendJson(res, 400, { error: "delayMs 0-120000, failNext >= 0, status 500-599, includeToken boolean" });
      }
      Object.assign(bank.faults, { delayMs, failNext, failStatus, includeToken });
      return sendJson(res, 200, { faults: bank.faults });
    }
    case "POST /reset":
      Object.assign(bank.faults, noFaults());
      return sendJson(res, 200, { faults: bank.faults });
    case "POST /transactions/post-pending": {
      const accountId = str(body.accountId);
      if (!accountId || !bank.ledger.findAccount(accountId)) return sendJson(res, 404, { error: "unknown account" });
      const posted = bank.ledger.postPending(accountId, str(body.transactionId));
      return posted ? sendJson(res, 200, { posted }) : sendJson(res, 404, { error: "no such pending transaction" });
    }
    case "POST /transactions/add": {
      const accountId = str(body.accountId);
      const count = int(body.count, 1, 100_000);
      if (!accountId || !bank.ledger.findAccount(accountId) || count === undefined) return sendJson(res, 400, { error: "accountId and count 1-100000 required" });
      const added = bank.ledger.addTransactions(accountId, count, { pending: body.pending === true });
      return sendJson(res, 200, { added: added.length, ids: added.map((t) => t.id) });
    }
    default:
      return sendJson(res, 404, { error: "not found" });
  }
}
