import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type ConnectConfig, type SFTPWrapper } from "ssh2";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { bankTransactions, memberships, sftpFiles, sftpTransfers, sshKeys, statementImports } from "@/db/schema";
import { validateSessionToken } from "@/lib/auth";
import { resetEnvCache } from "@/lib/env";
import { resetRateLimitsForTests } from "@/lib/ratelimit";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeSteppedUpSession, makeUser, type BuiltInRole } from "@/tests/factories";
import { addSshKey, deliverToOutbox, hostKeyFingerprint, parsePublicKey, revokeSshKey, startSftpServer, type SftpServerHandle } from "./index";

// Real clients: OpenSSH (`sftp -b`, keys by `ssh-keygen`) and the ssh2 Client.
export const workDir = () => mkdtempSync(join(tmpdir(), "ck-sftp-"));

export function run(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.on("error", () => undefined); // a client that exits early (refused) closes its stdin
    p.stdin.end(input ?? "");
  });
}

/** A new key pair in `dir` made by ssh-keygen; returns the private key path and the public line. */
export async function makeKeyPair(dir: string, name: string, type: "ed25519" | "ecdsa" | "rsa" = "ed25519", bits?: number) {
  const path = join(dir, name);
  const args = ["-q", "-t", type, "-N", "", "-C", `${name}@test`, "-f", path, ...(bits ? ["-b", String(bits)] : [])];
  const r = await run("ssh-keygen", args);
  if (r.code !== 0) throw new Error(r.stderr);
  return { path, publicKey: readFileSync(`${path}.pub`, "utf8").trim(), privateKey: readFileSync(path, "utf8") };
}

/** Writes a known_hosts file holding only the server's host key, for StrictHostKeyChecking=yes. */
export function knownHosts(dir: string, port: number, hostPublicKey: string): string {
  const path = join(dir, "known_hosts");
  writeFileSync(path, `[127.0.0.1]:${port} ${hostPublicKey}\n`);
  return path;
}

/** OpenSSH `sftp -b -` in batch mode against the test server. */
export function sftpBatch(opts: { port: number; user: string; key: string; knownHosts: string; batch: string; extra?: string[] }) {
  return run(
    "sftp",
    [
      "-F", "/dev/null",
      "-b", "-",
      "-P", String(opts.port),
      "-i", opts.key,
      "-o", "StrictHostKeyChecking=yes",
      "-o", `UserKnownHostsFile=${opts.knownHosts}`,
      "-o", "IdentitiesOnly=yes",
      "-o", "BatchMode=yes",
      "-o", "PasswordAuthentication=no",
      "-o", "ConnectTimeout=10",
      ...(opts.extra ?? []),
      `${opts.user}@127.0.0.1`,
    ],
    opts.batch,
  );
}

/** The ssh2 client, connected and with an SFTP channel open. */
export function ssh2Sftp(config: ConnectConfig): Promise<{ client: Client; sftp: SFTPWrapper }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.on("ready", () => client.sftp((err, sftp) => (err ? reject(err) : resolve({ client, sftp }))));
    client.on("error", reject);
    client.connect({ host: "127.0.0.1", readyTimeout: 10_000, ...config });
  });
}

/** An ssh2 client connection attempt; resolves with the error message, or "connected". */
export function ssh2Attempt(config: ConnectConfig): Promise<string> {
  return new Promise((resolve) => {
    const client = new Client();
    client.on("ready", () => (client.end(), resolve("connected")));
    client.on("error", (e) => resolve(e.message));
    client.connect({ host: "127.0.0.1", readyTimeout: 10_000, ...config });
  });
}

export const promisify =
  <T>(fn: (cb: (err: Error | null | undefined, v: T) => void) => void) =>
  () =>
    new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

const db = () => getDb();
const dir = workDir();
const storageDir = join(dir, "storage");
process.env.SFTP_STORAGE = storageDir;
resetEnvCache();

let server: SftpServerHandle;
let kh: string;
/** The host key's wire blob, base64: what a client pins. */
let hostBlob: string;

beforeAll(async () => {
  // Sessions re-check their access every 300 ms here (a minute in production).
  // Statements are capped at 250 KB here (20 MB in production), so the cap is tested without sending 20 MB.
  server = await startSftpServer({ port: 0, host: "127.0.0.1", recheckMs: 300, statementMaxBytes: 250_000 });
  const host = (await hostKeyFingerprint(db()))!;
  kh = knownHosts(dir, server.port, host.publicKey);
  hostBlob = host.publicKey.split(" ")[1]!;
});
afterAll(async () => server?.close());
beforeEach(() => {
  process.env.SFTP_STORAGE = storageDir;
  resetRateLimitsForTests();
});

