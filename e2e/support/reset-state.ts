/**
 * Runs right before the e2e server starts (see playwright.config.ts webServer.command): a fresh
 * embedded database and an empty outbox for every run. The whole PGlite folder goes, so a lock
 * file left behind by a killed run cannot block the next one.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { OUTBOX_DIR, PGLITE_DIR, REPO_ROOT } from "./paths";

const scratch = path.join(REPO_ROOT, ".test-output") + path.sep;
for (const dir of [PGLITE_DIR, OUTBOX_DIR]) {
  if (!dir.startsWith(scratch)) throw new Error(`refusing to wipe ${dir}: outside ${scratch}`);
  rmSync(dir, { recursive: true, force: true });
}
mkdirSync(OUTBOX_DIR, { recursive: true });
