/**
 * Where the loaded keyring lives in a process. Next.js gives instrumentation (where the keyring is
 * loaded), the proxy and the app separate module graphs, so module state is not shared: the
 * keyring sits on globalThis, like the database handle. No secrets and no "server-only" here:
 * the schema's column types (and so drizzle-kit) import this file; they find the keys at run time.
 */
import { KeyringNotLoadedError } from "./errors";

/** Table and column (and, for sealed secrets, the row id) a value is bound to. */
export type ValueContext = { table: string; column: string; rowId?: string };

/** What an audit key MACs; each use has its own HKDF subkey, so a MAC made for one is worthless for another. */
export type AuditMacUse = "event" | "anchor" | "anchor-entry" | "legacy-seal" | "namespace";

export interface ValueCipher {
  encrypt(plaintext: string, ctx: ValueContext): string;
  decrypt(stored: string, ctx: ValueContext): string;
  blindIndex(value: string, ctx: Pick<ValueContext, "table" | "column">): string;
  auditKeyId(): number;
  hasAuditKey(id: number): boolean;
  auditMac(keyId: number, use: AuditMacUse, message: string): string | null;
  auditNamespace(): string;
}

const SLOT = Symbol.for("chargekeep.keyring");
type Holder = { [SLOT]?: ValueCipher };

export function installedCipher(): ValueCipher {
  const cipher = (globalThis as Holder)[SLOT];
  if (!cipher) throw new KeyringNotLoadedError();
  return cipher;
}

/** Puts a keyring in place and returns the one it replaced. */
export function swapInstalledCipher(next: ValueCipher | undefined): ValueCipher | undefined {
  const holder = globalThis as Holder;
  const previous = holder[SLOT];
  holder[SLOT] = next;
  return previous;
}
