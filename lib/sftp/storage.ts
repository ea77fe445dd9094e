import "server-only";
import { env } from "@/lib/env";
import { openStore, type ObjectStore } from "@/lib/storage";

// One store per configured location and process (the S3 client keeps its connections).
const KEY = Symbol.for("chargekeep.sftp.store");
const holder = globalThis as { [KEY]?: { location: string; store: ObjectStore } };

export function sftpStore(): ObjectStore {
  const location = env().SFTP_STORAGE;
  if (holder[KEY]?.location !== location) holder[KEY] = { location, store: openStore(location) };
  return holder[KEY]!.store;
}

export const storageKeyOf = (organizationId: string, fileId: string) => `sftp/${organizationId}/${fileId}`;
