import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // next's "server-only" throws outside React Server Components; tests run plain Node.
      "server-only": path.resolve(import.meta.dirname, "tests/empty-module.ts"),
    },
  },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    // *.postgres.test.ts prove PostgreSQL-only behaviour (the postgres.js driver): they run in the
    // PostgreSQL pass of `npm test` (DATABASE_URL set) and are left out, not skipped, on PGlite.
    exclude: ["node_modules/**", "e2e/**", ".next*/**", "sandbox-bank/node_modules/**", ...(process.env.DATABASE_URL ? [] : ["**/*.postgres.test.ts"])],
    setupFiles: ["tests/setup.ts"],
    // next-auth imports "next/server" without an extension, which Node's ESM loader refuses: let Vite resolve it.
    server: { deps: { inline: ["next-auth"] } },
    globalSetup: ["tests/global-setup.ts"],
    pool: "forks",
    isolate: false,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
