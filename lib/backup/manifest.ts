import "server-only";
import { createCipheriv, createDecipheriv, createHash, createSecretKey, hkdfSync, randomBytes, type KeyObject } from "node:crypto";
import { z } from "zod";
import { kmsFromEnv, type KmsProvider } from "@/lib/crypto";
import { BackupTamperedError } from "./envelope";

export const MANIFEST_FORMAT = 1;
export const DATA_KEY = "backup.ckb";
export const MANIFEST_KEY = "manifest.json";
/** 20261124T101500Z-3f9a: sorts by time, safe as a storage key and a file name. */
export const BACKUP_NAME = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;

const tableStatSchema = z.object({ schema: z.string(), table: z.string(), rows: z.number().int().nonnegative(), checksum: z.string() });
export type TableStat = z.infer<typeof tableStatSchema>;

const bodySchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  name: z.string().regex(BACKUP_NAME),
  createdAt: z.iso.datetime(),
  source: z.object({ kind: z.enum(["postgres", "pglite"]), serverVersion: z.string() }),
  tables: z.array(tableStatSchema),
  /** Bytes of the dump, of the gzip stream, and of the encrypted object. */
  sizes: z.object({ dump: z.number().int().nonnegative(), compressed: z.number().int().nonnegative(), encrypted: z.number().int().positive() }),
  /** SHA-256 (hex) of the encrypted object as stored. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ManifestBody = z.infer<typeof bodySchema>;
/** On disk: only what is needed to unwrap the key is in the clear; the body (table names, row counts, sizes) is sealed. */
const fileSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  name: z.string().regex(BACKUP_NAME),
  key: z.object({ kekId: z.string().max(200), wrapped: z.string().max(2000) }),
  sealed: z.string().max(7_000_000),
});

/**
 * The wrapped key is bound to its backup: the KMS wrap context is derived from the name, and is
 * negative so it never meets a keyring key id (those are positive serials).
 */
function wrapContext(name: string) {
  const n = createHash("sha256").update(`chargekeep-backup|${name}`).digest().readUIntBE(0, 6);
  return { keyId: -(n + 1), purpose: "data" as const };
}

/** key: the chunks' key; macKey: the manifest's (both HKDF subkeys of the random backup key). */
export type BackupKey = { key: KeyObject; macKey: KeyObject; kekId: string; wrapped: string };

function subkeys(raw: Buffer) {
  const derive = (info: string) => createSecretKey(Buffer.from(hkdfSync("sha256", raw, "chargekeep/backup/v1", info, 32)));
  return { key: derive("chunks"), macKey: derive("manifest") };
}

/** A fresh random key for one backup, wrapped by the master key (MASTER_KEY through the KMS). */
export async function newBackupKey(name: string, kms: KmsProvider = kmsFromEnv()): Promise<BackupKey> {
  const raw = randomBytes(32);
  const wrapped = await kms.wrapKey(raw, wrapContext(name));
  return { ...subkeys(raw), kekId: kms.kekId, wrapped };
}

function manifestAad(name: string, kekId: string, wrapped: string): Buffer {
  return Buffer.from(`chargekeep-backup-manifest/v1|${name}|${kekId}|${wrapped}`, "utf8");
}

/** The manifest file: the body sealed with AES-256-GCM under the backup's manifest subkey. */
export function sealManifest(body: ManifestBody, key: BackupKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.macKey, iv);
  cipher.setAAD(manifestAad(body.name, key.kekId, key.wrapped));
  const sealed = Buffer.concat([iv, cipher.update(JSON.stringify(body), "utf8"), cipher.final(), cipher.getAuthTag()]);
  return JSON.stringify({ format: MANIFEST_FORMAT, name: body.name, key: { kekId: key.kekId, wrapped: key.wrapped }, sealed: sealed.toString("base64") }, null, 1) + "\n";
}

export type OpenedManifest = { body: ManifestBody; key: KeyObject };

/**
 * Unwraps the backup's key and opens the sealed body: a manifest edited, moved to another backup,
 * given another wrapped key, or written without the master key is refused before any field is used.
 */
export async function openManifest(text: string, expectedName: string, kms: KmsProvider = kmsFromEnv()): Promise<OpenedManifest> {
  let file: z.infer<typeof fileSchema>;
  try {
    file = fileSchema.parse(JSON.parse(text));
  } catch {
    throw new BackupTamperedError(`the manifest of ${expectedName} is not a ChargeKeep backup manifest (unreadable, or of another format).`);
  }
  if (file.name !== expectedName) throw new BackupTamperedError(`the manifest in ${expectedName} belongs to backup ${file.name}.`);
  let raw: Buffer;
  try {
    raw = await kms.unwrapKey(file.key.wrapped, { ...wrapContext(expectedName), kekId: file.key.kekId });
  } catch (e) {
    throw new BackupTamperedError(`the key of ${expectedName} does not unwrap: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { key, macKey } = subkeys(raw);
  const sealed = Buffer.from(file.sealed, "base64");
  let body: ManifestBody;
  try {
    if (sealed.length < 12 + 16) throw new Error("short");
    const decipher = createDecipheriv("aes-256-gcm", macKey, sealed.subarray(0, 12));
    decipher.setAAD(manifestAad(expectedName, file.key.kekId, file.key.wrapped));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
    body = bodySchema.parse(JSON.parse(plain.toString("utf8")));
  } catch {
    throw new BackupTamperedError(`the manifest of ${expectedName} was altered (it does not authenticate).`);
  }
  if (body.name !== expectedName) throw new BackupTamperedError(`the manifest in ${expectedName} belongs to backup ${body.name}.`);
  return { body, key };
}
