import { BASE_URL, E2E_PORT } from "./paths";

/**
 * The sandbox bank beside the e2e server (playwright.config.ts starts it). Its ports follow
 * E2E_PORT (3100 -> 4110/4111, 3210 -> 4330/4331) so parallel runs on one machine do not collide,
 * and never meet the dev bank's 4010/4011.
 */
const base = 4110 + ((((E2E_PORT - 3100) * 2) % 2000) + 2000) % 2000;
export const SANDBOX_BANK_PORTS = { northwind: base, harbor: base + 1 } as const;
export const SANDBOX_BANK_URLS = {
  northwind: `http://127.0.0.1:${SANDBOX_BANK_PORTS.northwind}`,
  harbor: `http://127.0.0.1:${SANDBOX_BANK_PORTS.harbor}`,
} as const;
export const SANDBOX_BANK_DATA_DIR_REL = `.test-output/e2e-sandbox-bank-${E2E_PORT}`;
export const SANDBOX_BANK_ADMIN_TOKEN = "e2e-sandbox-admin";

/** The bank process's own configuration (SANDBOX_BANK_* only). */
export const sandboxBankEnv: Record<string, string> = {
  SANDBOX_BANK_NORTHWIND_PORT: String(SANDBOX_BANK_PORTS.northwind),
  SANDBOX_BANK_HARBOR_PORT: String(SANDBOX_BANK_PORTS.harbor),
  SANDBOX_BANK_EXTRA_REDIRECT_URIS: `${BASE_URL}/api/banking/callback`,
  SANDBOX_BANK_DATA_DIR: SANDBOX_BANK_DATA_DIR_REL,
  SANDBOX_BANK_ADMIN_TOKEN: SANDBOX_BANK_ADMIN_TOKEN,
  // The benchmark account is not needed here: keep start-up and memory small.
  SANDBOX_BANK_LARGE_TRANSACTIONS: "500",
};

/** What the app needs to offer the two sandbox institutions at those addresses. */
export const appSandboxEnv: Record<string, string> = {
  SANDBOX_INSTITUTIONS: "on",
  SANDBOX_BANK_URL_NORTHWIND: SANDBOX_BANK_URLS.northwind,
  SANDBOX_BANK_URL_HARBOR: SANDBOX_BANK_URLS.harbor,
};

/** The command: a fresh data directory per run, then the bank. */
export const sandboxBankCommand = `node -e "require('node:fs').rmSync('${SANDBOX_BANK_DATA_DIR_REL}',{recursive:true,force:true})" && npx tsx sandbox-bank/server.ts`;

export const NORTHWIND_DEMO = { email: "demo@northwind.example", password: "northwind-demo" } as const;
