import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db/client";
import { deriveKey, hmacSha256 } from "./aead";

/** The bytes a legacy seal's MAC covers (lib/audit verifies with the same function). */
export function legacySealMessage(seal: { chain: string; lastSeq: number; hash: string; keyId: number }): string {
  return `ck-audit-legacy-seal-v1|${seal.keyId}|${seal.chain}|${seal.lastSeq}|${seal.hash}`;
}

/**
 * Migration 0010 took a census of the chains whose events are in the old unkeyed SHA-256 format
 * (`audit_legacy_seals`: each chain and the seq and hash where that format ends). This signs it
 * with the first audit key, in the transaction that creates that key: it runs once per database,
 * so a census row added later (to pass off a rewritten chain as "old format") stays unsigned
 * and `audit:verify` refuses it. Same derivation as Keyring.auditMac(keyId, "legacy-seal").
 */
export async function signLegacyAuditCensus(tx: Pick<Database, "execute">, keyId: number, material: Buffer): Promise<number> {
  const rows = rowsOf<{ chain: string; last_seq: number | string; hash: string }>(
    await tx.execute(sql`select chain, last_seq, hash from audit_legacy_seals where mac is null order by chain`),
  );
  if (rows.length === 0) return 0;
  const key = deriveKey(material, "chargekeep/audit-mac/v1|legacy-seal");
  for (const r of rows) {
    const mac = hmacSha256(key, legacySealMessage({ chain: r.chain, lastSeq: Number(r.last_seq), hash: r.hash, keyId })).toString("hex");
    await tx.execute(sql`update audit_legacy_seals set key_id = ${keyId}, mac = ${mac} where chain = ${r.chain} and mac is null`);
  }
  return rows.length;
}
