import "server-only";
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { and, eq, ne, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { sftpFiles } from "@/db/schema";
import { open, seal } from "@/lib/crypto";
import { env } from "@/lib/env";
import { decryptStream, FILE_FORMAT, newDataKey } from "./file-crypto";
import { sftpStore, storageKeyOf } from "./storage";
import { UploadWriter } from "./upload-writer";
import type { Folder } from "./vfs";

export type SftpFile = typeof sftpFiles.$inferSelect;

const dataKeyCtx = (id: string) => ({ table: "sftp_files", column: "data_key", rowId: id });

/** Files a member can see: finished uploads (in-progress ones carry a hidden ".part-" name). */
export async function listFolder(db: Database, organizationId: string, folder: Folder): Promise<SftpFile[]> {
  return db
    .select()
    .from(sftpFiles)
    .where(and(eq(sftpFiles.organizationId, organizationId), eq(sftpFiles.folder, folder), ne(sftpFiles.status, "uploading")))
    .orderBy(sftpFiles.name);
}

export async function findFile(db: Database, organizationId: string, folder: Folder, name: string): Promise<SftpFile | null> {
  const [row] = await db
    .select()
    .from(sftpFiles)
    .where(and(eq(sftpFiles.organizationId, organizationId), eq(sftpFiles.folder, folder), eq(sftpFiles.name, name), ne(sftpFiles.status, "uploading")));
  return row ?? null;
}

export async function usedBytes(db: Database, organizationId: string): Promise<number> {
  const [r] = await db.select({ n: sql<string>`coalesce(sum(${sftpFiles.sizeBytes}), 0)` }).from(sftpFiles).where(eq(sftpFiles.organizationId, organizationId));
  return Number(r?.n ?? 0);
}

export type PendingUpload = { fileId: string; dataKey: Buffer; storageKey: string };

/** A row for an upload in progress, with its data key sealed to it before any byte is stored. */
export async function beginUpload(db: Database, input: { organizationId: string; folder: Folder; userId: string | null }): Promise<PendingUpload> {
  const fileId = randomUUID();
  const dataKey = newDataKey();
  const storageKey = storageKeyOf(input.organizationId, fileId);
  await db.insert(sftpFiles).values({
    id: fileId,
    organizationId: input.organizationId,
    folder: input.folder,
    name: `.part-${fileId}`,
    storageKey,
    dataKey: seal(dataKey.toString("base64"), dataKeyCtx(fileId)),
    encryption: { ...FILE_FORMAT },
    status: "uploading",
    uploadedBy: input.userId,
  });
  return { fileId, dataKey, storageKey };
}

/**
 * Gives a finished upload its name. A file already under that name is replaced (as SFTP `put`
 * overwrites): its row goes in the same transaction, its bytes after the commit.
 */
export async function commitUpload(db: Database, input: { fileId: string; organizationId: string; folder: Folder; name: string; size: number; sha256: string }): Promise<SftpFile> {
  const { row, replaced } = await db.transaction(async (tx) => {
    const [old] = await tx
      .delete(sftpFiles)
      .where(and(eq(sftpFiles.organizationId, input.organizationId), eq(sftpFiles.folder, input.folder), eq(sftpFiles.name, input.name)))
      .returning({ storageKey: sftpFiles.storageKey });
    const [updated] = await tx
      .update(sftpFiles)
      .set({ name: input.name, sizeBytes: input.size, sha256: input.sha256, status: "stored", updatedAt: new Date() })
      .where(and(eq(sftpFiles.id, input.fileId), eq(sftpFiles.organizationId, input.organizationId)))
      .returning();
    return { row: updated!, replaced: old?.storageKey ?? null };
  });
  if (replaced) await sftpStore().delete(replaced);
  return row;
}

export async function abortUpload(db: Database, upload: PendingUpload): Promise<void> {
  await db.delete(sftpFiles).where(eq(sftpFiles.id, upload.fileId));
  await sftpStore().delete(upload.storageKey).catch(() => undefined);
}

/** The plaintext of a stored file, decrypted as it streams (an integrity failure errors the stream). */
export async function openFile(file: SftpFile): Promise<Readable> {
  if (!file.dataKey) throw new Error("file has no data key");
  const key = Buffer.from(open(file.dataKey, dataKeyCtx(file.id)), "base64");
  const sealed = await sftpStore().get(file.storageKey);
  const plain = decryptStream(key, file.id);
  sealed.on("error", (e) => plain.destroy(e));
  return sealed.pipe(plain);
}

export async function readWholeFile(file: SftpFile, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of await openFile(file)) {
    n += (chunk as Buffer).length;
    if (n > maxBytes) throw new Error("too large");
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

export async function deleteFile(db: Database, file: SftpFile): Promise<void> {
  await db.delete(sftpFiles).where(and(eq(sftpFiles.id, file.id), eq(sftpFiles.organizationId, file.organizationId)));
  await sftpStore().delete(file.storageKey);
}

export async function renameFile(db: Database, file: SftpFile, to: { folder: Folder; name: string }): Promise<void> {
  await db
    .update(sftpFiles)
    .set({ folder: to.folder, name: to.name, updatedAt: new Date() })
    .where(and(eq(sftpFiles.id, file.id), eq(sftpFiles.organizationId, file.organizationId)));
}

/**
 * Writes a whole file from the app side (error reports, deliveries), encrypted as it streams,
 * within the organization's quota and the per-file limit (UploadRefusedError otherwise).
 */
export async function writeFile(db: Database, input: { organizationId: string; folder: Folder; name: string; userId: string | null; body: Readable }): Promise<SftpFile> {
  const { SFTP_MAX_FILE_BYTES, SFTP_QUOTA_BYTES } = env();
  const roomBytes = SFTP_QUOTA_BYTES - (await usedBytes(db, input.organizationId));
  const upload = await beginUpload(db, input);
  const writer = new UploadWriter(upload, { maxFileBytes: SFTP_MAX_FILE_BYTES, roomBytes });
  let offset = 0;
  try {
    for await (const chunk of input.body) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      await writer.write(offset, b);
      offset += b.length;
    }
    const result = await writer.finish();
    return await commitUpload(db, { fileId: upload.fileId, organizationId: input.organizationId, folder: input.folder, name: input.name, ...result });
  } catch (e) {
    await writer.abort();
    await abortUpload(db, upload);
    throw e;
  }
}
