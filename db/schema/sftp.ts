import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { encryptedColumns } from "../../lib/crypto/columns";
import { bankAccounts } from "./banking";
import { organizations, users } from "./identity";

const id = () => uuid("id").primaryKey().$defaultFn(() => randomUUID());
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true });

/** A member's SSH public keys for SFTP. Public keys are not secret; the fingerprint finds the key. */
export const sshKeys = pgTable(
  "ssh_keys",
  {
    id: id(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** ssh-ed25519 | ecdsa-sha2-nistp256/384/521 | ssh-rsa (>= 3072 bits) */
    algorithm: text("algorithm").notNull(),
    /** "SHA256:…" as OpenSSH prints it. */
    fingerprint: text("fingerprint").notNull(),
    /** The authorized_keys line (type and base64), without the comment. */
    publicKey: text("public_key").notNull(),
    bits: integer("bits"),
    lastUsedAt: ts("last_used_at"),
    lastUsedIp: text("last_used_ip"),
    revokedAt: ts("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    // A live key belongs to one person only, so a login is never ambiguous.
    uniqueIndex("ssh_keys_live_fingerprint_key").on(t.fingerprint).where(sql`${t.revokedAt} is null`),
    index("ssh_keys_user_idx").on(t.userId),
  ],
);

const hostKeyEnc = encryptedColumns("sftp_host_keys");

/** The SFTP server's host key: generated on first start, private half encrypted through the keyring. */
export const sftpHostKeys = pgTable(
  "sftp_host_keys",
  {
    id: id(),
    algorithm: text("algorithm").notNull(),
    privateKey: hostKeyEnc.text("private_key").notNull(),
    publicKey: text("public_key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    retiredAt: ts("retired_at"),
    createdAt: createdAt(),
  },
  () => [...hostKeyEnc.checks()],
);

const fileEnc = encryptedColumns("sftp_files");

/**
 * A file in an organization's virtual space (`inbox/` or `outbox/`). The bytes live encrypted in
 * storage under `storage_key`; the per-file data key is sealed to this row.
 */
export const sftpFiles = pgTable(
  "sftp_files",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    folder: text("folder", { enum: ["inbox", "outbox"] }).notNull(),
    name: text("name").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull().default(0),
    storageKey: text("storage_key").notNull(),
    dataKey: fileEnc.sealed("data_key"),
    /** Chunk size, format version: what reading it back needs, never a key. */
    encryption: jsonb("encryption").$type<Record<string, unknown>>().notNull().default({}),
    sha256: text("sha256"),
    /** uploading | stored | imported | failed */
    status: text("status").notNull().default("uploading"),
    uploadedBy: uuid("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("sftp_files_path_key").on(t.organizationId, t.folder, t.name), ...fileEnc.checks()],
);

/** Every SFTP session event a member can be shown: who, what, when, size, result. */
export const sftpTransfers = pgTable(
  "sftp_transfers",
  {
    id: id(),
    organizationId: uuid("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    sshKeyId: uuid("ssh_key_id").references(() => sshKeys.id, { onDelete: "set null" }),
    /** connect | auth_failed | upload | download | delete | rename | list */
    operation: text("operation").notNull(),
    path: text("path"),
    bytes: bigint("bytes", { mode: "number" }),
    /** ok | refused | failed */
    result: text("result").notNull(),
    detail: text("detail"),
    remoteIp: text("remote_ip"),
    createdAt: createdAt(),
  },
  (t) => [index("sftp_transfers_org_idx").on(t.organizationId, t.createdAt.desc())],
);

/** Per-account CSV column mapping for statement imports (a default applies when there is none). */
export const importMappings = pgTable(
  "import_mappings",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    accountId: uuid("account_id").notNull().references(() => bankAccounts.id, { onDelete: "cascade" }),
    mapping: jsonb("mapping").$type<Record<string, unknown>>().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("import_mappings_account_key").on(t.accountId)],
);

/** One statement file imported (or refused): counts and the plain-language errors. */
export const statementImports = pgTable(
  "statement_imports",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    fileId: uuid("file_id").references(() => sftpFiles.id, { onDelete: "set null" }),
    fileName: text("file_name").notNull(),
    accountId: uuid("account_id").references(() => bankAccounts.id, { onDelete: "set null" }),
    /** csv | ofx */
    format: text("format").notNull(),
    fileSha256: text("file_sha256").notNull(),
    /** imported | failed */
    status: text("status").notNull(),
    added: integer("added").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    errorCount: integer("error_count").notNull().default(0),
    errors: jsonb("errors").$type<{ line?: number; message: string }[]>().notNull().default([]),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("statement_imports_org_idx").on(t.organizationId, t.createdAt.desc())],
);
