import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeServer } from "./node-server";

/** The app's HTTP server with a stand-in app that records what reaches it. */
const reached: string[] = [];
const server = createNodeServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString("utf8")));
  req.on("end", () => {
    reached.push(`${req.method} ${req.url} ${body}`);
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("app");
  });
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw bytes and returns everything the server answers until it closes (or 10 s pass). */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(request));
    let answer = "";
    socket.on("data", (c: Buffer) => (answer += c.toString("latin1")));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

describe("the app's HTTP server", () => {
  it("V4.2.1 refuses ambiguous framing (Transfer-Encoding with Content-Length, two Content-Lengths) before the app sees a byte", async () => {
    reached.length = 0;
    const smuggle = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    expect(await raw(smuggle)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!")).toMatch(/^HTTP\/1\.1 400 /);
    expect(reached).toEqual([]);
    // A well-framed request still works, chunked or not.
    expect(await raw("POST /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")).toMatch(/^HTTP\/1\.1 200 /);
    expect(reached).toEqual(["POST /c hello"]);
    expect(server.headersTimeout).toBe(20_000);
    expect(server.requestTimeout).toBe(60_000);
  });

  it("V13.4.4 TRACE is refused with 405 and nothing of the request (cookies, headers) comes back", async () => {
    reached.length = 0;
    const answer = await raw("TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: ck_session=secret-session\r\nX-Probe: echo-me\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect(answer).toMatch(/\r\nallow: GET, HEAD, POST/i);
    expect(answer).not.toMatch(/secret-session|echo-me/);
    expect(await raw("TRACK / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
    expect(reached).toEqual([]);
  });
});
