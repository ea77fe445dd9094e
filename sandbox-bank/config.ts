/**
 * The sandbox bank's configuration, from SANDBOX_BANK_* variables only: it shares nothing with
 * the app's env, as a real bank would not.
 */
import path from "node:path";
import { DEFAULT_REDIRECT_URI } from "./clients";
import type { SandboxBankOptions } from "./bank";

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer ${min}-${max}`);
  return value;
}

const list = (raw: string | undefined) => (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean);

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxBankOptions {
  return {
    host: env.SANDBOX_BANK_HOST || "127.0.0.1",
    ports: [intFrom(env, "SANDBOX_BANK_NORTHWIND_PORT", 4010, 0, 65535), intFrom(env, "SANDBOX_BANK_HARBOR_PORT", 4011, 0, 65535)],
    allowNonLoopback: env.SANDBOX_BANK_ALLOW_NON_LOOPBACK === "1",
    dataDir: env.SANDBOX_BANK_DATA_DIR || path.join(import.meta.dirname, ".data"),
    envJwks: env.SANDBOX_BANK_JWKS || undefined,
    envCookieKeys: env.SANDBOX_BANK_COOKIE_KEYS || undefined,
    seed: env.SANDBOX_BANK_SEED || "chargekeep-sandbox",
    historyDays: intFrom(env, "SANDBOX_BANK_HISTORY_DAYS", 730, 1, 3650),
    largeTransactions: intFrom(env, "SANDBOX_BANK_LARGE_TRANSACTIONS", 100_000, 0, 5_000_000),
    clientId: env.SANDBOX_BANK_CLIENT_ID || "chargekeep-dev",
    clientSecret: env.SANDBOX_BANK_CLIENT_SECRET || "chargekeep-dev-secret",
    redirectUris: [DEFAULT_REDIRECT_URI, ...list(env.SANDBOX_BANK_EXTRA_REDIRECT_URIS)],
    adminToken: env.SANDBOX_BANK_ADMIN_TOKEN || "sandbox-admin-dev",
    accessTokenTtlSeconds: intFrom(env, "SANDBOX_BANK_ACCESS_TOKEN_TTL", 600, 30, 86_400),
  };
}
