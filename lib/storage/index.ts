import "server-only";
import { azblobStore } from "./azblob-store";
import { fileStore } from "./file-store";
import { s3Store } from "./s3-store";
import type { ObjectStore } from "./types";

export { azblobServiceFromEnv, azblobStore, parseAzblobLocation } from "./azblob-store";
export { fileStore } from "./file-store";
export { parseS3Location, s3ClientFromEnv, s3Store } from "./s3-store";
export { assertKey, ObjectNotFoundError, type ObjectStore, type PutOptions, type StoredObject } from "./types";

/**
 * A location from configuration: `s3://bucket/prefix` (S3-compatible, S3_* settings),
 * `azblob://container/prefix` (Azure Blob Storage, AZURE_STORAGE_CONNECTION_STRING) or a directory
 * (`file:` prefix optional).
 */
export function openStore(location: string): ObjectStore {
  if (location.startsWith("s3://")) return s3Store(location);
  if (location.startsWith("azblob://")) return azblobStore(location);
  return fileStore(location.replace(/^file:/, ""));
}
