/** The sandbox IdP's configuration, from SANDBOX_IDP_* variables only (it shares nothing with the app's env). */
import path from "node:path";
import type { SandboxIdpOptions } from "./idp";

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number`);
  return value;
}

const list = (raw: string | undefined) => (raw ?? "").split(/[\s,]+/).filter(Boolean);

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxIdpOptions {
  return {
    host: env.SANDBOX_IDP_HOST || "127.0.0.1",
    port: intFrom(env, "SANDBOX_IDP_PORT", 4020),
    dnsPort: intFrom(env, "SANDBOX_IDP_DNS_PORT", 5320),
    dataDir: env.SANDBOX_IDP_DATA_DIR || path.join(import.meta.dirname, ".data"),
    clientId: env.SANDBOX_IDP_CLIENT_ID || "chargekeep-sso",
    clientSecret: env.SANDBOX_IDP_CLIENT_SECRET || "chargekeep-sso-secret",
    appOrigins: list(env.SANDBOX_IDP_APP_ORIGINS).length ? list(env.SANDBOX_IDP_APP_ORIGINS) : ["http://localhost:3000"],
    amr: list(env.SANDBOX_IDP_AMR).length ? list(env.SANDBOX_IDP_AMR) : ["pwd"],
    adminToken: env.SANDBOX_IDP_ADMIN_TOKEN || "sandbox-idp-admin-dev",
    domain: env.SANDBOX_IDP_DOMAIN || undefined,
  };
}
