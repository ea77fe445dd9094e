import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sslFor } from "./client";

/**
 * A stand-in PostgreSQL server that answers the SSLRequest, completes a TLS handshake with a
 * self-signed certificate for "localhost", then refuses the session with a PostgreSQL error. What is
 * proved is the client's certificate decision, on a real handshake.
 */
const HOST = "localhost";

/** A FATAL ErrorResponse, so the client's query ends at once. */
function fatal(message: string): Buffer {
  const body = Buffer.concat([Buffer.from("SFATAL\0"), Buffer.from("C28000\0"), Buffer.from(`M${message}\0`), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head.write("E", 0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
let dir: string;
let certFile: string;
let server: net.Server;
let port: number;
const handshakes: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "ck-db-tls-"));
  certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], { stdio: "ignore" });
  const { readFileSync } = await import("node:fs");
  const context = tls.createSecureContext({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
  server = net.createServer((socket) => {
    socket.once("data", () => {
      socket.write("S");
      const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
      secure.on("secure", () => handshakes.push("ok"));
      secure.once("data", () => secure.end(fatal("stand-in server")));
      secure.on("error", () => socket.destroy());
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Connects with the given TLS setting; resolves with the client's error and whether the server saw a completed handshake. */
async function attempt(ssl: ReturnType<typeof sslFor>): Promise<{ error: string; handshake: boolean }> {
  const before = handshakes.length;
  const sql = postgres(`postgres://app@${HOST}:${port}/ck`, { ssl, max: 1, connect_timeout: 5, onnotice: () => {} });
  let error = "";
  try {
    await sql`select 1`;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
  return { error, handshake: handshakes.length > before };
}

describe("database TLS on a real handshake", () => {
  it("V12.3.2 V12.3.1 in production a remote database's certificate is validated by default: a self-signed one is refused before any credential is sent", async () => {
    // "localhost" would count as this machine; the decision for a remote name, then that decision on the wire.
    const ssl = sslFor("postgres://app@db.example.com:5432/ck", undefined, true, undefined);
    expect(ssl).toBe("verify-full");
    const r = await attempt(ssl);
    expect(r.handshake).toBe(false);
    expect(r.error).toMatch(/self[- ]signed certificate/i);
  });

  it("V12.3.4 DATABASE_SSL_CA_FILE trusts that internal CA only: its certificate is accepted, the same server is refused without it", async () => {
    const ssl = sslFor(`postgres://app@${HOST}:${port}/ck`, undefined, true, certFile);
    expect(ssl).toMatchObject({ rejectUnauthorized: true });
    const ok = await attempt(ssl);
    expect(ok.handshake).toBe(true);
    expect(ok.error).toMatch(/stand-in server/);
    expect((await attempt("verify-full")).handshake).toBe(false);
  });

  it("V12.3.2 require is an explicit opt-out (encrypted, not validated), and a CA file beside it is refused as contradictory", async () => {
    const opted = await attempt(sslFor(`postgres://app@${HOST}:${port}/ck`, "require", true, undefined));
    expect(opted).toMatchObject({ handshake: true, error: expect.stringMatching(/stand-in server/) });
    expect(() => sslFor(`postgres://app@${HOST}:${port}/ck`, "require", true, certFile)).toThrow(/needs DATABASE_SSL=verify-full/);
    expect(() => sslFor(`postgres://app@${HOST}:${port}/ck`, "yes", true, undefined)).toThrow(/must be verify-full, require or disable/);
  });
});
