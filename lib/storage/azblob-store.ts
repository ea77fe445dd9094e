import "server-only";
import type { Readable } from "node:stream";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { env, type Env } from "@/lib/env";
import { assertKey, ObjectNotFoundError, type ObjectStore, type StoredObject } from "./types";

/** 8 MiB blocks, two in flight: memory stays ~16 MiB whatever the object's size (as the S3 store). */
const BLOCK_BYTES = 8 * 1024 * 1024;
const CONCURRENCY = 2;

export type AzblobLocation = { container: string; prefix: string };

/** azblob://container/optional/prefix → container and a prefix ending in "/" (or empty). */
export function parseAzblobLocation(location: string): AzblobLocation {
  const rest = location.startsWith("azblob://") ? location.slice("azblob://".length) : "";
  const slash = rest.indexOf("/");
  const container = slash < 0 ? rest : rest.slice(0, slash);
  // Azure's rule: 3 to 63 characters, lower-case letters, digits and single hyphens, not at either end.
  if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(container)) {
    throw new Error(`${location} is not an azblob://container/prefix location (container names: 3 to 63 lower-case letters, digits and single hyphens).`);
  }
  const prefix = slash < 0 ? "" : rest.slice(slash + 1).replace(/\/+$/, "");
  if (prefix) assertKey(prefix);
  return { container, prefix: prefix ? `${prefix}/` : "" };
}

/** The account from AZURE_STORAGE_CONNECTION_STRING (an account key or a SAS; Azurite's in tests). */
export function azblobServiceFromEnv(config: Env = env()): BlobServiceClient {
  if (!config.AZURE_STORAGE_CONNECTION_STRING) throw new Error("azblob:// locations need AZURE_STORAGE_CONNECTION_STRING.");
  return BlobServiceClient.fromConnectionString(config.AZURE_STORAGE_CONNECTION_STRING);
}

function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number })?.statusCode === 404;
}

/**
 * An Azure Blob Storage container (and prefix) as an object store. Uploads stream as staged blocks
 * committed at the end (uploadStream): a blob appears only when the whole upload succeeded, and an
 * uncommitted block list is discarded by Azure. Geo-redundancy is the account's (RA-GRS/RA-GZRS), or
 * a second location in another region.
 */
export function azblobStore(location: string, service: BlobServiceClient = azblobServiceFromEnv()): ObjectStore {
  const { container, prefix } = parseAzblobLocation(location);
  const client: ContainerClient = service.getContainerClient(container);
  const blob = (key: string) => {
    assertKey(key);
    return client.getBlockBlobClient(prefix + key);
  };
  return {
    location: `azblob://${container}/${prefix}`.replace(/\/$/, ""),
    async put(key, body: Readable, options) {
      const b = blob(key);
      await b.uploadStream(body, BLOCK_BYTES, CONCURRENCY);
      if (options?.retainUntil) {
        // Locked: the date can only be extended (the container needs version-level immutability support).
        try {
          await b.setImmutabilityPolicy({ expiriesOn: options.retainUntil, policyMode: "Locked" });
        } catch (e) {
          throw new Error(`${this.location} could not lock ${key} until ${options.retainUntil.toISOString()} (enable version-level immutability on the container): ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
        }
      }
      const props = await b.getProperties();
      return { key, bytes: Number(props.contentLength ?? 0) };
    },
    async get(key) {
      try {
        const out = await blob(key).download();
        if (!out.readableStreamBody) throw new ObjectNotFoundError(this.location, key);
        return out.readableStreamBody as Readable;
      } catch (e) {
        if (isNotFound(e)) throw new ObjectNotFoundError(this.location, key);
        throw e;
      }
    },
    async stat(key) {
      try {
        const props = await blob(key).getProperties();
        return { key, bytes: Number(props.contentLength ?? 0) };
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
    async delete(key) {
      await blob(key).deleteIfExists();
    },
    async list(listPrefix) {
      const out: StoredObject[] = [];
      for await (const item of client.listBlobsFlat({ prefix: prefix + listPrefix })) {
        out.push({ key: item.name.slice(prefix.length), bytes: Number(item.properties.contentLength ?? 0) });
      }
      return out.sort((a, b) => a.key.localeCompare(b.key));
    },
  };
}
