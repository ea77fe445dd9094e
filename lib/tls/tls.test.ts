import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tlsServerOptions } from "./options";

let server: https.Server;
let port: number;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ck-tls-"));
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile,
    "-days", "1", "-subj", "/CN=localhost",
  ], { stdio: "ignore" });
  server = https.createServer(tlsServerOptions({ certFile, keyFile }), (_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Resolves with the negotiated protocol and cipher, or rejects when the server refuses the handshake. */
function handshake(opts: tls.ConnectionOptions): Promise<{ protocol: string | null; cipher: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...opts }, () => {
      const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      socket.end();
      resolve(result);
    });
    socket.on("error", reject);
  });
}

describe("self-hosted HTTPS", () => {
  it("V12.1.1 refuses a TLS 1.1 client", async () => {
    await expect(handshake({ minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" })).rejects.toThrow();
  });

  it("V12.1.2 refuses a TLS 1.2 client that offers only CBC suites", async () => {
    await expect(
      handshake({ maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-SHA256:AES256-SHA" }),
    ).rejects.toThrow();
  });

  it("V12.1.2 refuses a TLS 1.2 client without forward secrecy (static RSA key exchange, even with GCM)", async () => {
    await expect(handshake({ maxVersion: "TLSv1.2", ciphers: "AES128-GCM-SHA256:AES256-GCM-SHA384" })).rejects.toThrow();
  });

  it("V12.1.1 V12.1.2 accepts TLS 1.2 with ECDHE + AEAD, and TLS 1.3", async () => {
    const t12 = await handshake({ maxVersion: "TLSv1.2" });
    expect(t12.protocol).toBe("TLSv1.2");
    expect(t12.cipher).toMatch(/^ECDHE-.*(GCM|CHACHA20)/);
    const t13 = await handshake({});
    expect(t13.protocol).toBe("TLSv1.3");
  });
});
