import "server-only";
import { isNull } from "drizzle-orm";
import type { Database } from "@/db";
import { sftpHostKeys } from "@/db/schema";
import { generateEd25519HostKey } from "./openssh-format";

export type HostKey = { id: string; privateKey: string; publicKey: string; fingerprint: string };

/**
 * The server's ed25519 host key: created on first start and kept in sftp_host_keys (the private
 * half through the keyring-encrypted column). Two servers starting at once may both create one;
 * the oldest live key wins, so every process presents the same key.
 */
export async function ensureHostKey(db: Database): Promise<HostKey> {
  const existing = await currentHostKey(db);
  if (existing) return existing;
  const k = generateEd25519HostKey();
  await db.insert(sftpHostKeys).values({ algorithm: "ssh-ed25519", privateKey: k.privateKey, publicKey: k.publicKey, fingerprint: k.fingerprint });
  return (await currentHostKey(db))!;
}

async function currentHostKey(db: Database): Promise<HostKey | null> {
  const [row] = await db
    .select()
    .from(sftpHostKeys)
    .where(isNull(sftpHostKeys.retiredAt))
    .orderBy(sftpHostKeys.createdAt)
    .limit(1);
  return row ? { id: row.id, privateKey: row.privateKey, publicKey: row.publicKey, fingerprint: row.fingerprint } : null;
}

/** What the Transfers page shows: the public half only. */
export async function hostKeyFingerprint(db: Database): Promise<{ publicKey: string; fingerprint: string } | null> {
  const k = await currentHostKey(db);
  return k ? { publicKey: k.publicKey, fingerprint: k.fingerprint } : null;
}
