import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomToken } from "@/lib/crypto/tokens";

export type OutboxMessage = { id: string; to: string; subject: string; text: string; createdAt: string };

/**
 * Without SMTP_URL, mail lands here as one JSON file per message: a developer reads it on
 * /dev/outbox, and tests read it directly (the files are what a mailbox would have received).
 */
export function writeToOutbox(dir: string, message: Omit<OutboxMessage, "id" | "createdAt">): OutboxMessage {
  mkdirSync(dir, { recursive: true });
  const createdAt = new Date().toISOString();
  const id = `${createdAt.replace(/[:.]/g, "-")}-${randomToken(6)}`;
  const full = { id, createdAt, ...message };
  writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(full, null, 2), { mode: 0o600 });
  return full;
}

export function readOutbox(dir: string, to?: string): OutboxMessage[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  return files
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as OutboxMessage)
    .filter((m) => !to || m.to.toLowerCase() === to.toLowerCase());
}