/** A member with a registered key (inserted as the settings page would, through parsePublicKey). */
async function member(opts: { role?: BuiltInRole; organizationId?: string } = { role: "accountant" }) {
  const u = await makeUser(opts);
  const key = await makeKeyPair(dir, `k-${u.user.id}`);
  const p = parsePublicKey(key.publicKey);
  const [row] = await db().insert(sshKeys).values({ userId: u.user.id, name: "laptop", algorithm: p.algorithm, fingerprint: p.fingerprint, publicKey: p.publicKey, bits: p.bits }).returning();
  return { ...u, key, keyId: row!.id };
}

const batch = (m: { organizationId: string; key: { path: string } }, commands: string, extra?: string[]) =>
  sftpBatch({ port: server.port, user: m.organizationId, key: m.key.path, knownHosts: kh, batch: commands, extra });

const OFX = readFileSync(join(import.meta.dirname, "../imports/fixtures/statement.ofx"), "utf8");
/** About 300 KB of well-formed CSV: big enough for the quota and size limits. */
const BIG_CSV = "Date,Description,Amount\n" + "2026-11-01,Coffee at the corner shop,-3.50\n".repeat(7000);

/** Every stored object's raw bytes, concatenated: what someone with the disk would see. */
function rawStorage(): string {
  const out: Buffer[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(readFileSync(p));
    }
  };
  walk(storageDir);
  return Buffer.concat(out).toString("latin1");
}

