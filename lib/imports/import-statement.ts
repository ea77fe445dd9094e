import "server-only";
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { bankAccounts, bankTransactions, importMappings, statementImports } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { blindIndex } from "@/lib/crypto";
import { csvMappingSchema, parseCsvStatement, type RowError } from "./csv";
import { parseOfxStatement } from "./ofx";

export type StatementFormat = "csv" | "ofx";
export type ImportInput = {
  organizationId: string;
  userId: string | null;
  file: { id: string | null; name: string; sha256: string };
  text: string;
  /** For the audit event: where the file came from. */
  meta: { ip: string | null; userAgent: string | null; requestId: string | null };
};
export type ImportOutcome = { importId: string; status: "imported" | "failed"; format: StatementFormat; accountId: string | null; added: number; skipped: number; errors: RowError[] };

export function statementFormatOf(name: string): StatementFormat | null {
  const ext = name.toLowerCase().split(".").pop();
  return ext === "csv" ? "csv" : ext === "ofx" || ext === "qfx" ? "ofx" : null;
}

type Tx = { externalId: string; bookedOn: string; amountMinor: number; description: string; merchant: string | null };
class ImportRefused extends Error {
  constructor(readonly errors: RowError[]) {
    super("import refused");
  }
}

/**
 * Imports one statement file in ONE transaction: either every transaction in it is written (those
 * already there are skipped: OFX by FITID, CSV by a hash of date, amount, description and the
 * occurrence within the file) or, when any row is bad, nothing is. Either way one statement_imports
 * row records the counts and the plain-language errors, audited as `statement.imported`.
 */
export async function importStatement(db: Database, input: ImportInput): Promise<ImportOutcome> {
  const format = statementFormatOf(input.file.name);
  if (!format) throw new Error("not a statement file");
  try {
    return await db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Database;
      const { accountId, currency, rows } = format === "ofx" ? await ofxRows(tx, input) : await csvRows(tx, input);
      let added = 0;
      for (const r of rows) {
        const inserted = await tx
          .insert(bankTransactions)
          .values({ organizationId: input.organizationId, accountId, externalId: r.externalId, status: "posted", bookedOn: r.bookedOn, amountMinor: r.amountMinor, currency, description: r.description, merchant: r.merchant, source: "import" })
          .onConflictDoNothing({ target: [bankTransactions.accountId, bankTransactions.externalId] })
          .returning({ id: bankTransactions.id });
        added += inserted.length;
      }
      return record(tx, input, { status: "imported", format, accountId, added, skipped: rows.length - added, errors: [] });
    });
  } catch (e) {
    if (!(e instanceof ImportRefused)) throw e;
    return record(db, input, { status: "failed", format, accountId: null, added: 0, skipped: 0, errors: e.errors });
  }
}

async function record(db: Database, input: ImportInput, o: Omit<ImportOutcome, "importId">): Promise<ImportOutcome> {
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Database;
    const [row] = await tx
      .insert(statementImports)
      .values({ organizationId: input.organizationId, fileId: input.file.id, fileName: input.file.name, accountId: o.accountId, format: o.format, fileSha256: input.file.sha256, status: o.status, added: o.added, skipped: o.skipped, errorCount: o.errors.length, errors: o.errors.slice(0, 200), createdBy: input.userId })
      .returning({ id: statementImports.id });
    await recordAudit(tx, {
      organizationId: input.organizationId,
      actorUserId: input.userId,
      action: "statement.imported",
      result: o.status === "imported" ? "success" : "failure",
      targetType: "statement_import",
      targetId: row!.id,
      ...input.meta,
      metadata: { file: input.file.name.slice(0, 200), format: o.format, accountId: o.accountId, added: o.added, skipped: o.skipped, errors: o.errors.length },
    });
    return { importId: row!.id, ...o };
  });
}

