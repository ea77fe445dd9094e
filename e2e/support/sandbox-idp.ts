import { BASE_URL, E2E_PORT } from "./paths";

/**
 * The sandbox identity provider beside the e2e server (playwright.config.ts starts it), with its
 * local DNS server. Ports follow E2E_PORT so parallel runs do not collide. The directory's domain
 * is new per run (a domain is verified by one organization only, and CI's Postgres outlives a run):
 * set here in the runner process, inherited by the workers.
 */
export const SANDBOX_IDP_PORT = 20_000 + (E2E_PORT % 10_000);
export const SANDBOX_IDP_DNS_PORT = 30_000 + (E2E_PORT % 10_000);
export const SANDBOX_IDP_URL = `http://127.0.0.1:${SANDBOX_IDP_PORT}`;
export const SANDBOX_IDP_ADMIN_TOKEN = "e2e-sandbox-idp-admin";
export const SANDBOX_IDP_CLIENT = { clientId: "chargekeep-sso", clientSecret: "e2e-sso-secret" } as const;
export const SANDBOX_IDP_PASSWORD = "sandbox-idp-password";

process.env.E2E_SSO_DOMAIN ??= `sso-${Date.now().toString(36)}.test`;
export const SSO_DOMAIN = process.env.E2E_SSO_DOMAIN;

/** The IdP process's own configuration (SANDBOX_IDP_* only). */
export const sandboxIdpEnv: Record<string, string> = {
  SANDBOX_IDP_PORT: String(SANDBOX_IDP_PORT),
  SANDBOX_IDP_DNS_PORT: String(SANDBOX_IDP_DNS_PORT),
  SANDBOX_IDP_APP_ORIGINS: BASE_URL,
  SANDBOX_IDP_CLIENT_ID: SANDBOX_IDP_CLIENT.clientId,
  SANDBOX_IDP_CLIENT_SECRET: SANDBOX_IDP_CLIENT.clientSecret,
  SANDBOX_IDP_ADMIN_TOKEN,
  SANDBOX_IDP_DOMAIN: SSO_DOMAIN,
  SANDBOX_IDP_DATA_DIR: `.test-output/e2e-sandbox-idp-${E2E_PORT}`,
};

/** The app asks the IdP's local DNS server when it verifies a domain. */
export const appIdpEnv: Record<string, string> = { DOMAIN_DNS_SERVERS: `127.0.0.1:${SANDBOX_IDP_DNS_PORT}` };

export const sandboxIdpCommand = `node -e "require('node:fs').rmSync('${sandboxIdpEnv.SANDBOX_IDP_DATA_DIR}',{recursive:true,force:true})" && npx tsx sandbox-idp/main.ts`;

/** Publishes a TXT record on the IdP's DNS server, as the owner would at their DNS host. */
export async function publishTxt(name: string, value: string): Promise<void> {
  const res = await fetch(`${SANDBOX_IDP_URL}/__sandbox/dns`, {
    method: "POST",
    headers: { authorization: `Bearer ${SANDBOX_IDP_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name, value }),
  });
  if (!res.ok) throw new Error(`sandbox DNS refused the record: ${res.status}`);
}
