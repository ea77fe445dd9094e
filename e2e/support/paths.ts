import path from "node:path";
import { fileURLToPath } from "node:url";

/** Everything the e2e run writes lives under .test-output (git-ignored), next to the repo root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** E2E_PORT lets several runs share a machine (each gets its own port, database and outbox). */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_URL = `http://localhost:${E2E_PORT}`;
const RUN = E2E_PORT === 3100 ? "" : `-${E2E_PORT}`;

// Relative to the repo root: the server runs with that as its working directory.
export const OUTBOX_DIR_REL = `.test-output/e2e-outbox${RUN}`;
export const PGLITE_DIR_REL = `.test-output/e2e-pglite${RUN}`;

export const OUTBOX_DIR = path.join(REPO_ROOT, OUTBOX_DIR_REL);
export const PGLITE_DIR = path.join(REPO_ROOT, PGLITE_DIR_REL);
