import { defineConfig, devices } from "@playwright/test";
import { BASE_URL, E2E_PORT, OUTBOX_DIR_REL, PGLITE_DIR_REL } from "./e2e/support/paths";
import { appSandboxEnv, sandboxBankCommand, sandboxBankEnv, SANDBOX_BANK_URLS } from "./e2e/support/sandbox-bank";
import { appIdpEnv, sandboxIdpCommand, sandboxIdpEnv, SANDBOX_IDP_URL } from "./e2e/support/sandbox-idp";

/**
 * End-to-end suite against the PRODUCTION build in .next-e2e (built beforehand by the test script:
 * `NEXT_DIST_DIR=.next-e2e npx next build`). The server is our own scripts/server.ts on localhost
 * (WebAuthn refuses an IP as RP ID), with a fresh embedded database and a file outbox per run;
 * CI passes DATABASE_URL to run against Postgres instead.
 */
const serverEnv: Record<string, string> = {
  // The SFTP server has its own tests with real clients; parallel e2e servers must not fight over its port.
  SFTP_SERVER: "off",
  // In CI the database is shared with the Vitest run, whose bank connections point at sandbox banks
  // that are gone: the scheduler would keep retrying them. The round trip's initial sync is requested.
  BANK_SYNC_SCHEDULER: "off",
  NODE_ENV: "production",
  NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-e2e",
  PORT: String(E2E_PORT),
  HOST: "localhost",
  APP_URL: BASE_URL,
  MAIL_OUTBOX_DIR: OUTBOX_DIR_REL,
  PGLITE_DIR: PGLITE_DIR_REL,
  ALLOW_PGLITE_IN_PRODUCTION: "1",
  NEXT_TELEMETRY_DISABLED: "1",
  // Acme Corp seeded and connected to the sandbox bank at boot, as `npm run dev` does (e2e/demo.spec.ts).
  SEED_DEMO: "true",
  // Every e2e request comes from one loopback address: per-IP limits (sign-up 5/h) would trip.
  RATE_LIMIT_IP_MULTIPLIER: "20",
  // A run's own rate-limit counters: CI's Redis is shared, and an earlier run's sign-ups from this
  // same loopback address (5 an hour per address, times 20) must not count against this one.
  RATE_LIMIT_PREFIX: `ck:rl:e2e:${Date.now()}-${process.pid}`,
  // Wrong-password tests from 127.0.0.1 must not get the test runner's own address blocked.
  DEFENSE_IP_FAILURES_PER_HOUR: "100000",
  // Same test key as tests/setup.ts: in CI both suites share one Postgres database and its keyring.
  MASTER_KEY: process.env.MASTER_KEY ?? Buffer.alloc(32, "chargekeep-test-master-key").toString("base64"),
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  // The sandbox bank started below (e2e/support/sandbox-bank.ts), offered as Northwind and Harbor.
  ...appSandboxEnv,
  // The sandbox identity provider's local DNS server answers the domain checks (e2e/support/sandbox-idp.ts).
  ...appIdpEnv,
};

export default defineConfig({
  testDir: "./e2e",
  projects: [
    // Once per run, before any spec: the demo owner's password reset and saved session (a second
    // reset elsewhere would end the owner's sessions in the other worker's specs).
    { name: "setup", testMatch: /demo\.setup\.ts$/ },
    { name: "chromium", testMatch: "**/*.spec.ts", dependencies: ["setup"] },
  ],
  outputDir: `.test-output/e2e-artifacts-${E2E_PORT}`,
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: E2E_PORT === 3100 ? ".test-output/playwright.json" : `.test-output/playwright-${E2E_PORT}.json` }]],
  use: {
    baseURL: BASE_URL,
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
  },
  webServer: [
    {
      // The sandbox bank (two issuers) on its own ports, with the e2e origin's callback registered.
      // First: Playwright starts the servers in order, and the app connects the demo to it at boot.
      command: sandboxBankCommand,
      url: `${SANDBOX_BANK_URLS.northwind}/.well-known/openid-configuration`,
      env: sandboxBankEnv,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
    {
      // The sandbox identity provider (single sign-on) and its local DNS server.
      command: sandboxIdpCommand,
      url: `${SANDBOX_IDP_URL}/.well-known/openid-configuration`,
      env: sandboxIdpEnv,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
    {
      // Wipe the database folder and the outbox, then start the server (see e2e/support/reset-state.ts).
      command: "npx tsx e2e/support/reset-state.ts && npx tsx scripts/server.ts",
      url: `${BASE_URL}/api/health`,
      env: serverEnv,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
      // SIGTERM lets scripts/server.ts close the database cleanly instead of being killed.
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
  ],
});
