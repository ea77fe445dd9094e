import "server-only";
import { Readable } from "node:stream";
import { auditNamespace } from "@/lib/crypto";
import type { ObjectStore } from "@/lib/storage";
import type { AuditAnchor } from "./anchor-format";

/** Anchors live beside the backups, under this prefix (list-backups ignores it: not a backup name). */
export const ANCHOR_PREFIX = "audit-anchors/";

/**
 * This database's folder: audit-anchors/<namespace>/, the namespace derived from its first audit
 * key (the same for every copy of this database, different for any other). A staging database or
 * a test run writing to the same store never mixes its anchors with production's.
 */
export function anchorFolder(): string {
  return `${ANCHOR_PREFIX}${auditNamespace()}/`;
}

/** A copy of the newest anchor, overwritten each time: the writer's "previous" without listing. */
export function latestKey(): string {
  return `${anchorFolder()}latest.json`;
}

/** audit-anchors/<namespace>/2026-12-07/20261207T101500123Z-schedule-1a2b3c4d.json: names sort by time. */
export function anchorKey(anchor: Pick<AuditAnchor, "createdAt" | "reason" | "id">): string {
  const compact = anchor.createdAt.replace(/[-:.]/g, "");
  return `${anchorFolder()}${anchor.createdAt.slice(0, 10)}/${compact}-${anchor.reason}-${anchor.id.slice(0, 8)}.json`;
}

export type StoreWrite = { location: string; ok: boolean; error?: string };

/** Writes one anchor (and the latest copy) to every store at once; a failing store is a result, not an exception. */
export async function putAnchor(stores: ObjectStore[], anchor: AuditAnchor): Promise<{ key: string; stored: StoreWrite[] }> {
  const key = anchorKey(anchor);
  const latest = latestKey();
  const body = Buffer.from(JSON.stringify(anchor));
  const stored = await Promise.all(
    stores.map(async (store): Promise<StoreWrite> => {
      try {
        await store.put(key, Readable.from([body]));
        await store.put(latest, Readable.from([body]));
        return { location: store.location, ok: true };
      } catch (e) {
        return { location: store.location, ok: false, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
  return { key, stored };
}

/** Each store's latest copy (null where it cannot be read): what the writer continues from. */
export async function readLatest(stores: ObjectStore[]): Promise<(string | null)[]> {
  const latest = latestKey();
  return Promise.all(stores.map((store) => readAnchorText(store, latest).catch(() => null)));
}

export type StoreListing = { location: string; reachable: boolean; error?: string; keys: string[] };

/** Every anchor name of this database in every store, or why a store could not be listed. */
export async function listAnchors(stores: ObjectStore[]): Promise<StoreListing[]> {
  const [folder, latest] = [anchorFolder(), latestKey()];
  return Promise.all(
    stores.map(async (store): Promise<StoreListing> => {
      try {
        const objects = await store.list(folder);
        return { location: store.location, reachable: true, keys: objects.map((o) => o.key).filter((k) => k.endsWith(".json") && k !== latest) };
      } catch (e) {
        return { location: store.location, reachable: false, error: e instanceof Error ? e.message : String(e), keys: [] };
      }
    }),
  );
}

/** Anchors are small (about 130 bytes per chain); a huge object is not one of ours. */
const MAX_ANCHOR_BYTES = 64 * 1024 * 1024;

export async function readAnchorText(store: ObjectStore, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of await store.get(key)) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_ANCHOR_BYTES) throw new Error(`${key} is larger than any anchor`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
