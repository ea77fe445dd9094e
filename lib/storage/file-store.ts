import "server-only";
/* eslint-disable security/detect-non-literal-fs-filename -- every path is the configured root joined with a key that assertKey() admitted (no "..", no absolute paths) */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertKey, ObjectNotFoundError, type ObjectStore, type StoredObject } from "./types";

/** A directory as an object store. Writes go to a temporary name and are renamed into place. */
export function fileStore(root: string): ObjectStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    assertKey(key);
    return join(base, ...key.split("/"));
  };
  return {
    location: base,
    async put(key, body) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      const temp = `${target}.partial-${randomBytes(6).toString("hex")}`;
      const out = createWriteStream(temp, { flags: "wx", mode: 0o600, flush: true });
      try {
        await pipeline(body, out);
        await rename(temp, target);
      } catch (error) {
        // pipeline rejects as soon as the source fails, possibly before the file is even opened:
        // wait until the stream has closed, or the remove below runs first and the file appears after it.
        if (!out.closed) await once(out, "close").catch(() => {});
        await rm(temp, { force: true });
        throw error;
      }
      return { key, bytes: (await stat(target)).size };
    },
    async get(key) {
      const path = pathOf(key);
      if (!(await exists(path))) throw new ObjectNotFoundError(base, key);
      return createReadStream(path) as Readable;
    },
    async stat(key) {
      const s = await stat(pathOf(key)).catch(() => null);
      return s?.isFile() ? { key, bytes: s.size } : null;
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async list(prefix) {
      const out: StoredObject[] = [];
      await walk(base, out);
      return out.filter((o) => o.key.startsWith(prefix) && !o.key.includes(".partial-")).sort((a, b) => a.key.localeCompare(b.key));
    },
  };

  async function walk(dir: string, out: StoredObject[]): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full, out);
      else if (e.isFile()) out.push({ key: relative(base, full).split(sep).join("/"), bytes: (await stat(full)).size });
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}
