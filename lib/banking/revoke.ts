import "server-only";
import * as oauth from "oauth4webapi";
import { loggableError } from "@/lib/http";
import { bankClient, type Institution } from "./oauth-client";

/**
 * Revokes the refresh token, then the access token, at the bank's RFC 7009 endpoint. Revoking the
 * refresh token ends the grant. A bank whose access tokens are self-contained JWTs (the sandbox
 * bank: oidc-provider) answers `unsupported_token_type` for them: that is not a failure when the
 * grant itself was revoked, since its API checks the grant on every call. Returns false when the
 * bank has no endpoint or did not confirm; the caller still forgets the tokens.
 */
export async function revokeAtBank(institution: Institution, tokens: { refresh?: string | null; access?: string | null }): Promise<boolean> {
  let all = true;
  try {
    const c = await bankClient(institution);
    if (!c.as.revocation_endpoint) return false;
    for (const [hint, token] of [["refresh_token", tokens.refresh], ["access_token", tokens.access]] as const) {
      if (!token) continue;
      try {
        const response = await oauth.revocationRequest(c.as, c.client, c.auth, token, { ...c.options, additionalParameters: { token_type_hint: hint } });
        await oauth.processRevocationResponse(response);
      } catch (e) {
        const structured = hint === "access_token" && e instanceof oauth.ResponseBodyError && e.error === "unsupported_token_type" && tokens.refresh && all;
        if (structured) continue;
        all = false;
        console.warn(`[banking] revoking the ${hint} at ${institution.slug} failed:`, loggableError(e));
      }
    }
  } catch (e) {
    console.warn(`[banking] revocation at ${institution.slug} failed:`, loggableError(e));
    return false;
  }
  return all;
}
