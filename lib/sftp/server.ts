import "server-only";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
// ssh2 is CommonJS: a default import works under Node's ESM loader (tsx) as well as in Next and Vitest.
import ssh2, { type AuthContext, type Connection } from "ssh2";
import type { Database } from "@/db";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { SFTP_ALGORITHMS } from "./algorithms";
import { admitConnection, checkKeyAccess, recordAuthRefusal, touchKey, type KeyCheck, type SftpPrincipal } from "./authenticate";
import { ensureHostKey } from "./host-key";
import { serveSftp } from "./sftp-session";
import { logTransfer, type SessionActor } from "./transfers-log";

export type SftpServerHandle = { port: number; host: string; fingerprint: string; close(): Promise<void> };

/**
 * Starts the SFTP server (ssh2, pure JavaScript) on SFTP_HOST:SFTP_PORT, or the given port (0 = any,
 * for tests). Public-key authentication only, modern algorithms only (./algorithms.ts).
 */
export type SftpServerOptions = {
  db?: Database;
  /** 0 = any free port (tests). */
  port?: number;
  host?: string;
  /** How often a connected session's access is checked again (key revoked, member suspended...). */
  recheckMs?: number;
  /** The largest statement /inbox takes (default lib/imports' 20 MB); tests set less, to test it without sending 20 MB. */
  statementMaxBytes?: number;
};

/** Connected sessions re-check their access this often: a revoked key is cut off within a minute. */
export const RECHECK_MS = 60_000;

export async function startSftpServer(opts: SftpServerOptions = {}): Promise<SftpServerHandle> {
  // One server per configured port and process: a second bootstrap (dev reload) gets the running one.
  const port0 = opts.port ?? env().SFTP_PORT;
  const running = port0 !== 0 ? holder[RUNNING]?.get(port0) : undefined;
  if (running) return running;
  const handle = await listen(opts, port0);
  if (port0 !== 0) {
    (holder[RUNNING] ??= new Map()).set(port0, handle);
    const close = handle.close;
    handle.close = () => (holder[RUNNING]?.delete(port0), close());
  }
  return handle;
}

const RUNNING = Symbol.for("chargekeep.sftp.servers");
const holder = globalThis as { [RUNNING]?: Map<number, SftpServerHandle> };

async function listen(opts: SftpServerOptions, requestedPort: number): Promise<SftpServerHandle> {
  const db = opts.db ?? getDb();
  const hostKey = await ensureHostKey(db);
  const connections = new Set<Connection>();
  const server = new ssh2.Server(
    { hostKeys: [hostKey.privateKey], algorithms: SFTP_ALGORITHMS, ident: "ChargeKeep-SFTP" },
    (client, info) => {
      connections.add(client);
      client.on("close", () => connections.delete(client));
      handleClient(db, client, { ip: normaliseIp(info.ip), ident: info.header?.identRaw?.slice(0, 200) ?? null, recheckMs: opts.recheckMs ?? RECHECK_MS, statementMaxBytes: opts.statementMaxBytes });
    },
  );
  const host = opts.host ?? env().SFTP_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(requestedPort, host, () => resolve());
  });
  server.on("error", (e: Error) => console.error(`[sftp] server error: ${e.message}`));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    host,
    fingerprint: hostKey.fingerprint,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.end();
        server.close(() => resolve());
      }),
  };
}

const normaliseIp = (ip: string) => (ip?.startsWith("::ffff:") ? ip.slice(7) : ip) || null;

