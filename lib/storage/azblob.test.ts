import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb, getDbHandle } from "@/db";
import { createBackup, sourceOf, verifyBackup } from "@/lib/backup";
import { resetEnvCache } from "@/lib/env";
import { azblobStore, ObjectNotFoundError, openStore, parseAzblobLocation } from "./index";

// Azurite (the Azure Storage emulator, from npm) in memory on a free port: offline, as s3rver is for S3.
const ACCOUNT = "devstoreaccount1";
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="; // Azurite's published development key
let azurite: ChildProcess;
let connection: string;
let service: BlobServiceClient;
const root = mkdtempSync(join(tmpdir(), "ck-azblob-"));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  azurite = spawn(process.execPath, ["node_modules/azurite/dist/src/blob/main.js", "--inMemoryPersistence", "--blobHost", "127.0.0.1", "--blobPort", String(port), "--silent", "--skipApiVersionCheck", "--disableTelemetry"], { stdio: "ignore" });
  connection = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`;
  service = BlobServiceClient.fromConnectionString(connection);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await service.getContainerClient("backups").createIfNotExists();
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}, 90_000);
afterAll(() => {
  azurite?.kill();
  rmSync(root, { recursive: true, force: true });
});

describe("lib/storage Azure Blob Storage (azblob://, against Azurite)", { timeout: 180_000 }, () => {
  it("V5.3.2 parses azblob://container/prefix and refuses bad containers and escaping prefixes", () => {
    expect(parseAzblobLocation("azblob://backups/chargekeep/daily/")).toEqual({ container: "backups", prefix: "chargekeep/daily/" });
    expect(parseAzblobLocation("azblob://backups")).toEqual({ container: "backups", prefix: "" });
    for (const bad of ["azblob://Bad_Container/x", "azblob://ab/x", "azblob://a--b/x", "azblob://-ab/x", "s3://backups/x"]) expect(() => parseAzblobLocation(bad), bad).toThrow(/not an azblob/);
    expect(() => parseAzblobLocation("azblob://backups/../escape")).toThrow(/refused/);
  });

  it("V14.2.4 puts (streamed blocks), stats, lists, reads back and deletes; a missing blob is ObjectNotFoundError", async () => {
    const store = azblobStore("azblob://backups/unit", service);
    expect(store.location).toBe("azblob://backups/unit");
    const big = Buffer.alloc(9 * 1024 * 1024, 7); // more than one block
    expect(await store.put("a/big.bin", Readable.from([big.subarray(0, 5_000_000), big.subarray(5_000_000)]))).toEqual({ key: "a/big.bin", bytes: big.length });
    expect(await store.put("a/b.txt", Readable.from(["hello ", "world"]))).toEqual({ key: "a/b.txt", bytes: 11 });
    expect(await store.stat("a/b.txt")).toEqual({ key: "a/b.txt", bytes: 11 });
    expect(await store.list("a/")).toEqual([
      { key: "a/b.txt", bytes: 11 },
      { key: "a/big.bin", bytes: big.length },
    ]);
    expect(await text(await store.get("a/b.txt"))).toBe("hello world");
    await store.delete("a/b.txt");
    await store.delete("a/b.txt"); // not there any more: not an error
    expect(await store.stat("a/b.txt")).toBeNull();
    await expect(store.get("a/b.txt")).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it("V16.3.4 a failed upload leaves no blob behind", async () => {
    const store = azblobStore("azblob://backups/failing", service);
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error("connection lost"));
      },
    });
    await expect(store.put("x/y.bin", failing)).rejects.toThrow(/connection lost/);
    expect(await store.stat("x/y.bin")).toBeNull();
    expect(await store.list("x/")).toEqual([]);
  });

  it("V14.2.4 a backup goes to an azblob:// target from BACKUP_TARGETS-style configuration and verifies from it alone", async () => {
    vi.stubEnv("AZURE_STORAGE_CONNECTION_STRING", connection);
    resetEnvCache();
    const az = openStore("azblob://backups/chargekeep");
    const dir = openStore(join(root, "beside-azure"));
    const result = await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cli", targets: [dir, az] });
    expect(result.targets).toEqual([
      { location: dir.location, ok: true },
      { location: "azblob://backups/chargekeep", ok: true },
    ]);
    const keys = (await az.list("")).map((o) => o.key);
    expect(keys.filter((k) => !k.startsWith("audit-anchors/"))).toEqual([`${result.name}/backup.ckb`, `${result.name}/manifest.json`]);
    // beside it, the signed audit anchor every backup writes (lib/audit), and its latest copy
    expect(keys.filter((k) => k.startsWith("audit-anchors/"))).toEqual([expect.stringMatching(/-backup-[0-9a-f]{8}\.json$/), expect.stringMatching(/\/latest\.json$/)]);
    const verified = await verifyBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cli", targets: [az] });
    expect(verified).toMatchObject({ status: "succeeded", name: result.name, location: az.location });
    vi.stubEnv("AZURE_STORAGE_CONNECTION_STRING", "");
    resetEnvCache();
    expect(() => openStore("azblob://backups/chargekeep")).toThrow(/AZURE_STORAGE_CONNECTION_STRING/);
  });

  it("V14.2.4 a copy that must be immutable fails when the store cannot lock it, and names the setting to enable", async () => {
    // Azurite does not implement immutability policies: exactly a container without version-level immutability.
    const store = azblobStore("azblob://backups/locked", service);
    const until = new Date(Date.now() + 7 * 86_400_000);
    await expect(store.put("x/data.bin", Readable.from([Buffer.from("backup bytes")]), { retainUntil: until })).rejects.toThrow(/could not lock x\/data.bin until .*enable version-level immutability/);
  });
});
