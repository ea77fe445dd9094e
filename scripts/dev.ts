/**
 * `npm run dev`: the one-command local ChargeKeep. Embedded PGlite under .data/, migrations
 * applied on boot, the demo organization seeded (its owner's password printed once), mail to the
 * dev outbox (/dev/outbox).
 */
import { mkdirSync } from "node:fs";

mkdirSync(".data", { recursive: true });
process.env.SEED_DEMO ??= "true";
process.argv.push("--dev");
await import("./server");