function handleClient(db: Database, client: Connection, conn: { ip: string | null; ident: string | null; recheckMs: number; statementMaxBytes?: number }): void {
  const sessionId = randomUUID();
  let principal: SftpPrincipal | null = null;
  let accepted: { username: string; algo: string; data: Buffer } | null = null;
  let recheck: NodeJS.Timeout | undefined;
  let admitted: Promise<boolean> | null = null;
  // A client that never authenticates or goes quiet does not hold a slot forever.
  const authTimer = setTimeout(() => client.end(), 30_000);

  // Refusals answered without counting (key queries, other methods) are recorded once, when the
  // connection ends without signing in: one failed connection is one failure, however many keys
  // the client's agent offered.
  let pending: Extract<KeyCheck, { ok: false }> | null = null;
  let recorded = false;
  const record = async (check: Extract<KeyCheck, { ok: false }>, countAccount: boolean) => {
    recorded = true;
    return recordAuthRefusal(db, { check, ip: conn.ip, client: conn.ident, sessionId, countAccount });
  };

  client.on("authentication", (ctx: AuthContext) => {
    void (async () => {
      admitted ??= admitConnection(conn.ip);
      if (!(await admitted)) return ctx.reject([]), void client.end();
      if (ctx.method !== "publickey") {
        if (ctx.method !== "none") pending ??= { ok: false, reason: `${ctx.method} authentication is not accepted`, userId: null, organizationId: null, fingerprint: null };
        return ctx.reject(["publickey"]);
      }
      const check = await checkKeyAccess(db, { username: ctx.username, algo: ctx.key.algo, data: ctx.key.data, ip: conn.ip });
      if (!ctx.signature || !ctx.blob) {
        // "Would you accept this key?": clients ask once per key they hold.
        if (check.ok) return ctx.accept();
        if (check.reason === "unknown key" || check.reason === "key type or size not accepted" || check.reason === "unreadable key") {
          pending = check;
          return ctx.reject(["publickey"]);
        }
        // A registered key refused (revoked, suspended member, no permission, wrong organization,
        // network rules) is no agent noise: recorded before the client hears the answer.
        const more = await record(check, check.reason === "revoked key");
        ctx.reject(more ? ["publickey"] : []);
        if (!more) client.end();
        return;
      }
      if (check.ok && verifySignature(ctx.key.data, ctx.blob, ctx.signature, ctx.hashAlgo)) {
        principal = check.principal;
        accepted = { username: ctx.username, algo: ctx.key.algo, data: ctx.key.data };
        return ctx.accept();
      }
      const refusal = check.ok ? { ok: false as const, reason: "bad signature", userId: check.principal.userId, organizationId: check.principal.organizationId, fingerprint: check.principal.fingerprint } : check;
      // A signed attempt with a revoked key or a bad signature counts against the key's owner too.
      const more = await record(refusal, refusal.reason === "revoked key" || refusal.reason === "bad signature");
      ctx.reject(more ? ["publickey"] : []);
      if (!more) client.end();
    })().catch((e: Error) => {
      console.error(`[sftp] authentication error: ${e.message}`);
      ctx.reject([]);
      client.end();
    });
  });

  client.on("ready", () => {
    clearTimeout(authTimer);
    const actor: SessionActor = { ...principal!, ip: conn.ip, client: conn.ident, sessionId };
    void Promise.all([touchKey(db, actor.keyId, conn.ip), logTransfer(db, actor, { operation: "connect", result: "ok" })]).catch((e: Error) =>
      console.error(`[sftp] connect log failed: ${e.message}`),
    );
    // Access is re-read while connected: revoking the key, suspending the member or removing the
    // permission ends the session within recheckMs.
    recheck = setInterval(() => {
      void checkKeyAccess(db, { ...accepted!, ip: conn.ip })
        .then(async (again) => {
          if (again.ok) return;
          clearInterval(recheck);
          await logTransfer(db, actor, { operation: "connect", result: "refused", detail: `session ended: ${again.reason}` });
          client.end();
        })
        .catch((e: Error) => console.error(`[sftp] access re-check failed: ${e.message}`));
    }, conn.recheckMs);
    recheck.unref();
    client.on("session", (accept) => {
      const session = accept();
      session.on("sftp", (acceptSftp) => serveSftp(db, acceptSftp(), actor, { statementMaxBytes: conn.statementMaxBytes }));
      // No shell, exec, port forwarding or agent: only the sftp subsystem.
      session.on("exec", (_a, reject) => reject());
      session.on("shell", (_a, reject) => reject());
      session.on("pty", (_a, reject) => reject?.());
    });
    client.on("tcpip", (_a, reject) => reject());
    client.on("request", (_a, reject) => reject?.());
  });
  client.on("error", () => undefined); // resets and protocol errors from clients are not server errors
  client.on("close", () => {
    clearTimeout(authTimer);
    clearInterval(recheck);
    if (!principal && pending && !recorded) void record(pending, false).catch((e: Error) => console.error(`[sftp] refusal log failed: ${e.message}`));
  });
}

/** RSA signatures must be SHA-2 (rsa-sha2-256/512); ssh-rsa with SHA-1 is refused. */
function verifySignature(data: Buffer, blob: Buffer, signature: Buffer, hashAlgo: string | undefined): boolean {
  const key = ssh2.utils.parseKey(data);
  if (key instanceof Error) return false;
  if (key.type === "ssh-rsa" && hashAlgo !== "sha256" && hashAlgo !== "sha512") return false;
  return key.verify(blob, signature, hashAlgo as never) === true;
}
