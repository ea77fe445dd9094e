import { vi } from "vitest";
import { resetEnvCache } from "@/lib/env";

/** Stub variables and drop the parsed-config cache so the next env() call sees them (undone after each test). */
export function stubEnv(vars: Record<string, string>): void {
  for (const [k, v] of Object.entries(vars)) vi.stubEnv(k, v);
  if (vars.NODE_ENV === "production" && !process.env.DATABASE_URL) vi.stubEnv("ALLOW_PGLITE_IN_PRODUCTION", "1");
  resetEnvCache();
}
