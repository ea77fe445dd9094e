import { describe, expect, it } from "vitest";
import { clientIpFrom, EDGE_IP_HEADER, EDGE_SECRET_HEADER } from "./client-ip";

const h = (o: Record<string, string>) => new Headers(o);

describe("client IP", () => {
  it("V15.3.4 V4.1.3 V16.2.1 with no trusted proxy, spoofed forwarding headers are ignored", () => {
    expect(clientIpFrom(h({ "x-forwarded-for": "1.2.3.4", "x-real-ip": "1.2.3.4" }), "none", "s3cret")).toBeNull();
    expect(clientIpFrom(h({ [EDGE_IP_HEADER]: "1.2.3.4" }), "none", "s3cret")).toBeNull();
    expect(clientIpFrom(h({ [EDGE_IP_HEADER]: "1.2.3.4", [EDGE_SECRET_HEADER]: "guess" }), "none", "s3cret")).toBeNull();
    expect(clientIpFrom(h({ [EDGE_IP_HEADER]: "::ffff:10.1.2.3", [EDGE_SECRET_HEADER]: "s3cret" }), "none", "s3cret")).toBe("10.1.2.3");
  });

  it("V15.3.4 V4.1.3 V16.2.1 on Heroku only the last x-forwarded-for entry (added by the router) counts", () => {
    expect(clientIpFrom(h({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" }), "heroku")).toBe("203.0.113.9");
  });

  it("V15.3.4 V4.1.3 V16.2.1 on Vercel x-real-ip counts and garbage is refused", () => {
    expect(clientIpFrom(h({ "x-real-ip": "2001:db8::1", "x-forwarded-for": "6.6.6.6" }), "vercel")).toBe("2001:db8::1");
    expect(clientIpFrom(h({ "x-real-ip": "<script>" }), "vercel")).toBeNull();
  });
  it("V15.3.4 V4.1.3 V16.2.1 each trust mode reads its one header: the other forwarding headers never change the address", () => {
    const spoof = { "x-forwarded-for": "6.6.6.6", "x-real-ip": "7.7.7.7", forwarded: "for=8.8.8.8", "x-client-ip": "9.9.9.9", "cf-connecting-ip": "5.5.5.5" };
    // vercel: x-real-ip only, whatever x-forwarded-for says
    expect(clientIpFrom(h({ ...spoof, "x-real-ip": "203.0.113.1" }), "vercel")).toBe("203.0.113.1");
    expect(clientIpFrom(h({ "x-forwarded-for": "203.0.113.1" }), "vercel")).toBeNull();
    // heroku: the router's (last) entry; a client-supplied x-real-ip or leading entries are ignored
    expect(clientIpFrom(h({ ...spoof, "x-forwarded-for": "6.6.6.6, 7.7.7.7, 203.0.113.2" }), "heroku")).toBe("203.0.113.2");
    expect(clientIpFrom(h({ "x-real-ip": "203.0.113.2" }), "heroku")).toBeNull();
    // none: only our server's stamp with the per-boot secret
    expect(clientIpFrom(h({ ...spoof, [EDGE_IP_HEADER]: "203.0.113.3", [EDGE_SECRET_HEADER]: "s3cret" }), "none", "s3cret")).toBe("203.0.113.3");
    expect(clientIpFrom(h(spoof), "none", "s3cret")).toBeNull();
    // without a boot secret nothing is believed, not even a stamp
    expect(clientIpFrom(h({ [EDGE_IP_HEADER]: "203.0.113.3", [EDGE_SECRET_HEADER]: "" }), "none", "")).toBeNull();
  });
});
