import "server-only";
import type { ObjectStore } from "@/lib/storage";
import { BACKUP_NAME, DATA_KEY, MANIFEST_KEY } from "./manifest";
import { backupTargets } from "./targets";

export type ListedBackup = {
  name: string;
  createdAt: Date;
  /** Targets holding both the data and the manifest. */
  locations: string[];
  /** Targets missing it, or holding only part of it. */
  missing: string[];
  bytes: number;
};

/** When the name says it was taken (the names sort by time; the manifest has the exact time). */
export function nameTime(name: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(name)!;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** Every backup found in any target, newest first, with where it is complete. */
export async function listBackups(targets: ObjectStore[] = backupTargets()): Promise<ListedBackup[]> {
  const found = new Map<string, ListedBackup>();
  const perTarget = await Promise.all(
    targets.map(async (store) => {
      const objects = await store.list("").catch(() => null);
      return { store, objects };
    }),
  );
  for (const { store, objects } of perTarget) {
    if (!objects) continue;
    const byName = new Map<string, { data?: number; manifest?: boolean }>();
    for (const o of objects) {
      const [name, file] = o.key.split("/");
      if (!name || !BACKUP_NAME.test(name)) continue;
      const entry = byName.get(name) ?? {};
      if (file === DATA_KEY) entry.data = o.bytes;
      if (file === MANIFEST_KEY) entry.manifest = true;
      byName.set(name, entry);
    }
    for (const [name, entry] of byName) {
      const b = found.get(name) ?? { name, createdAt: nameTime(name), locations: [], missing: [], bytes: 0 };
      if (entry.manifest && entry.data !== undefined) {
        b.locations.push(store.location);
        b.bytes = entry.data;
      }
      found.set(name, b);
    }
  }
  const all = [...found.values()];
  for (const b of all) b.missing = targets.map((t) => t.location).filter((l) => !b.locations.includes(l));
  return all.filter((b) => b.locations.length > 0 || b.missing.length > 0).sort((a, b) => b.name.localeCompare(a.name));
}