async function ofxRows(tx: Database, input: ImportInput): Promise<{ accountId: string; currency: string; rows: Tx[] }> {
  const { statement, errors } = parseOfxStatement(input.text);
  if (!statement || errors.length) throw new ImportRefused(errors);
  const number = statement.accountId;
  const index = blindIndex(number, { table: "bank_accounts", column: "account_number" });
  const [found] = await tx
    .select({ id: bankAccounts.id, currency: bankAccounts.currency })
    .from(bankAccounts)
    .where(and(eq(bankAccounts.organizationId, input.organizationId), eq(bankAccounts.accountNumberIndex, index)))
    .limit(1);
  let account = found;
  if (!account) {
    // No account with this number yet: one fed by imports (encrypted number, mask only shown).
    [account] = await tx
      .insert(bankAccounts)
      .values({ organizationId: input.organizationId, source: "import", externalId: `import:${index.slice(0, 40)}`, name: `Imported account ••${number.slice(-4)}`, type: statement.accountType, currency: statement.currency, accountNumber: number, accountNumberIndex: index, mask: number.slice(-4) })
      .onConflictDoUpdate({ target: [bankAccounts.organizationId, bankAccounts.connectionId, bankAccounts.externalId], set: { updatedAt: new Date() } })
      .returning({ id: bankAccounts.id, currency: bankAccounts.currency });
  }
  const seen = new Set<string>();
  const rows = statement.transactions.filter((t) => !seen.has(t.fitId) && seen.add(t.fitId)).map((t) => ({ ...t, externalId: `ofx:${t.fitId}` }));
  return { accountId: account!.id, currency: account!.currency, rows };
}

/**
 * CSV files carry no account number: the file name names the account by its last four digits
 * ("checking-6789-october.csv"), or the organization's only account is used.
 */
async function csvRows(tx: Database, input: ImportInput): Promise<{ accountId: string; currency: string; rows: Tx[] }> {
  const accounts = await tx
    .select({ id: bankAccounts.id, mask: bankAccounts.mask, currency: bankAccounts.currency })
    .from(bankAccounts)
    .where(eq(bankAccounts.organizationId, input.organizationId));
  const groups: string[] = input.file.name.match(/\d{4}/g) ?? [];
  const byMask = accounts.filter((a) => a.mask && groups.includes(a.mask));
  const account = byMask.length === 1 ? byMask[0] : accounts.length === 1 ? accounts[0] : undefined;
  if (!account) {
    throw new ImportRefused([
      {
        message: accounts.length
          ? "ChargeKeep could not tell which account this CSV belongs to. Put the account's last four digits in the file name, e.g. statement-6789.csv."
          : "There is no account to import this CSV into yet. Upload an OFX statement first (it creates the account), or connect the bank.",
      },
    ]);
  }
  const [saved] = await tx.select({ mapping: importMappings.mapping }).from(importMappings).where(and(eq(importMappings.accountId, account.id), eq(importMappings.organizationId, input.organizationId)));
  const mapping = saved ? csvMappingSchema.safeParse(saved.mapping) : null;
  if (mapping && !mapping.success) throw new ImportRefused([{ message: "This account's saved CSV column mapping is not valid; ask an administrator to correct it." }]);
  const { rows, errors } = parseCsvStatement(input.text, mapping?.data ?? null);
  if (errors.length) throw new ImportRefused(errors);
  // The same (day, amount, description) twice in one file is two transactions: the occurrence counts.
  const occurrences = new Map<string, number>();
  return {
    accountId: account.id,
    currency: account.currency,
    rows: rows.map((r) => {
      const base = `${r.bookedOn}|${r.amountMinor}|${r.description.toLowerCase()}`;
      const n = (occurrences.get(base) ?? 0) + 1;
      occurrences.set(base, n);
      return { externalId: `csv:${createHash("sha256").update(`${base}|${n}`).digest("hex").slice(0, 40)}`, bookedOn: r.bookedOn, amountMinor: r.amountMinor, description: r.description, merchant: null };
    }),
  };
}

/** The plain-language report written to outbox/<name>.errors.txt for a refused file. */
export function errorReport(fileName: string, errors: RowError[]): string {
  const lines = errors.slice(0, 500).map((e) => (e.line ? `- Line ${e.line}: ${e.message}` : `- ${e.message}`));
  return [
    `ChargeKeep could not import "${fileName}".`,
    "Nothing from this file was imported: fix the problems below and upload the whole file again.",
    "Transactions already imported from an earlier upload are recognised and not added twice.",
    "",
    ...lines,
    errors.length > 500 ? `- … and ${errors.length - 500} more.` : "",
    "",
  ].join("\n");
}
