import "server-only";
import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { sftpFiles } from "@/db/schema";
import { errorReport, importStatement, MAX_STATEMENT_BYTES, statementFormatOf } from "@/lib/imports";
import { readWholeFile, writeFile, type SftpFile } from "./files";
import type { SessionActor } from "./transfers-log";

/**
 * A file just completed in inbox/: statements (.csv, .ofx, .qfx) are imported at once, before the
 * client hears that its upload closed; a refused file leaves `<name>.errors.txt` in outbox/.
 */
export async function onInboxFile(db: Database, file: SftpFile, actor: SessionActor): Promise<void> {
  if (file.folder !== "inbox" || file.status !== "stored" || !statementFormatOf(file.name)) return;
  const meta = { ip: actor.ip, userAgent: actor.client, requestId: actor.sessionId };
  let text: string;
  try {
    text = (await readWholeFile(file, MAX_STATEMENT_BYTES)).toString("utf8");
  } catch {
    return report(db, file, actor, [`The file is larger than ${MAX_STATEMENT_BYTES / 1024 / 1024} MB: split the statement into smaller periods.`]);
  }
  const outcome = await importStatement(db, { organizationId: file.organizationId, userId: actor.userId, file: { id: file.id, name: file.name, sha256: file.sha256 ?? "" }, text, meta });
  await db.update(sftpFiles).set({ status: outcome.status, updatedAt: new Date() }).where(eq(sftpFiles.id, file.id));
  if (outcome.status === "failed") await writeReport(db, file, actor, errorReport(file.name, outcome.errors));
}

async function report(db: Database, file: SftpFile, actor: SessionActor, messages: string[]) {
  await db.update(sftpFiles).set({ status: "failed", updatedAt: new Date() }).where(eq(sftpFiles.id, file.id));
  await writeReport(db, file, actor, errorReport(file.name, messages.map((message) => ({ message }))));
}

async function writeReport(db: Database, file: SftpFile, actor: SessionActor, text: string) {
  try {
    await writeFile(db, { organizationId: file.organizationId, folder: "outbox", name: `${file.name}.errors.txt`.slice(0, 200), userId: actor.userId, body: Readable.from([Buffer.from(text)]) });
  } catch (e) {
    // The import's outcome is recorded already (statement_imports, audit): a full quota only loses the copy in outbox/.
    console.warn(`[sftp] error report for ${file.id} not written: ${(e as Error).message}`);
  }
}
