import "server-only";
import type { Sealed } from "./columns";
import { assertIdentifier } from "./format";
import { installedCipher, type ValueContext } from "./slot";

export type ColumnContext = { table: string; column: string };
export type RowContext = ColumnContext & { rowId: string };

function assertRowContext(ctx: RowContext): void {
  assertIdentifier("table", ctx.table);
  assertIdentifier("column", ctx.column);
  if (typeof ctx.rowId !== "string" || ctx.rowId.length === 0) throw new Error("seal()/open() need the row id (generate it in app code before the insert)");
}

/**
 * For the highest-value secrets (OAuth tokens, TOTP secrets): encrypts with the row id in the AAD
 * as well as table and column, so the value cannot be swapped between rows either. Store it in an
 * `enc.sealed()` column, with the id generated before the insert (randomUUID()).
 */
export function seal(value: string, ctx: RowContext): Sealed {
  assertRowContext(ctx);
  return installedCipher().encrypt(value, ctx) as Sealed;
}

/** Throws DecryptionError when the value was sealed for another row, column or table, or altered. */
export function open(sealed: Sealed | string, ctx: RowContext): string {
  assertRowContext(ctx);
  return installedCipher().decrypt(sealed, ctx);
}

/** Encryption outside a column type (e.g. a raw query that must write an encrypted column). */
export function encryptValue(value: string, ctx: ColumnContext): string {
  return installedCipher().encrypt(value, plain(ctx));
}

export function decryptValue(stored: string, ctx: ColumnContext): string {
  return installedCipher().decrypt(stored, plain(ctx));
}

/**
 * Keyed HMAC of a value for equality lookups on an encrypted column (a "blind index" column next
 * to it, with its own key). Normalize first, the same way on write and on lookup.
 */
export function blindIndex(value: string, ctx: ColumnContext): string {
  return installedCipher().blindIndex(value, plain(ctx));
}

function plain(ctx: ColumnContext): ValueContext {
  return { table: ctx.table, column: ctx.column };
}
