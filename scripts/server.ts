/**
 * The app's HTTP(S) server for `npm run dev` and `npm start`.
 * - Serves HTTPS itself when TLS_CERT_FILE and TLS_KEY_FILE are set (TLS 1.2+, AEAD, forward secrecy).
 * - Stamps each request with the socket's address and a per-boot secret, so the app can know the
 *   client IP without trusting any header a client could send (see lib/http/client-ip.ts).
 */
import { randomBytes } from "node:crypto";
import type http from "node:http";
import nextEnv from "@next/env";
import next from "next";
// By path: scripts/server.ts runs under plain tsx/node, where the lib/http index (server-only modules) cannot load.
import { EDGE_IP_HEADER, EDGE_SECRET_HEADER } from "../lib/http/client-ip";
import { createNodeServer } from "../lib/http/node-server";
import { tlsServerOptions } from "../lib/tls";
import { refuseNonReadOnStaticFiles } from "./static-methods";

const dev = process.argv.includes("--dev");
// Nothing may call out at run time: no telemetry.
process.env.NEXT_TELEMETRY_DISABLED = "1";
if (!process.env.NODE_ENV) Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });
nextEnv.loadEnvConfig(process.cwd(), dev);

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? (dev ? "localhost" : "0.0.0.0");
const edgeSecret = randomBytes(24).toString("base64url");
process.env.CK_EDGE_SECRET = edgeSecret;

const app = next({ dev, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

const listener: http.RequestListener = (req, res) => {
  if (refuseNonReadOnStaticFiles(req, res)) return;
  delete req.headers[EDGE_IP_HEADER];
  req.headers[EDGE_SECRET_HEADER] = edgeSecret;
  if (req.socket.remoteAddress) req.headers[EDGE_IP_HEADER] = req.socket.remoteAddress;
  void handle(req, res);
};

const { TLS_CERT_FILE, TLS_KEY_FILE } = process.env;
// Strict request framing, TRACE refused, slow clients cut off: lib/http/node-server.ts.
const server = createNodeServer(listener, TLS_CERT_FILE && TLS_KEY_FILE ? tlsServerOptions({ certFile: TLS_CERT_FILE, keyFile: TLS_KEY_FILE }) : undefined);

server.listen(port, hostname, () => {
  const scheme = TLS_CERT_FILE ? "https" : "http";
  console.log(`  ChargeKeep listening on ${scheme}://${hostname}:${port} (${dev ? "development" : "production"})`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