describe("SFTP with OpenSSH sftp (batch mode)", () => {
  it("V2.2.1 V11.3.2 V16.3.1 uploads an OFX statement: transactions imported once, events audited, storage holds no plaintext", async () => {
    const m = await member();
    const local = join(dir, `statement-${m.user.id}.ofx`);
    writeFileSync(local, OFX);
    const r = await batch(m, `put ${local} /inbox/october.ofx\nls -l /inbox\n`);
    expect(r.stderr).not.toMatch(/denied|error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("october.ofx");

    const txs = await db().select().from(bankTransactions).where(eq(bankTransactions.organizationId, m.organizationId));
    expect(txs.map((t) => [t.externalId, t.amountMinor, t.bookedOn, t.source]).sort()).toEqual([
      ["ofx:F0001", -4250, "2026-10-05", "import"],
      ["ofx:F0002", 100000, "2026-10-06", "import"],
    ]);
    await expectAudited(db(), { action: "sftp.connected", organizationId: m.organizationId, actorUserId: m.user.id, result: "success" });
    await expectAudited(db(), { action: "sftp.uploaded", organizationId: m.organizationId, actorUserId: m.user.id, metadata: { path: "/inbox/october.ofx" } });
    await expectAudited(db(), { action: "statement.imported", organizationId: m.organizationId, result: "success", metadata: { added: 2, skipped: 0 } });
    const [key] = await db().select().from(sshKeys).where(eq(sshKeys.id, m.keyId));
    expect(key!.lastUsedAt).not.toBeNull();
    expect(key!.lastUsedIp).toBe("127.0.0.1");

    // The same file again (another name): nothing new.
    const again = await batch(m, `put ${local} /inbox/october-again.ofx\n`);
    expect(again.code).toBe(0);
    expect(await db().select().from(bankTransactions).where(eq(bankTransactions.organizationId, m.organizationId))).toHaveLength(2);
    await expectAudited(db(), { action: "statement.imported", organizationId: m.organizationId, metadata: { added: 0, skipped: 2 } });

    const raw = rawStorage();
    for (const secret of ["Coffee Shop", "F0001", "000123456789", "OFXHEADER"]) expect(raw).not.toContain(secret);
  });

  it("V2.2.1 imports a CSV in the default layout, and a bad CSV imports nothing and leaves an error report in outbox/", async () => {
    const m = await member();
    const ofx = join(dir, `o-${m.user.id}.ofx`);
    writeFileSync(ofx, OFX); // creates the account (mask 6789)
    const good = join(dir, `good-${m.user.id}.csv`);
    writeFileSync(good, "Date,Description,Amount,Balance\n2026-11-01,Rent,-1200.00,100\n11/02/2026,\"Lunch, team\",-45.10,55\n2026-11-02,Coffee,-3.50,51.5\n2026-11-02,Coffee,-3.50,48\n");
    const bad = join(dir, `bad-${m.user.id}.csv`);
    writeFileSync(bad, "Date,Description,Amount\n2026-11-05,Fine row,10.00\nnot a date,Broken,5\n2026-11-06,Bad amount,12.3.4\n");
    const out = join(dir, `report-${m.user.id}.txt`);
    const r = await batch(m, `put ${ofx} /inbox/a.ofx\nput ${good} /inbox/checking-6789-nov.csv\nput ${bad} /inbox/checking-6789-bad.csv\nget /outbox/checking-6789-bad.csv.errors.txt ${out}\n`);
    expect(r.code).toBe(0);
    const csvTx = await db().select().from(bankTransactions).where(and(eq(bankTransactions.organizationId, m.organizationId)));
    const amounts = csvTx.filter((t) => t.externalId.startsWith("csv:")).map((t) => t.amountMinor).sort((a, b) => a - b);
    expect(amounts).toEqual([-120000, -4510, -350, -350]); // the two coffees are two transactions
    const report = readFileSync(out, "utf8");
    expect(report).toContain("Nothing from this file was imported");
    expect(report).toContain('Line 3: The date "not a date" could not be read');
    expect(report).toContain("Line 4: The amount could not be read.");
    expect(csvTx.some((t) => t.description === "Fine row")).toBe(false);
    const [failed] = await db().select().from(statementImports).where(and(eq(statementImports.organizationId, m.organizationId), eq(statementImports.status, "failed")));
    expect(failed).toMatchObject({ added: 0, errorCount: 2, format: "csv" });
  });

  it("V8.2.1 V16.3.1 V16.3.2 delivers the audit log and transactions CSV to outbox/ (step-up, export permission; a refusal recorded) for download", async () => {
    const m = await member({ role: "admin" });
    const ctx = (await validateSessionToken(db(), (await makeSteppedUpSession(m.user.id, m.organizationId)).token))!;
    const meta = { ip: "203.0.113.7", userAgent: "vitest", requestId: "r1" };
    const stale = (await validateSessionToken(db(), (await makeSession(m.user.id, m.organizationId)).token))!;
    await expect(deliverToOutbox(db(), stale, meta, "audit_log")).rejects.toMatchObject({ code: "step_up_required" });
    // the refused delivery is on the record too (a stolen session trying to take the log)
    await expectAudited(db(), { action: "export.delivered", organizationId: m.organizationId, actorUserId: m.user.id, result: "denied", metadata: { export: "audit_log" } });
    const { path, bytes } = await deliverToOutbox(db(), ctx, meta, "audit_log");
    await expectAudited(db(), { action: "export.delivered", organizationId: m.organizationId, actorUserId: m.user.id, metadata: { export: "audit_log" } });
    const local = join(dir, `audit-${m.user.id}.csv`);
    const r = await batch(m, `get ${path} ${local}\n`);
    expect(r.code).toBe(0);
    expect(statSync(local).size).toBe(bytes);
    expect(readFileSync(local, "utf8")).toMatch(/^time_utc,seq,id,/);
    await expectAudited(db(), { action: "sftp.downloaded", organizationId: m.organizationId, metadata: { path, bytes } });

    // Transactions: an accountant (reports:export, no audit:export) gets the CSV, not the audit log.
    const acc = await member();
    const accCtx = (await validateSessionToken(db(), (await makeSteppedUpSession(acc.user.id, acc.organizationId)).token))!;
    await expect(deliverToOutbox(db(), accCtx, meta, "audit_log")).rejects.toMatchObject({ status: 403 });
    const tx = await deliverToOutbox(db(), accCtx, meta, "transactions");
    await expectAudited(db(), { action: "export.delivered", organizationId: acc.organizationId, metadata: { export: "transactions" } });
    const localTx = join(dir, `tx-${acc.user.id}.csv`);
    expect((await batch(acc, `get ${tx.path} ${localTx}\n`)).code).toBe(0);
    expect(readFileSync(localTx, "utf8")).toMatch(/^booked_on,status,amount,currency,/);
  });

  it("V6.3.1 V8.2.1 V16.3.1 refuses an unregistered key, a revoked key, a suspended member and a member without transfers:use", async () => {
    const ok = await member();
    const stranger = await makeKeyPair(dir, `stranger-${ok.user.id}`);
    const r1 = await batch({ organizationId: ok.organizationId, key: stranger }, "ls /\n");
    expect(r1.code).not.toBe(0);
    expect(r1.stderr).toMatch(/Permission denied \(publickey\)/);
    await vi.waitFor(() => expectAudited(db(), { action: "sftp.auth_failed", organizationId: null, result: "failure", targetId: parsePublicKey(stranger.publicKey).fingerprint, metadata: { reason: "unknown key" } }));

    const revoked = await member();
    await db().update(sshKeys).set({ revokedAt: new Date() }).where(eq(sshKeys.id, revoked.keyId));
    expect((await batch(revoked, "ls /\n")).code).not.toBe(0);
    await expectAudited(db(), { action: "sftp.auth_failed", actorUserId: revoked.user.id, result: "failure", metadata: { reason: "revoked key" } });

    const suspended = await member();
    await db().update(memberships).set({ status: "suspended", suspendedAt: new Date() }).where(eq(memberships.userId, suspended.user.id));
    expect((await batch(suspended, "ls /\n")).code).not.toBe(0);
    await expectAudited(db(), { action: "sftp.auth_failed", organizationId: suspended.organizationId, actorUserId: suspended.user.id, metadata: { reason: "membership suspended" } });

    const plain = await member({ role: "member" });
    expect((await batch(plain, "ls /\n")).code).not.toBe(0);
    await expectAudited(db(), { action: "sftp.auth_failed", organizationId: plain.organizationId, metadata: { reason: "no transfers:use permission" } });
  });

  it("V8.4.1 another organization's space is unreachable: its id as username is refused, its files are not listed", async () => {
    const a = await member();
    const b = await member();
    const f = join(dir, `x-${a.user.id}.csv`);
    writeFileSync(f, "Date,Description,Amount\n2026-11-01,organization A only,-1.00\n");
    expect((await batch(a, `put ${f} /inbox/private.csv\n`)).code).toBe(0);
    const cross = await batch({ organizationId: a.organizationId, key: b.key }, "ls /inbox\n");
    expect(cross.code).not.toBe(0);
    await expectAudited(db(), { action: "sftp.auth_failed", actorUserId: b.user.id, metadata: { reason: "not a member of this organization" } });
    const own = await batch(b, `ls /inbox\nget /inbox/private.csv ${join(dir, "stolen.csv")}\n`);
    expect(own.stdout.split("\n").filter((l) => !l.startsWith("sftp>")).join("\n")).not.toContain("private.csv");
    expect(own.code).not.toBe(0);
    expect(own.stderr).toMatch(/No such file|not found/i);
  });

  it("V12.1.2 V11.6.1 refuses legacy algorithms: diffie-hellman-group1-sha1, aes128-cbc, ssh-rsa host keys", async () => {
    const m = await member();
    for (const opt of ["KexAlgorithms=diffie-hellman-group1-sha1", "Ciphers=aes128-cbc", "HostKeyAlgorithms=ssh-rsa"]) {
      const r = await batch(m, "ls /\n", ["-o", opt]);
      expect(r.code, opt).not.toBe(0);
      expect(r.stderr, opt).toMatch(/no matching|Bad SSH2|Unsupported|unsupported/i);
    }
    const viaSsh2 = await ssh2Attempt({ port: server.port, username: m.organizationId, privateKey: m.key.privateKey, algorithms: { kex: ["diffie-hellman-group14-sha1"] } });
    expect(viaSsh2).toMatch(/no matching key exchange/i);
    const cbc = await ssh2Attempt({ port: server.port, username: m.organizationId, privateKey: m.key.privateKey, algorithms: { cipher: ["aes128-cbc"] } });
    expect(cbc).toMatch(/no matching .*cipher/i);
  });

  it("V12.1.2 V11.6.1 negotiates only curve25519/large DH groups, AEAD or CTR with encrypt-then-MAC: NIST-curve ECDH and encrypt-and-MAC are refused", async () => {
    const m = await member();
    for (const opt of ["KexAlgorithms=ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521", "MACs=hmac-sha2-256,hmac-sha2-512", "Ciphers=chacha20-poly1305@openssh.com"]) {
      const r = await batch(m, "ls /\n", ["-o", opt]);
      expect(r.code, opt).not.toBe(0);
      expect(r.stderr, opt).toMatch(/no matching/i);
    }
    // Everything the policy offers still works with OpenSSH, CTR only with an -etm MAC.
    for (const opts of [
      ["-o", "KexAlgorithms=curve25519-sha256", "-o", "Ciphers=aes256-gcm@openssh.com"],
      ["-o", "KexAlgorithms=diffie-hellman-group16-sha512", "-o", "Ciphers=aes128-gcm@openssh.com"],
      ["-o", "KexAlgorithms=diffie-hellman-group18-sha512", "-o", "Ciphers=aes256-ctr", "-o", "MACs=hmac-sha2-512-etm@openssh.com"],
      ["-o", "Ciphers=aes128-ctr", "-o", "MACs=hmac-sha2-256-etm@openssh.com"],
    ]) {
      const r = await batch(m, "ls /\n", opts);
      expect(r.code, opts.join(" ")).toBe(0);
    }
  }, 60_000); // a group18 exchange in pure JavaScript takes a while on a shared CPU

  it("V5.2.1 quota exceeded and oversize files are refused with a clear message and store nothing", async () => {
    const m = await member();
    const big = join(dir, `big-${m.user.id}.csv`);
    writeFileSync(big, BIG_CSV);
    vi.stubEnv("SFTP_QUOTA_BYTES", "100000");
    resetEnvCache();
    // OpenSSH prints only the status code ("Failure"); the ssh2 client shows the server's sentence.
    const r = await batch(m, `put ${big} /inbox/big.csv\n`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/write remote "\/inbox\/big.csv": Failure/);
    const { client, sftp } = await ssh2Sftp({ port: server.port, username: m.organizationId, privateKey: m.key.privateKey });
    try {
      const put = () => promisify((cb) => sftp.writeFile("/inbox/big.csv", BIG_CSV, cb as never))().then(() => "ok", (e: Error) => e.message);
      expect(await put()).toMatch(/^Quota exceeded: your organization's file space has 98 KB free\. Delete files/);
      vi.stubEnv("SFTP_QUOTA_BYTES", "100000000");
      vi.stubEnv("SFTP_MAX_FILE_BYTES", "200000");
      resetEnvCache();
      expect(await put()).toMatch(/^File too large: the limit is 195 KB per file\./);
    } finally {
      client.end();
    }
    expect(await db().select().from(sftpFiles).where(eq(sftpFiles.organizationId, m.organizationId))).toHaveLength(0);
  });
});

describe("V5.2.2 /inbox takes statements only", () => {
  const filesOf = async (organizationId: string) => db().select({ name: sftpFiles.name }).from(sftpFiles).where(eq(sftpFiles.organizationId, organizationId));

  it("V5.2.2 OpenSSH: a file that is not a .csv/.ofx/.qfx is refused at open, and one whose content is not its type is refused too; nothing is stored", async () => {
    const m = await member();
    const exe = join(dir, `tool-${m.user.id}.exe`);
    writeFileSync(exe, Buffer.from("4d5a90000300000004000000ffff0000", "hex"));
    const notes = join(dir, `notes-${m.user.id}.txt`);
    writeFileSync(notes, "Date,Description,Amount\n2026-11-01,Rent,-1200.00\n");
    const named = await batch(m, `-put ${exe} /inbox/tool.exe\n-put ${notes} /inbox/notes.txt\nls /inbox\n`);
    expect(named.stderr).toMatch(/open "\/inbox\/tool.exe": Permission denied/);
    expect(named.stderr).toMatch(/open "\/inbox\/notes.txt": Permission denied/);
    await expectAudited(db(), { action: "sftp.uploaded", organizationId: m.organizationId, result: "denied", metadata: { path: "/inbox/notes.txt", detail: "Only statements can be uploaded to /inbox: files ending .csv, .ofx or .qfx." } });

    // Right names, wrong content: an executable renamed .csv, and a CSV renamed .ofx.
    // OpenSSH prints only the status code: a binary file fails at its first write, a text of the wrong type when it closes.
    const binary = await batch(m, `put ${exe} /inbox/tool.csv\n`);
    expect(binary.code).not.toBe(0);
    expect(binary.stderr).toMatch(/write remote "\/inbox\/tool.csv": Failure/);
    const wrongType = await batch(m, `put ${notes} /inbox/notes.ofx\n`);
    expect(wrongType.code).not.toBe(0);
    expect(wrongType.stderr).toMatch(/close remote: Failure/);
    await expectAudited(db(), { action: "sftp.uploaded", organizationId: m.organizationId, result: "denied", metadata: { path: "/inbox/notes.ofx", detail: expect.stringMatching(/^This file does not look like an OFX\/QFX statement/) } });
    expect(await filesOf(m.organizationId)).toEqual([]);
    expect(await db().select().from(statementImports).where(eq(statementImports.organizationId, m.organizationId))).toEqual([]);
  });

  it("V5.2.2 the ssh2 client hears why: wrong name, binary content, wrong type, too large; a rename may not change the type", async () => {
    const m = await member();
    const { client, sftp } = await ssh2Sftp({ port: server.port, username: m.organizationId, privateKey: m.key.privateKey });
    try {
      const put = (name: string, body: Buffer | string) => promisify((cb) => sftp.writeFile(name, body, cb as never))().then(() => "ok", (e: Error) => e.message);
      expect(await put("/inbox/photo.png", Buffer.from("89504e470d0a1a0a", "hex"))).toBe("Only statements can be uploaded to /inbox: files ending .csv, .ofx or .qfx.");
      expect(await put("/inbox/photo.csv", Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"))).toMatch(/^This file is not text, so it is not a CSV, OFX or QFX statement/);
      expect(await put("/inbox/page.qfx", "<html><body>hello</body></html>\n")).toMatch(/^This file does not look like an OFX\/QFX statement/);
      expect(await put("/inbox/words.csv", "just some words\n")).toMatch(/^This file does not look like a CSV statement/);
      // Statements are read whole for import: capped (20 MB; 250 KB on this test server) whatever SFTP_MAX_FILE_BYTES allows.
      expect(await put("/inbox/huge.csv", BIG_CSV)).toMatch(/^File too large: the limit is 244 KB per file\./);
      expect(await filesOf(m.organizationId)).toEqual([]);

      // WinSCP's way: upload as .filepart, rename to the real name when done.
      expect(await put("/inbox/nov.csv.filepart", "Date,Description,Amount\n2026-11-01,Rent,-1200.00\n")).toBe("ok");
      const rename = (from: string, to: string) => promisify((cb) => sftp.rename(from, to, cb as never))().then(() => "ok", (e: Error) => e.message);
      expect(await rename("/inbox/nov.csv.filepart", "/inbox/nov.exe")).toMatch(/^Only statements can be uploaded to \/inbox.* A rename keeps the file's type\.$/);
      expect(await rename("/inbox/nov.csv.filepart", "/inbox/nov.ofx")).toMatch(/A rename keeps the file's type/);
      expect(await rename("/inbox/nov.csv.filepart", "/inbox/nov.csv")).toBe("ok");
      expect((await filesOf(m.organizationId)).map((f) => f.name)).toContain("nov.csv");
    } finally {
      client.end();
    }
  });
});

describe("SFTP with the ssh2 client", () => {
  it("V5.3.2 V8.4.1 refuses traversal, absolute escapes, symlinks, folders and uploads to outbox/", async () => {
    const m = await member();
    const { client, sftp } = await ssh2Sftp({ port: server.port, username: m.organizationId, privateKey: m.key.privateKey, hostVerifier: (key: Buffer) => key.toString("base64") === hostBlob });
    try {
      const fail = (fn: (cb: (err: Error | null | undefined, v: unknown) => void) => void) => promisify(fn)().then(() => "ok", (e: Error) => e.message);
      expect(await fail((cb) => sftp.open("/inbox/../../etc/passwd", "r", cb))).toMatch(/'\.\.' is not allowed/);
      expect(await fail((cb) => sftp.readdir("/../../..", cb))).toMatch(/'\.\.' is not allowed/);
      expect(await fail((cb) => sftp.open("/etc/passwd", "r", cb))).toMatch(/Only \/inbox and \/outbox exist/);
      expect(await fail((cb) => sftp.open("/inbox/.hidden", "w", cb))).toMatch(/may not start with a dot/);
      expect(await fail((cb) => sftp.open("/outbox/x.csv", "w", cb))).toMatch(/Upload to \/inbox/);
      expect(await fail((cb) => sftp.symlink("/inbox/a", "/inbox/b", cb as never))).toMatch(/Links are not supported/);
      expect(await fail((cb) => sftp.mkdir("/inbox/sub", cb as never))).toMatch(/Folders cannot be created/);
      expect(await fail((cb) => sftp.realpath("/inbox/../../..", cb))).toBe("ok");
      const root = await promisify<{ filename: string }[]>((cb) => sftp.readdir("/", cb as never))();
      expect(root.map((e) => e.filename).sort()).toEqual(["inbox", "outbox"]);

      // Rename and delete, audited.
      const notes = "Date,Description,Amount\n2026-11-01,hello,-1.00\n";
      await promisify((cb) => sftp.writeFile("/inbox/notes.csv", notes, cb as never))();
      await promisify((cb) => sftp.rename("/inbox/notes.csv", "/inbox/renamed.csv", cb as never))();
      await expectAudited(db(), { action: "sftp.renamed", organizationId: m.organizationId, metadata: { path: "/inbox/notes.csv -> /inbox/renamed.csv" } });
      expect(String(await promisify((cb) => sftp.readFile("/inbox/renamed.csv", cb as never))())).toBe(notes);
      await promisify((cb) => sftp.unlink("/inbox/renamed.csv", cb as never))();
      await expectAudited(db(), { action: "sftp.deleted", organizationId: m.organizationId, metadata: { path: "/inbox/renamed.csv" } });
    } finally {
      client.end();
    }
  });

  it("V7.4.2 ends a connected session once its key is revoked", async () => {
    const m = await member();
    const { client, sftp } = await ssh2Sftp({ port: server.port, username: m.organizationId, privateKey: m.key.privateKey });
    const closed = new Promise<void>((resolve) => client.on("close", () => resolve()));
    await promisify((cb) => sftp.readdir("/inbox", cb as never))();
    await db().update(sshKeys).set({ revokedAt: new Date() }).where(eq(sshKeys.id, m.keyId));
    await closed;
    const [row] = await db().select().from(sftpTransfers).where(and(eq(sftpTransfers.organizationId, m.organizationId), eq(sftpTransfers.result, "refused")));
    expect(row).toMatchObject({ operation: "connect", detail: "session ended: revoked key" });
  });

  it("V6.3.4 refuses password and keyboard-interactive authentication", async () => {
    const m = await member();
    const r = await ssh2Attempt({ port: server.port, username: m.organizationId, password: "correct horse battery staple 42", tryKeyboard: true });
    expect(r).toMatch(/All configured authentication methods failed/);
  });
});

describe("SSH keys (settings)", () => {
  it("V6.5.6 V8.2.2 adds a key with step-up, refuses weak or duplicate keys, revokes only one's own", async () => {
    const u = await makeUser({ role: "accountant" });
    const meta = { ip: "203.0.113.7", userAgent: "vitest", requestId: "r2" };
    const ctx = (await validateSessionToken(db(), (await makeSteppedUpSession(u.user.id, u.organizationId)).token))!;
    const stale = (await validateSessionToken(db(), (await makeSession(u.user.id, u.organizationId)).token))!;
    const key = await makeKeyPair(dir, `s-${u.user.id}`);
    await expect(addSshKey(db(), stale, meta, { name: "laptop", publicKey: key.publicKey })).rejects.toMatchObject({ code: "step_up_required" });
    const row = await addSshKey(db(), ctx, meta, { name: "laptop", publicKey: key.publicKey });
    expect(row.fingerprint).toMatch(/^SHA256:/);
    await expectAudited(db(), { action: "ssh_key.added", organizationId: u.organizationId, targetId: row.id, metadata: { algorithm: "ssh-ed25519" } });
    await expect(addSshKey(db(), ctx, meta, { name: "again", publicKey: key.publicKey })).rejects.toThrow(/already registered/);
    const weak = await makeKeyPair(dir, `w-${u.user.id}`, "rsa", 2048);
    await expect(addSshKey(db(), ctx, meta, { name: "old", publicKey: weak.publicKey })).rejects.toThrow(/2048 bits; at least 3072/);
    await expect(addSshKey(db(), ctx, meta, { name: "priv", publicKey: key.privateKey })).rejects.toThrow(/private key/);

    const other = await makeUser({ role: "accountant" });
    const otherCtx = (await validateSessionToken(db(), (await makeSession(other.user.id, other.organizationId)).token))!;
    await expect(revokeSshKey(db(), otherCtx, meta, row.id)).rejects.toMatchObject({ status: 404 });
    await revokeSshKey(db(), ctx, meta, row.id);
    await expectAudited(db(), { action: "ssh_key.revoked", organizationId: u.organizationId, targetId: row.id });
  });
});
