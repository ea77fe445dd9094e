import "server-only";
import { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { env, type Env } from "@/lib/env";
import { assertKey, ObjectNotFoundError, type ObjectStore, type StoredObject } from "./types";

/** 8 MiB parts, two in flight: memory stays ~16 MiB whatever the object's size. */
const PART_BYTES = 8 * 1024 * 1024;
const QUEUE = 2;

export type S3Location = { bucket: string; prefix: string };

/** s3://bucket/optional/prefix → bucket and a prefix ending in "/" (or empty). */
export function parseS3Location(location: string): S3Location {
  const rest = location.startsWith("s3://") ? location.slice("s3://".length) : "";
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(`${location} is not an s3://bucket/prefix location (bucket names: lower-case letters, digits, dots and hyphens).`);
  }
  const prefix = slash < 0 ? "" : rest.slice(slash + 1).replace(/\/+$/, "");
  if (prefix) assertKey(prefix);
  return { bucket, prefix: prefix ? `${prefix}/` : "" };
}

/** The client from S3_* settings; the endpoint makes MinIO, R2 or other S3-compatible services work. */
export function s3ClientFromEnv(config: Env = env()): S3Client {
  const options: S3ClientConfig = {
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    // Newer SDKs add CRC trailers by default; many S3-compatible servers refuse them.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
  if (config.S3_ENDPOINT) options.endpoint = config.S3_ENDPOINT;
  if (config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY) {
    options.credentials = { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY };
  }
  return new S3Client(options);
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === "NoSuchKey" || err?.name === "NotFound" || err?.$metadata?.httpStatusCode === 404;
}

/**
 * An S3-compatible bucket (and prefix) as an object store. Uploads are streamed as multipart
 * (lib-storage Upload): an object appears only when the upload completes, and a failed upload is
 * aborted so no part is left behind.
 */
export function s3Store(location: string, client: S3Client = s3ClientFromEnv()): ObjectStore {
  const { bucket, prefix } = parseS3Location(location);
  const full = (key: string) => {
    assertKey(key);
    return prefix + key;
  };
  return {
    location: `s3://${bucket}/${prefix}`.replace(/\/$/, ""),
    async put(key, body, options) {
      const Key = full(key);
      // Compliance mode: not even the bucket's owner can shorten it (the bucket needs Object Lock enabled, or S3 refuses the upload).
      const lock = options?.retainUntil ? { ObjectLockMode: "COMPLIANCE" as const, ObjectLockRetainUntilDate: options.retainUntil } : {};
      const upload = new Upload({ client, params: { Bucket: bucket, Key, Body: body, ...lock }, partSize: PART_BYTES, queueSize: QUEUE, leavePartsOnError: false });
      await upload.done();
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key }));
      return { key, bytes: Number(head.ContentLength ?? 0) };
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
        return out.Body as Readable;
      } catch (e) {
        if (isNotFound(e)) throw new ObjectNotFoundError(this.location, key);
        throw e;
      }
    },
    async stat(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: full(key) }));
        return { key, bytes: Number(head.ContentLength ?? 0) };
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: full(key) }));
    },
    async list(listPrefix) {
      const out: StoredObject[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix + listPrefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          if (o.Key) out.push({ key: o.Key.slice(prefix.length), bytes: Number(o.Size ?? 0) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort((a, b) => a.key.localeCompare(b.key));
    },
  };
}
